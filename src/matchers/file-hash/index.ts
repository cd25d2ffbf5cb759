/**
 * `matchers/file-hash`: every file's sha256, sha1 and md5 (computed in one read by the runner)
 * looked up in one map of hash indicators.
 */
import type { Finding } from '../../core/finding.js';
import type { Indicator } from '../../core/intel.js';
import type { Observation } from '../../core/observation.js';
import type { Matcher } from '../../core/plugin.js';
import { stableId } from '../../util/hash.js';
import {
  indicatorEvidence,
  indicatorRef,
  indicatorSeverity,
  maxSeverity,
  sortIndicators,
} from '../indicator-common.js';

const ID = 'matchers/file-hash';
const HASH_TYPES = new Set(['sha256', 'sha1', 'md5']);

export const fileHashMatcher = {
  id: ID,
  version: 1,
  description: 'File sha256/sha1/md5 against hash indicators',
  accepts: ['file'],
  prepare(intel) {
    const byHash = new Map<string, Indicator[]>();
    for (const ind of intel.indicators) {
      if (!HASH_TYPES.has(ind.type)) continue;
      const key = `${ind.type}:${ind.value.toLowerCase()}`;
      const list = byHash.get(key) ?? [];
      list.push(ind);
      byHash.set(key, list);
    }
    if (byHash.size === 0) return null;
    for (const [k, v] of byHash) byHash.set(k, sortIndicators(v));
    return {
      match(obs: Observation): Finding[] {
        if (obs.kind !== 'file') return [];
        const out: Finding[] = [];
        for (const t of ['sha256', 'sha1', 'md5'] as const) {
          const list = byHash.get(`${t}:${obs[t]}`);
          if (!list) continue;
          const first = list[0]!;
          const test = list.every((i) => i.test);
          const f: Finding = {
            id: stableId(ID, obs.host, obs.path, t, obs[t]),
            kind: 'file',
            severity: maxSeverity(list.map((i) => indicatorSeverity(i, intel, 'high'))),
            host: obs.host,
            title: `${test ? '[TEST INDICATOR] ' : ''}${obs.name}: ${t} matches ${first.description ?? `an indicator from ${first.source}`}`,
            subject: { type: 'file', path: obs.path, sha256: obs.sha256 },
            indicator: indicatorRef(first),
            evidence: indicatorEvidence(list, ID, { path: obs.path, size: obs.size, [t]: obs[t] }, t).map(
              (e) => ({ ...e, location: obs.source }),
            ),
          };
          if (obs.tenant !== undefined) f.tenant = obs.tenant;
          out.push(f);
        }
        return out;
      },
    };
  },
} satisfies Matcher;
