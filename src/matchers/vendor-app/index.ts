/**
 * `matchers/vendor-app`: vendor advisories × installed applications. Platform-aware; versions
 * compared with the `vendor` scheme (dotted numeric). An app whose version cannot be parsed is
 * never guessed at: it is reported as an issue.
 */
import type { Advisory, AffectedProduct, VendorRange } from '../../core/intel.js';
import type { Finding } from '../../core/finding.js';
import { issue, type Issue } from '../../core/issue.js';
import type { AppObservation, Observation } from '../../core/observation.js';
import type { Matcher, PreparedMatcher } from '../../core/plugin.js';
import { stableId } from '../../util/hash.js';
import { vendorComparator } from '../../versioning/vendor/index.js';
import { compileProduct, matchProduct, type CompiledProduct } from './product.js';

const ID = 'matchers/vendor-app';

interface Entry {
  advisory: Advisory;
  affected: AffectedProduct;
  product: CompiledProduct;
}

/** Whether `version` is affected by `a`; returns how, or null. Throws on invalid versions in intel. */
export function affectedBy(
  a: AffectedProduct,
  version: string,
): { type: 'exact-version' | 'version-range'; range?: VendorRange } | null {
  const cmp = (a: string, b: string): number => vendorComparator.compare(a, b);
  if ((a.versions ?? []).some((v) => cmp(v, version) === 0)) return { type: 'exact-version' };
  for (const r of a.ranges ?? []) {
    const lowOk = r.introduced === undefined || r.introduced === '0' || cmp(version, r.introduced) >= 0;
    const fixedOk = r.fixed === undefined || cmp(version, r.fixed) < 0;
    const lastOk = r.lastAffected === undefined || cmp(version, r.lastAffected) <= 0;
    if (lowOk && fixedOk && lastOk) return { type: 'version-range', range: r };
  }
  return null;
}

function prepare(advisories: readonly Advisory[]): PreparedMatcher | null {
  const entries: Entry[] = [];
  const issues: Issue[] = [];
  for (const advisory of advisories) {
    if (advisory.kind !== 'vendor-app') continue;
    for (const affected of advisory.affected) {
      const bad = [
        ...(affected.versions ?? []),
        ...(affected.fixed ?? []),
        ...(affected.ranges ?? []).flatMap((r) => [r.introduced, r.fixed, r.lastAffected]),
      ]
        .filter((v): v is string => v !== undefined && v !== '0')
        .filter((v) => !vendorComparator.isValid(v));
      if (bad.length > 0) {
        issues.push(
          issue(
            'invalid-value',
            `advisory ${advisory.id}: invalid vendor versions ${bad.join(', ')}; entry skipped`,
            { pluginId: ID },
          ),
        );
        continue;
      }
      entries.push({ advisory, affected, product: compileProduct(affected.product) });
    }
  }
  if (entries.length === 0) return issues.length > 0 ? { issues, match: () => [] } : null;
  const reported = new Set<string>();
  return {
    issues,
    match(obs: Observation): Finding[] {
      if (obs.kind !== 'app') return [];
      const out: Finding[] = [];
      for (const e of entries) {
        if (e.affected.platform !== 'any' && e.affected.platform !== obs.platform) continue;
        const how = matchProduct(obs, e.product);
        if (!how) continue;
        if (obs.version === undefined || !vendorComparator.isValid(obs.version)) {
          const key = `${obs.source.file}|${obs.name}|${e.advisory.id}`;
          if (!reported.has(key)) {
            reported.add(key);
            issues.push(
              issue(
                'invalid-value',
                `"${obs.name}" matches advisory ${e.advisory.id} but its version ${JSON.stringify(obs.version ?? null)} is not a valid vendor version; not judged`,
                {
                  file: obs.source.file,
                  pluginId: ID,
                },
              ),
            );
          }
          continue;
        }
        const hit = affectedBy(e.affected, obs.version);
        if (!hit) continue;
        out.push(toFinding(obs, e, how, hit));
      }
      return out;
    },
  };
}

function toFinding(
  app: AppObservation,
  e: Entry,
  how: ReturnType<typeof matchProduct> & object,
  hit: NonNullable<ReturnType<typeof affectedBy>>,
): Finding {
  const adv = e.advisory;
  const version = app.version ?? '';
  const found: Record<string, unknown> = {
    name: app.name,
    version,
    platform: app.platform,
    scope: app.scope,
  };
  if (app.publisher !== undefined) found['publisher'] = app.publisher;
  if (app.bundleId !== undefined) found['bundleId'] = app.bundleId;
  if (app.productId !== undefined) found['productId'] = app.productId;
  if (app.installLocation !== undefined) found['installLocation'] = app.installLocation;
  if (app.user !== undefined) found['user'] = app.user;
  const searchedBy: Record<string, unknown> = {
    product: e.affected.product.names,
    platform: e.affected.platform,
    matchedBy: how.by,
    pattern: how.pattern,
  };
  if (hit.type === 'exact-version') searchedBy['versions'] = e.affected.versions;
  else searchedBy['range'] = hit.range;
  const f: Finding = {
    id: stableId(
      ID,
      app.host,
      adv.id,
      app.source.file,
      app.name,
      version,
      app.productId,
      app.bundleId,
      app.installLocation,
    ),
    kind: 'app',
    severity: adv.severity,
    host: app.host,
    title: `${app.name} ${version} is affected by ${adv.id}${adv.summary ? `: ${adv.summary}` : ''}`,
    subject: { type: 'app', name: app.name, version, platform: app.platform, scope: app.scope },
    advisory: { id: adv.id, aliases: adv.aliases, source: adv.source },
    evidence: [
      {
        type: hit.type,
        searchedBy,
        found,
        matcherId: ID,
        confidence: how.by === 'name' ? 0.9 : 1,
        location: app.source,
      },
    ],
    references: adv.references,
  };
  if (app.tenant !== undefined) f.tenant = app.tenant;
  if (app.publisher !== undefined && f.subject.type === 'app') f.subject.publisher = app.publisher;
  if (app.installLocation !== undefined && f.subject.type === 'app')
    f.subject.installLocation = app.installLocation;
  if (e.affected.fixed && e.affected.fixed.length > 0) f.fixedVersions = e.affected.fixed;
  if (adv.remediation !== undefined) f.remediation = adv.remediation;
  return f;
}

export const vendorAppMatcher = {
  id: ID,
  version: 1,
  description:
    'Vendor application advisories matched against installed applications (platform-aware, vendor version order)',
  accepts: ['app'],
  prepare: (intel) => prepare(intel.advisories),
} satisfies Matcher;
