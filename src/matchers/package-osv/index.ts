/**
 * `matchers/package-osv`: package observations × OSV advisories (malicious packages and
 * vulnerabilities). Advisories are indexed by (ecosystem, normalised name); versions are judged by
 * the ecosystem's own comparator (src/versioning). Withdrawn records never match; ranges that
 * cannot be evaluated (GIT, unknown ecosystems) are reported once, never guessed.
 */
import type { Advisory, PackageAffected } from '../../core/intel.js';
import type { Finding } from '../../core/finding.js';
import { issue, type Issue } from '../../core/issue.js';
import type { Observation, PackageObservation } from '../../core/observation.js';
import type { Matcher, PreparedMatcher } from '../../core/plugin.js';
import { packageKey } from '../../intel/osv/names.js';
import { stableId } from '../../util/hash.js';
import { evaluateAffected, nearestFixed } from '../../versioning/osv-range.js';

const ID = 'matchers/package-osv';

interface Entry {
  advisory: Advisory;
  affected: PackageAffected;
}

/** Builds the (ecosystem, name) index over package advisories. */
export function indexPackageAdvisories(advisories: readonly Advisory[]): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>();
  for (const advisory of advisories) {
    if (advisory.kind !== 'package' || advisory.withdrawn !== undefined) continue;
    for (const affected of advisory.packages ?? []) {
      if (!affected.package) continue;
      const k = packageKey(affected.package.ecosystem, affected.package.name);
      const list = index.get(k) ?? [];
      list.push({ advisory, affected });
      index.set(k, list);
    }
  }
  return index;
}

export function preparePackageMatcher(advisories: readonly Advisory[]): PreparedMatcher | null {
  const index = indexPackageAdvisories(advisories);
  if (index.size === 0) return null;
  const issues: Issue[] = [];
  const reported = new Set<string>();
  return {
    issues,
    match(obs: Observation): Finding[] {
      if (obs.kind !== 'package') return [];
      const entries = index.get(packageKey(obs.ecosystem, obs.name));
      if (!entries) return [];
      const out: Finding[] = [];
      for (const e of entries) {
        const ev = evaluateAffected(e.affected, obs.version);
        for (const u of ev.unsupported ?? []) {
          const key = `${e.advisory.id}|${u}`;
          if (reported.has(key)) continue;
          reported.add(key);
          issues.push(
            issue('unsupported', `${e.advisory.id} for ${obs.ecosystem}/${obs.name}: ${u}`, {
              pluginId: ID,
              file: obs.source.file,
            }),
          );
        }
        if (!ev.affected || !ev.matchedBy) continue;
        out.push(toFinding(obs, e, ev.matchedBy));
      }
      return out;
    },
  };
}

function toFinding(
  obs: PackageObservation,
  e: Entry,
  m: NonNullable<ReturnType<typeof evaluateAffected>['matchedBy']>,
): Finding {
  const adv = e.advisory;
  const fixed = nearestFixed(e.affected, obs.version);
  const searchedBy: Record<string, unknown> = {
    ecosystem: e.affected.package?.ecosystem,
    name: e.affected.package?.name,
  };
  if (m.type === 'version') searchedBy['version'] = m.version;
  else {
    searchedBy['range'] = m.range;
    if (m.introduced !== undefined) searchedBy['introduced'] = m.introduced;
    if (m.fixed !== undefined) searchedBy['fixed'] = m.fixed;
    if (m.lastAffected !== undefined) searchedBy['lastAffected'] = m.lastAffected;
  }
  const found: Record<string, unknown> = { ecosystem: obs.ecosystem, name: obs.name, version: obs.version };
  if (obs.purl !== undefined) found['purl'] = obs.purl;
  if (obs.dev) found['dev'] = true;
  if (obs.direct !== undefined) found['direct'] = obs.direct;
  const f: Finding = {
    id: stableId(ID, obs.host, adv.id, obs.ecosystem, obs.name, obs.version),
    kind: 'package',
    severity: adv.severity,
    host: obs.host,
    title: `${obs.name}@${obs.version}: ${adv.summary}`,
    subject: { type: 'package', ecosystem: obs.ecosystem, name: obs.name, version: obs.version },
    advisory: { id: adv.id, aliases: adv.aliases, source: adv.source },
    evidence: [
      {
        type: m.type === 'version' ? 'exact-version' : 'version-range',
        searchedBy,
        found: obs.locations.length > 1 ? { ...found, locations: obs.locations.map((l) => l.file) } : found,
        matcherId: ID,
        confidence: 1,
        location: obs.locations[0] ?? obs.source,
      },
    ],
    references: adv.references,
  };
  if (obs.purl !== undefined && f.subject.type === 'package') f.subject.purl = obs.purl;
  if (obs.tenant !== undefined) f.tenant = obs.tenant;
  if (fixed !== undefined) {
    f.fixedVersions = [fixed];
    f.remediation = adv.malicious
      ? `Remove ${obs.name}@${obs.version} (malicious), upgrade to ${fixed} or a known-good version, and treat the host as compromised: rotate every secret it held.`
      : `Upgrade ${obs.name} to ${fixed} or later.`;
  } else if (adv.malicious) {
    f.remediation = `Remove ${obs.name}@${obs.version} (malicious) and pin a known-good version; treat the host as compromised: rotate every secret it held.`;
  }
  return f;
}

export const packageOsvMatcher = {
  id: ID,
  version: 1,
  description:
    'Packages against OSV advisories and malicious-package records, with each ecosystem’s version rules',
  accepts: ['package'],
  prepare: (intel) => preparePackageMatcher(intel.advisories),
} satisfies Matcher;
