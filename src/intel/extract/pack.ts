/** A draft chainhunt intel pack (`chainhunt-intel/1`, docs/intel-pack-format.md) from an extracted advisory. */
import { createHash } from 'node:crypto';
import type { AdvisoryDraft } from './extract.js';

/** The draft pack: unsealed (no checksum), source `extract`, for review before use. */
export interface DraftPack {
  schema: 'chainhunt-intel/1';
  id: string;
  name: string;
  version: string;
  description: string;
  sources: { id: string; name: string; url?: string }[];
  advisories: Record<string, unknown>[];
  indicators: Record<string, unknown>[];
}

const SOURCE_ID = 'extract';

/** Builds the pack; `file` names the advisory in `sourceRef`s. */
export function draftToPack(d: AdvisoryDraft, file: string): DraftPack {
  const slug =
    (d.cves[0] ?? d.title)
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 60) || 'advisory';
  const advisoryId = d.cves[0] ?? `DRAFT-${createHash('sha256').update(d.title).digest('hex').slice(0, 12)}`;
  const affected = d.products
    .filter((p) => p.affected.length > 0 || (p.ranges ?? []).length > 0)
    .map((p) => {
      const glued = p.name.includes(' ') ? [p.name.replace(/\s+/g, '')] : [];
      const e: Record<string, unknown> = { product: { names: [p.name, ...glued] }, platform: p.platform };
      if (p.affected.length > 0) e['versions'] = p.affected;
      if ((p.ranges ?? []).length > 0) e['ranges'] = p.ranges;
      if (p.fixed.length > 0) e['fixed'] = p.fixed;
      return e;
    });
  const fixed = [...new Set(d.products.flatMap((p) => p.fixed))];
  const advisories: Record<string, unknown>[] = [];
  if (affected.length > 0) {
    const adv: Record<string, unknown> = {
      id: advisoryId,
      aliases: d.cves.slice(1),
      source: SOURCE_ID,
      kind: 'vendor-app',
      summary: d.title,
      // A draft default: the prose rarely states a severity; review before sealing.
      severity: 'high',
      references: d.references.filter((r) => /^https?:\/\//.test(r)),
      affected,
    };
    if (fixed.length > 0) adv['remediation'] = `Upgrade to ${fixed.join(' or ')} or later.`;
    advisories.push(adv);
  }
  const indicators = d.indicators.map((i) => ({
    type: i.type,
    value: i.value,
    source: SOURCE_ID,
    sourceRef: `${file}#L${i.line}`,
    description: i.context,
    ...(advisories.length > 0 ? { advisoryId } : {}),
  }));
  return {
    schema: 'chainhunt-intel/1',
    id: `draft-${slug}`,
    name: `Draft: ${d.title}`.slice(0, 200),
    version: '0.0.0-draft',
    description: `Drafted by chainhunt intel extract from ${file}; review every value before sealing and use.`,
    sources: [{ id: SOURCE_ID, name: `chainhunt intel extract of ${file}` }],
    advisories,
    indicators,
  };
}
