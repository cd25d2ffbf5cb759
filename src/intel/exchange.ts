/**
 * Turning raw values from exchange formats (STIX, MISP, OpenIOC, CSV feeds) into normalised
 * indicators: normalisation with `invalid-value` issues, warning lists with `warninglist` issues,
 * and de-duplication within one file. Shared by the exchange importers.
 */
import type { Indicator, IndicatorType } from '../core/intel.js';
import type { Severity } from '../core/severity.js';
import { issue, type Issue } from '../core/issue.js';
import type { Where } from './guard.js';
import { normalizeIndicatorValue } from './normalize.js';
import { refang } from './defang.js';
import { warninglistReason } from './warninglists/lists.js';

/** A value as read from a source, before normalisation. */
export interface RawIndicator {
  type: IndicatorType;
  raw: string;
  sourceRef?: string | undefined;
  sourceId?: string | undefined;
  description?: string | undefined;
  confidence?: number | undefined;
  severity?: Severity | undefined;
  advisoryId?: string | undefined;
  patternSyntax?: 'glob' | 'regex' | undefined;
  /** 1-based line for issues. */
  line?: number | undefined;
}

/** Options of {@link buildIndicators}. */
export interface BuildOptions extends Where {
  /** IntelSource id every indicator cites. */
  source: string;
  /** Skip warning lists (tests, or a deliberate `--no-warninglists`). */
  noWarninglists?: boolean;
}

/** Normalises, filters through warning lists and de-duplicates raw values. */
export function buildIndicators(
  raws: readonly RawIndicator[],
  opts: BuildOptions,
): { indicators: Indicator[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const out: Indicator[] = [];
  const seen = new Set<string>();
  for (const r of raws) {
    const where = { file: opts.file, pluginId: opts.pluginId, line: r.line };
    const n = normalizeIndicatorValue(r.type, refang(r.raw));
    const label = r.sourceRef ?? r.sourceId ?? '';
    if (!n.ok) {
      issues.push(
        issue(
          'invalid-value',
          `${r.type} ${JSON.stringify(r.raw.slice(0, 200))}${label ? ` (${label})` : ''}: ${n.reason}; dropped`,
          where,
        ),
      );
      continue;
    }
    if (!opts.noWarninglists) {
      const why = warninglistReason({ type: r.type, value: n.value });
      if (why !== undefined) {
        issues.push(
          issue(
            'warninglist',
            `${r.type} dropped by warning list: ${why}${label ? ` (${label})` : ''}`,
            where,
          ),
        );
        continue;
      }
    }
    const key = `${r.type}\u0000${n.value}\u0000${r.sourceRef ?? ''}\u0000${r.sourceId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const ind: Indicator = { type: r.type, value: n.value, source: opts.source };
    if (r.sourceRef !== undefined) ind.sourceRef = r.sourceRef;
    if (r.sourceId !== undefined) ind.sourceId = r.sourceId;
    if (r.description !== undefined && r.description !== '') ind.description = r.description;
    if (r.confidence !== undefined) ind.confidence = r.confidence;
    if (r.severity !== undefined) ind.severity = r.severity;
    if (r.advisoryId !== undefined) ind.advisoryId = r.advisoryId;
    if (r.patternSyntax !== undefined) ind.patternSyntax = r.patternSyntax;
    out.push(ind);
  }
  return { indicators: out, issues };
}

/** Source id from a free name: lower-case, `[a-z0-9-]` only, at most 40 characters. */
export function slugSourceId(name: string, fallback: string): string {
  const s = name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40);
  return s === '' ? fallback : s;
}
