/**
 * Pure parser for dpkg's database file `/var/lib/dpkg/status` (deb822 stanzas separated by blank
 * lines; `Field: value` lines; continuation lines start with a space or tab).
 */
import { PackageURL } from 'packageurl-js';
import type { CollectorResult } from '../../core/plugin.js';
import type { AppObserved, PackageObservedItem } from '../app-common.js';
import { decodeEvidenceText, IssueSink, nonEmpty, sortObserved } from '../app-common.js';

/** Plugin id. */
export const DPKG_STATUS_ID = 'collectors/dpkg-status';

/** One stanza: fields by lower-cased name (continuations joined with `\n`) and its first line. */
export interface DpkgStanza {
  fields: Map<string, string>;
  line: number;
}

/** The fields the collector reads; others (Description, Conffiles…) are not kept. */
const USED_FIELDS: ReadonlySet<string> = new Set([
  'package',
  'status',
  'version',
  'architecture',
  'maintainer',
]);

const FIELD = /^([!-9;-~][!-9;-~]*):[ \t]*(.*)$/;

/**
 * Splits deb822 text into stanzas. A file that does not end with a newline was cut: its last
 * stanza is dropped with a `truncated` issue (dpkg always ends the file with a newline).
 */
export function parseStanzas(
  text: string,
  sink: IssueSink,
  signal?: AbortSignal,
  keep?: ReadonlySet<string>,
): DpkgStanza[] {
  const lines = text.split(/\r?\n/);
  const out: DpkgStanza[] = [];
  let cur: DpkgStanza | null = null;
  let last: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    if (signal?.aborted === true) break;
    if (sink.full) {
      sink.stop({ line: i + 1 });
      break;
    }
    const l = lines[i]!;
    const line = i + 1;
    if (l.trim() === '') {
      if (cur !== null) out.push(cur);
      cur = null;
      last = null;
      continue;
    }
    if (l.startsWith(' ') || l.startsWith('\t')) {
      if (cur === null || last === null)
        sink.add('parse-error', 'continuation line outside a field', { line });
      else if (keep === undefined || keep.has(last))
        cur.fields.set(last, `${cur.fields.get(last) ?? ''}\n${l.slice(1)}`);
      continue;
    }
    if (l.startsWith('#')) continue;
    const m = FIELD.exec(l);
    if (m === null) {
      sink.add('parse-error', `not a "Field: value" line: ${JSON.stringify(l.slice(0, 60))}`, { line });
      continue;
    }
    cur ??= { fields: new Map(), line };
    last = m[1]!.toLowerCase();
    if (keep !== undefined && !keep.has(last)) continue;
    if (cur.fields.has(last))
      sink.add('duplicate', `field ${m[1]} repeated in one stanza; last one kept`, { line });
    cur.fields.set(last, (m[2] ?? '').trimEnd());
  }
  if (cur !== null) {
    if (text.endsWith('\n')) out.push(cur);
    else
      sink.add(
        'truncated',
        `file ends without a newline inside the stanza of ${cur.fields.get('package') ?? 'an unnamed package'}; stanza ignored`,
        { line: lines.length },
      );
  }
  return out;
}

/**
 * Parses a dpkg status file into application observations (platform linux, publisher =
 * Maintainer) and package observations (ecosystem `Debian`, purl `pkg:deb/debian/…`), for
 * packages whose Status is `install|hold ok installed`.
 */
export function parseDpkgStatus(content: Uint8Array, file: string, signal?: AbortSignal): CollectorResult {
  const sink = new IssueSink(file, DPKG_STATUS_ID);
  const observations: (AppObserved | PackageObservedItem)[] = [];
  const decoded = decodeEvidenceText(content, sink);
  if (decoded === null) return { observations, issues: sink.done() };
  const stanzas = parseStanzas(decoded.text, sink, signal, USED_FIELDS);
  if (stanzas.length === 0 && sink.issues.length === 0)
    sink.add('parse-error', 'no package stanzas', { line: 1 });
  for (const s of stanzas) {
    const name = nonEmpty(s.fields.get('package'));
    if (name === undefined) {
      sink.add('invalid-value', 'stanza without a Package field', { line: s.line });
      continue;
    }
    const status = s.fields.get('status');
    if (status === undefined) {
      sink.add('invalid-value', `package ${name} has no Status field`, { line: s.line });
      continue;
    }
    const [want, flag, state] = status.trim().split(/\s+/);
    if (state === undefined) {
      sink.add(
        'invalid-value',
        `package ${name}: Status "${status.slice(0, 40)}" is not "want flag status"`,
        { line: s.line },
      );
      continue;
    }
    if (state !== 'installed' || flag !== 'ok' || (want !== 'install' && want !== 'hold')) continue;
    const version = nonEmpty(s.fields.get('version'));
    if (version === undefined) {
      sink.add('invalid-value', `installed package ${name} has no Version`, { line: s.line });
      continue;
    }
    const arch = nonEmpty(s.fields.get('architecture'));
    const source = { file, line: s.line };
    const app: AppObserved = {
      kind: 'app',
      name,
      version,
      platform: 'linux',
      productId: name,
      scope: 'machine',
      source,
    };
    const maintainer = nonEmpty(s.fields.get('maintainer'));
    if (maintainer !== undefined) app.publisher = maintainer;
    observations.push(app);
    let purl: string | undefined;
    try {
      purl = new PackageURL(
        'deb',
        'debian',
        name,
        version,
        arch === undefined ? undefined : { arch },
        undefined,
      ).toString();
    } catch {
      sink.add('invalid-value', `package ${name} ${version}: cannot form a purl`, { line: s.line });
    }
    const pkg: PackageObservedItem = {
      kind: 'package',
      ecosystem: 'Debian',
      name,
      version,
      locations: [source],
      source,
    };
    if (purl !== undefined) pkg.purl = purl;
    observations.push(pkg);
  }
  return { observations: sortObserved(observations), issues: sink.done() };
}
