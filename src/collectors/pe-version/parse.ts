/**
 * A PE's version resource as an installed-application observation: `ProductName` (else
 * `FileDescription`, else `OriginalFilename` without extension) as the name, `ProductVersion` (else `FileVersion`) as the version, `CompanyName`
 * as the publisher, the file's folder as the install location. Pure: no I/O.
 */
import type { Issue } from '../../core/issue.js';
import type { Observed } from '../../core/observation.js';
import { parsePe } from '../../pe/parse.js';

export const PE_VERSION_ID = 'collectors/pe-version';

function clean(v: string | undefined): string | undefined {
  const s = v?.replace(/\s+/g, ' ').trim();
  return s ? s : undefined;
}

/** Version strings as Windows shows them (`18, 12, 416, 0` → `18.12.416.0`). */
export function normaliseVersion(v: string | undefined): string | undefined {
  const s = clean(v);
  if (!s) return undefined;
  return /^\d+(\s*,\s*\d+)+$/.test(s) ? s.split(/\s*,\s*/).join('.') : s;
}

/** Reads the version resource of one PE file into at most one `app` observation. */
export function parsePeVersion(content: Buffer, path: string): { observations: Observed[]; issues: Issue[] } {
  // Structural problems of the PE are reported once, by matchers/pe-anomaly.
  const { pe } = parsePe(content, path, { authenticodeDigest: false });
  const stamped: Issue[] = [];
  const v = pe?.version;
  if (!v) return { observations: [], issues: stamped };
  const name =
    clean(v['ProductName']) ??
    clean(v['FileDescription']) ??
    clean(v['OriginalFilename'])?.replace(/\.(exe|dll|sys)$/i, '');
  if (!name) return { observations: [], issues: stamped };
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const obs: Observed = { kind: 'app', name, platform: 'windows', scope: 'unknown', source: { file: path } };
  const version = normaliseVersion(v['ProductVersion']) ?? normaliseVersion(v['FileVersion']);
  if (version) obs.version = version;
  const fileVersion = normaliseVersion(v['FileVersion']);
  if (fileVersion && fileVersion !== version) obs.build = fileVersion;
  const publisher = clean(v['CompanyName']);
  if (publisher) obs.publisher = publisher;
  if (i > 0) obs.installLocation = path.slice(0, i);
  return { observations: [obs], issues: stamped };
}
