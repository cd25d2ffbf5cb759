/**
 * `matchers/pe-anomaly`: signed-binary anomalies over PE files (src/pe): data appended inside the
 * Authenticode WIN_CERTIFICATE (CVE-2013-3900 padding, 3CX `d3dcompiler_47.dll`), data after the
 * certificate table, digest mismatches and overlays. Needs no intel; runs through the runner's
 * content hook on every file that starts with `MZ`. A malformed or truncated PE is an issue.
 */
import type { Finding } from '../../core/finding.js';
import type { FileObservation } from '../../core/observation.js';
import type { ContentMatchResult, Matcher } from '../../core/plugin.js';
import { stableId } from '../../util/hash.js';
import { peAnomalies, type PeAnomaly } from '../../pe/anomalies.js';
import { parsePe } from '../../pe/parse.js';

const ID = 'matchers/pe-anomaly';

/** The finding for one anomaly of one file. */
export function peAnomalyFinding(file: FileObservation, a: PeAnomaly): Finding {
  const f: Finding = {
    id: stableId('pe-anomaly', a.id, file.host, file.tenant, file.path, file.sha256),
    kind: 'pe-anomaly',
    severity: a.severity,
    host: file.host,
    title: a.title,
    subject: { type: 'file', path: file.path, sha256: file.sha256 },
    rule: { id: `pe-anomaly/${a.id}`, title: a.id },
    evidence: [
      {
        type: a.id,
        searchedBy: { anomaly: a.id },
        found: { offset: a.offset, ...(a.size !== undefined ? { size: a.size } : {}), ...a.details },
        matcherId: ID,
        confidence: 1,
        location: { file: file.path, offset: a.offset },
      },
    ],
  };
  if (file.tenant !== undefined) f.tenant = file.tenant;
  if (a.id === 'authenticode-appended-data')
    f.references = ['https://nvd.nist.gov/vuln/detail/CVE-2013-3900'];
  return f;
}

/** Findings and issues for one file's bytes. */
export function matchPeContent(file: FileObservation, content: Buffer): ContentMatchResult {
  if (content.length < 2 || content[0] !== 0x4d || content[1] !== 0x5a) return { findings: [], issues: [] };
  const { pe, issues } = parsePe(content, file.path);
  const stamped = issues.map((i) => ({ ...i, pluginId: ID }));
  if (!pe) return { findings: [], issues: stamped };
  return { findings: peAnomalies(pe, content).map((a) => peAnomalyFinding(file, a)), issues: stamped };
}

export const peAnomalyMatcher = {
  id: ID,
  version: 1,
  description:
    'PE anomalies: data appended inside Authenticode signatures (CVE-2013-3900), after the certificate table, digest mismatch, overlays',
  accepts: [],
  prepare() {
    return { match: () => [], matchContent: matchPeContent };
  },
} satisfies Matcher;
