/**
 * Pure parser for `rpm -qa` listings. Accepted line forms (one package per line):
 * 1. `rpm -qa --queryformat '%{NAME}\t%{EPOCH}\t%{VERSION}\t%{RELEASE}\t%{ARCH}\t%{VENDOR}\n'`
 *    (6 tab-separated fields; `(none)` for an unset epoch, arch or vendor);
 * 2. the same without `\t%{VENDOR}` (5 fields);
 * 3. plain `rpm -qa` output, `name-version-release.arch` (arch from a fixed list; lines without a
 *    known arch are read as `name-version-release`).
 * `gpg-pubkey` pseudo-packages (imported signing keys) are skipped.
 */
import type { CollectorResult } from '../../core/plugin.js';
import type { AppObserved } from '../app-common.js';
import { decodeEvidenceText, IssueSink, sortObserved } from '../app-common.js';

/** Plugin id. */
export const RPM_QA_ID = 'collectors/rpm-qa';

/** Architectures recognised at the end of `name-version-release.arch`. */
export const RPM_ARCHES: ReadonlySet<string> = new Set([
  'noarch',
  'x86_64',
  'i386',
  'i486',
  'i586',
  'i686',
  'athlon',
  'aarch64',
  'armv7hl',
  'armv7l',
  'armv6hl',
  'armhfp',
  'ppc',
  'ppc64',
  'ppc64le',
  'ppc64p7',
  's390',
  's390x',
  'ia64',
  'riscv64',
  'loongarch64',
  'mips',
  'mipsel',
  'mips64el',
  'sparc',
  'sparc64',
  'alpha',
  'src',
  'nosrc',
  'x86_64_v2',
  'x86_64_v3',
  'x86_64_v4',
  'amd64',
  'arm64',
]);

/** One package as read from a line. */
export interface RpmEntry {
  name: string;
  epoch?: string;
  version: string;
  release: string;
  arch?: string;
  vendor?: string;
  line: number;
}

const none = (s: string | undefined): string | undefined =>
  s === undefined || s === '' || s === '(none)' ? undefined : s;

/** Reads one line; null (with an issue) when it is malformed, 'skip' for gpg-pubkey. */
export function parseRpmLine(raw: string, line: number, sink: IssueSink): RpmEntry | null | 'skip' {
  const l = raw.trim();
  if (l.includes('\t')) {
    const f = raw.replace(/\r$/, '').split('\t');
    if (f.length !== 5 && f.length !== 6) {
      sink.add(
        'parse-error',
        `expected 5 or 6 tab-separated fields (NAME EPOCH VERSION RELEASE ARCH [VENDOR]), found ${f.length}`,
        { line },
      );
      return null;
    }
    const [name, epoch, version, release, arch, vendor] = f.map((x) => x.trim());
    if (name === 'gpg-pubkey') return 'skip';
    if (!name || !version || !release) {
      sink.add('parse-error', 'empty NAME, VERSION or RELEASE field', { line });
      return null;
    }
    const e = none(epoch);
    if (e !== undefined && !/^\d{1,10}$/.test(e)) {
      sink.add('invalid-value', `EPOCH "${e.slice(0, 20)}" is not a number`, { line });
      return null;
    }
    const out: RpmEntry = { name, version, release, line };
    if (e !== undefined) out.epoch = e;
    const a = none(arch);
    if (a !== undefined) out.arch = a;
    const v = none(vendor);
    if (v !== undefined) out.vendor = v;
    return out;
  }
  if (/\s/.test(l)) {
    sink.add('parse-error', 'not an rpm -qa line (contains spaces but no tabs)', { line });
    return null;
  }
  let nvr = l;
  let arch: string | undefined;
  const dot = l.lastIndexOf('.');
  if (dot > 0 && RPM_ARCHES.has(l.slice(dot + 1))) {
    arch = l.slice(dot + 1);
    nvr = l.slice(0, dot);
  }
  const r = nvr.lastIndexOf('-');
  const v = r > 0 ? nvr.lastIndexOf('-', r - 1) : -1;
  if (v <= 0 || r === nvr.length - 1 || v + 1 === r) {
    sink.add('parse-error', `not name-version-release[.arch]: ${JSON.stringify(l.slice(0, 60))}`, { line });
    return null;
  }
  const name = nvr.slice(0, v);
  if (name === 'gpg-pubkey') return 'skip';
  const out: RpmEntry = { name, version: nvr.slice(v + 1, r), release: nvr.slice(r + 1), line };
  if (arch !== undefined) out.arch = arch;
  return out;
}

/**
 * Parses an rpm -qa listing into application observations (platform linux, productId = NAME,
 * version = `[EPOCH:]VERSION-RELEASE`, publisher = VENDOR).
 */
export function parseRpmQa(content: Uint8Array, file: string, signal?: AbortSignal): CollectorResult {
  const sink = new IssueSink(file, RPM_QA_ID);
  const observations: AppObserved[] = [];
  const decoded = decodeEvidenceText(content, sink);
  if (decoded === null) return { observations, issues: sink.done() };
  const lines = decoded.text.replace(/^\uFEFF/, '').split('\n');
  const cut = !decoded.text.endsWith('\n');
  for (let i = 0; i < lines.length; i++) {
    if (signal?.aborted === true) break;
    if (sink.full) {
      sink.stop({ line: i + 1 });
      break;
    }
    const raw = lines[i]!;
    if (raw.trim() === '' || raw.startsWith('#')) continue;
    const line = i + 1;
    if (cut && i === lines.length - 1 && lines.length > 1) {
      sink.add('truncated', 'last line has no newline (file cut?); ignored', { line });
      break;
    }
    const e = parseRpmLine(raw, line, sink);
    if (e === null || e === 'skip') continue;
    const app: AppObserved = {
      kind: 'app',
      name: e.name,
      version: `${e.epoch === undefined ? '' : `${e.epoch}:`}${e.version}-${e.release}`,
      platform: 'linux',
      productId: e.name,
      scope: 'machine',
      source: { file, line },
    };
    if (e.vendor !== undefined) app.publisher = e.vendor;
    observations.push(app);
  }
  if (observations.length === 0 && sink.issues.length === 0)
    sink.add('parse-error', 'no package lines', { line: 1 });
  return { observations: sortObserved(observations), issues: sink.done() };
}
