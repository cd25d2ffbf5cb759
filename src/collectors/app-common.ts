/**
 * Shared helpers for the installed-application collectors (windows-reg, windows-uninstall-json,
 * osquery-programs, osquery-apps, macos-info-plist, dpkg-status, rpm-qa): tolerant text decoding
 * that reports issues, a capped issue sink, a deterministic observation order and install-scope
 * inference from paths. Pure: no I/O.
 */
import type { Issue, IssueCode } from '../core/issue.js';
import { cmp, issue } from '../core/issue.js';
import type { AppObservation, InstallScope, Observed, PackageObservation } from '../core/observation.js';
import { decodeText, hasNul } from '../util/text.js';

/** An application observation as a collector emits it (before the runner stamps host/collector). */
export type AppObserved = Omit<AppObservation, 'host' | 'tenant' | 'collectorId'>;
/** A package observation as a collector emits it. */
export type PackageObservedItem = Omit<PackageObservation, 'host' | 'tenant' | 'collectorId'>;

/** Most issues one file may raise; further ones are summarised in one `limit-exceeded` issue. */
export const MAX_ISSUES_PER_FILE = 50;

/**
 * Collects issues for one file, stamping file and plugin id, and caps their number so that a
 * garbage input cannot produce millions of issues.
 */
export class IssueSink {
  readonly issues: Issue[] = [];
  private dropped = 0;
  constructor(
    readonly file: string,
    readonly pluginId: string,
    private readonly max = MAX_ISSUES_PER_FILE,
  ) {}

  /** Records one issue at a line and/or byte offset. */
  add(
    code: IssueCode,
    message: string,
    where: { line?: number | undefined; offset?: number | undefined } = {},
  ): void {
    if (this.issues.length >= this.max) {
      this.dropped++;
      return;
    }
    this.issues.push(
      issue(code, message, {
        file: this.file,
        line: where.line,
        offset: where.offset,
        pluginId: this.pluginId,
      }),
    );
  }

  private stoppedAt: { line?: number | undefined; offset?: number | undefined } | undefined;

  /** Whether the cap was reached (parsers may stop early, see {@link IssueSink.stop}). */
  get full(): boolean {
    return this.issues.length >= this.max;
  }

  /** Records that the parser gave up reading at this position because of the issue cap. */
  stop(where: { line?: number | undefined; offset?: number | undefined }): void {
    this.stoppedAt ??= where;
  }

  /** The issues, plus a summary of the dropped ones and where reading stopped. */
  done(): Issue[] {
    const out = [...this.issues];
    if (this.dropped > 0) {
      out.push(
        issue('limit-exceeded', `${this.dropped} further issue(s) in this file not listed`, {
          file: this.file,
          pluginId: this.pluginId,
        }),
      );
    }
    if (this.stoppedAt !== undefined) {
      out.push(
        issue('limit-exceeded', `more than ${this.max} issues: stopped reading the file here`, {
          file: this.file,
          pluginId: this.pluginId,
          line: this.stoppedAt.line,
          offset: this.stoppedAt.offset,
        }),
      );
    }
    return out;
  }
}

/** Result of {@link decodeEvidenceText}. */
export interface DecodedEvidence {
  text: string;
  encoding: 'utf-8' | 'utf-16le' | 'utf-16be' | 'windows-1252';
}

/**
 * Decodes a text evidence file (BOM-aware; UTF-8, UTF-16LE/BE). Returns null, with an issue in
 * `sink`, when the file is empty, binary or not valid text in a supported encoding. A UTF-16 file
 * with an odd byte count is decoded without its last byte and reported as `truncated`.
 */
export function decodeEvidenceText(buf: Uint8Array, sink: IssueSink): DecodedEvidence | null {
  if (buf.length === 0) {
    sink.add('empty', 'file is empty');
    return null;
  }
  let bytes = buf;
  const bom16 =
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff));
  if (bom16 && bytes.length % 2 === 1) {
    sink.add('truncated', 'UTF-16 text has an odd number of bytes (cut in the middle of a character)', {
      offset: bytes.length - 1,
    });
    bytes = bytes.subarray(0, bytes.length - 1);
  }
  const decoded = decodeText(bytes);
  if (decoded === null) {
    if (bom16) {
      sink.add('encoding', 'invalid UTF-16 text (unpaired surrogate)', { offset: 0 });
    } else if (hasNul(bytes)) {
      sink.add('encoding', 'binary data (NUL bytes) where text was expected', { offset: firstNul(bytes) });
    } else {
      const bad = firstInvalidUtf8(bytes);
      sink.add('encoding', 'not valid UTF-8 or UTF-16 text (wrong encoding?)', { offset: bad });
    }
    return null;
  }
  if (decoded.encoding === 'utf-8' && !decoded.hadBom && hasNul(bytes)) {
    sink.add('encoding', 'binary data (NUL bytes) where text was expected', { offset: firstNul(bytes) });
    return null;
  }
  const text = decoded.text;
  if (text.trim() === '') {
    sink.add('empty', 'file has no content besides whitespace');
    return null;
  }
  return { text, encoding: decoded.encoding };
}

function firstNul(buf: Uint8Array): number {
  const i = buf.indexOf(0);
  return i < 0 ? 0 : i;
}

/** Byte offset of the first invalid UTF-8 sequence (0 when none is found). */
export function firstInvalidUtf8(buf: Uint8Array): number {
  let i = 0;
  while (i < buf.length) {
    const b = buf[i]!;
    let n = 0;
    if (b < 0x80) n = 0;
    else if (b >= 0xc2 && b <= 0xdf) n = 1;
    else if (b >= 0xe0 && b <= 0xef) n = 2;
    else if (b >= 0xf0 && b <= 0xf4) n = 3;
    else return i;
    for (let k = 1; k <= n; k++) {
      const c = buf[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
    }
    i += n + 1;
  }
  return 0;
}

/**
 * Text of the first bytes of a file for sniffing: BOM-aware, tolerant of a cut character at the
 * end, never throws. Returns '' for binary-looking input.
 */
export function headText(head: Uint8Array): string {
  if (head.length >= 2 && head[0] === 0xff && head[1] === 0xfe) {
    return new TextDecoder('utf-16le').decode(head.subarray(2, head.length - (head.length % 2)));
  }
  if (head.length >= 2 && head[0] === 0xfe && head[1] === 0xff) {
    return new TextDecoder('utf-16be').decode(head.subarray(2, head.length - (head.length % 2)));
  }
  let start = 0;
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) start = 3;
  const n = Math.min(head.length, 64);
  if (start === 0 && n >= 4) {
    let utf16 = true;
    for (let i = 1; i < n; i += 2) if (head[i] !== 0) utf16 = false;
    if (utf16) return new TextDecoder('utf-16le').decode(head.subarray(0, head.length - (head.length % 2)));
  }
  return new TextDecoder('utf-8').decode(head.subarray(start));
}

/** 1-based line and column of a character offset in `text`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

/**
 * Parses JSON, turning a syntax error into an issue with the line of the error when the engine
 * names a position. Returns `undefined` on failure.
 */
export function parseJsonWithIssue(text: string, sink: IssueSink): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const m = /position (\d+)/.exec(msg);
    const pos = m ? Number(m[1]) : undefined;
    const truncated =
      /Unexpected end of JSON input|Unterminated string/.test(msg) ||
      (pos !== undefined && pos >= text.trimEnd().length);
    sink.add(truncated ? 'truncated' : 'parse-error', `invalid JSON: ${msg}`, {
      line: lineOf(text, pos ?? text.length),
    });
    return undefined;
  }
}

/** Where an installed application lives, as far as a path tells. */
export interface ScopeGuess {
  scope: InstallScope;
  user?: string;
}

const WIN_USER_PROFILE = /^(?:[a-z]:|\\\\\?\\[a-z]:)?[\\/]+users[\\/]+([^\\/]+)[\\/]/i;
const WIN_MACHINE_DIRS =
  /^(?:[a-z]:)[\\/]+(?:program files|program files \(x86\)|programdata|windows)(?:[\\/]|$)/i;
const WIN_NOT_USERS = new Set(['public', 'default', 'default user', 'all users']);

/**
 * Install scope from a Windows path: under `X:\Users\<name>\` is a per-user install (user =
 * profile folder name), under Program Files, ProgramData or Windows is machine-wide; anything else
 * is unknown. Used where the source (osquery `programs`) does not say which hive a key came from.
 */
export function windowsScopeFromPath(p: string | undefined): ScopeGuess {
  if (p === undefined) return { scope: 'unknown' };
  const s = p.trim().replace(/^"/, '');
  const u = WIN_USER_PROFILE.exec(s);
  if (u?.[1] !== undefined) {
    return WIN_NOT_USERS.has(u[1].toLowerCase()) ? { scope: 'machine' } : { scope: 'user', user: u[1] };
  }
  if (WIN_MACHINE_DIRS.test(s)) return { scope: 'machine' };
  return { scope: 'unknown' };
}

/**
 * Install scope from a macOS path: `/Users/<name>/…` (except `/Users/Shared`) is a per-user
 * install, anything else machine-wide.
 */
export function macScopeFromPath(p: string): ScopeGuess {
  const m = /(?:^|\/)Users\/([^/]+)\//.exec(p);
  if (m?.[1] !== undefined && m[1] !== 'Shared') return { scope: 'user', user: m[1] };
  return { scope: 'machine' };
}

/** Non-empty trimmed string, or undefined (for optional observation fields). */
export function nonEmpty(v: unknown): string | undefined {
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/**
 * Deterministic order for observations: source file, line, offset, kind, then the record's JSON
 * with sorted keys (the default order of test/contracts/collector.contract.ts).
 */
export function compareObserved(a: Observed, b: Observed): number {
  return compareHead(a, b) || cmp(canonicalJson(a), canonicalJson(b));
}

function compareHead(a: Observed, b: Observed): number {
  return (
    cmp(a.source.file, b.source.file) ||
    (a.source.line ?? 0) - (b.source.line ?? 0) ||
    (a.source.offset ?? 0) - (b.source.offset ?? 0) ||
    cmp(a.kind, b.kind)
  );
}

/** JSON with object keys sorted (bigints as strings), a canonical form for ordering. */
export function canonicalJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => cmp(p, q)));
    }
    return x;
  });
}

/**
 * Sorts observations in place in {@link compareObserved} order and returns them. The canonical
 * JSON is only computed for records that tie on file, line, offset and kind, so lists already in
 * source order (the common case) cost one pass.
 */
export function sortObserved<T extends Observed>(list: T[]): T[] {
  const keys = new Map<T, string>();
  const key = (o: T): string => {
    let k = keys.get(o);
    if (k === undefined) {
      k = canonicalJson(o);
      keys.set(o, k);
    }
    return k;
  };
  const compare = (a: T, b: T): number => compareHead(a, b) || cmp(key(a), key(b));
  let sorted = true;
  for (let i = 1; i < list.length && sorted; i++) if (compare(list[i - 1]!, list[i]!) > 0) sorted = false;
  return sorted ? list : list.sort(compare);
}

/** Sets optional string fields only when defined (exactOptionalPropertyTypes friendly). */
export function withOptional<T extends object>(base: T, extra: Record<string, string | undefined>): T {
  const out = base as Record<string, unknown>;
  for (const [k, v] of Object.entries(extra)) if (v !== undefined) out[k] = v;
  return base;
}

/**
 * 1-based start lines of the elements of a top-level JSON array, in order; for any other top-level
 * value, `[line of its first character]`. Linear; meant for text that `JSON.parse` accepted.
 */
export function jsonElementLines(text: string): number[] {
  const out: number[] = [];
  let line = 1;
  let depth = 0;
  let inString = false;
  let topArray = false;
  let expecting = true;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      continue;
    }
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 0xfeff) continue;
    if (depth === 0) {
      if (c === 91) {
        topArray = true;
        depth = 1;
        continue;
      }
      out.push(line);
      return out;
    }
    if (depth === 1 && topArray) {
      if (c === 44) {
        expecting = true;
        continue;
      }
      if (c === 93) return out;
      if (expecting) {
        out.push(line);
        expecting = false;
      }
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) depth++;
    else if (c === 125 || c === 93) depth--;
  }
  return out;
}
