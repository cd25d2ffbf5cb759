/**
 * `matchers/filename`: filename indicators. Globs (`*`, `?`) match the file's base name; regexes
 * (signature-base `filename-iocs.txt`) match the full path written with backslashes, case-sensitively
 * as LOKI does unless the regex says `(?i)`, compiled with RE2 (linear time); a hit is dropped when the
 * indicator's false-positive regex (`excludePattern`) also matches. A regex RE2 cannot compile is
 * reported, never approximated.
 */
import { RE2JS } from 're2js';
import type { Finding } from '../../core/finding.js';
import type { Indicator } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import type { FileObservation, Observation } from '../../core/observation.js';
import type { Matcher } from '../../core/plugin.js';
import { stableId } from '../../util/hash.js';
import { wildcardMatch } from '../../util/glob.js';
import { indicatorEvidence, indicatorRef, indicatorSeverity } from '../indicator-common.js';

const ID = 'matchers/filename';

interface Compiled {
  ind: Indicator;
  test: (f: FileObservation, winPath: string) => boolean;
}

/** Windows-style path used for regex filename indicators (they are written for `C:\…` paths). */
export function windowsStylePath(p: string): string {
  return p.replace(/\//g, '\\');
}

export const filenameMatcher = {
  id: ID,
  version: 1,
  description: 'File names and paths against filename indicators (globs and RE2 regexes)',
  accepts: ['file'],
  prepare(intel) {
    const compiled: Compiled[] = [];
    const issues: Issue[] = [];
    for (const ind of intel.indicators) {
      if (ind.type !== 'filename') continue;
      if (ind.patternSyntax === 'regex') {
        try {
          const re = RE2JS.compile(ind.value);
          const fp = ind.excludePattern !== undefined ? RE2JS.compile(ind.excludePattern) : null;
          compiled.push({
            ind,
            test: (_f, win) => re.matcher(win).find() && !(fp?.matcher(win).find() ?? false),
          });
        } catch (err) {
          issues.push(
            issue(
              'unsupported',
              `filename regex not supported by RE2 (${(err as Error).message}): ${ind.value}`,
              { pluginId: ID, file: ind.sourceRef ?? ind.source },
            ),
          );
        }
      } else {
        const pat = ind.value.toLowerCase();
        compiled.push({ ind, test: (f) => wildcardMatch(pat, f.name.toLowerCase()) });
      }
    }
    if (compiled.length === 0) return issues.length ? { issues, match: () => [] } : null;
    return {
      issues,
      match(obs: Observation): Finding[] {
        if (obs.kind !== 'file') return [];
        const win = windowsStylePath(obs.path);
        const out: Finding[] = [];
        for (const c of compiled) {
          if (!c.test(obs, win)) continue;
          const f: Finding = {
            id: stableId(ID, obs.host, obs.path, c.ind.source, c.ind.value),
            kind: 'filename',
            severity: indicatorSeverity(c.ind, intel, 'medium'),
            host: obs.host,
            title: `${obs.name}: path matches filename indicator ${c.ind.description ?? c.ind.value}`,
            subject: { type: 'file', path: obs.path, sha256: obs.sha256 },
            indicator: indicatorRef(c.ind),
            evidence: indicatorEvidence(
              [c.ind],
              ID,
              { path: obs.path },
              c.ind.patternSyntax === 'regex' ? 'filename-regex' : 'filename-glob',
            ).map((e) => ({
              ...e,
              confidence: 0.6,
              location: obs.source,
            })),
          };
          if (obs.tenant !== undefined) f.tenant = obs.tenant;
          out.push(f);
        }
        return out;
      },
    };
  },
} satisfies Matcher;
