/**
 * A pure tokenizer/parser for Windows registry export files (`.reg`) as regedit and `reg export`
 * write them: "Windows Registry Editor Version 5.00" (UTF-16LE with BOM) and "REGEDIT4" (ANSI).
 * It knows nothing about uninstall keys, so it can serve any registry evidence.
 *
 * Supported: `[key]` and `[-key]` lines, `;` comments, `\` line continuations, `"name"="string"`
 * with `\\` `\"` (and Wine's `\n` `\r` `\0`) escapes, `@` default values, `dword:`, `hex:`,
 * `hex(N):` for every type code (2 = REG_EXPAND_SZ, 7 = REG_MULTI_SZ, b = REG_QWORD decoded), and
 * `"name"=-` deletions. Never throws: problems become issues with the line they were found on.
 */
import type { Issue } from '../../core/issue.js';
import { IssueSink } from '../app-common.js';

/** Header of a Unicode (regedit 5) export. */
export const REGEDIT5_HEADER = 'Windows Registry Editor Version 5.00';
/** Header of an ANSI (regedit 4) export. */
export const REGEDIT4_HEADER = 'REGEDIT4';

/** Decoded data of one registry value. */
export type RegData =
  | { type: 'sz'; value: string }
  | { type: 'expand-sz'; value: string }
  | { type: 'multi-sz'; value: string[] }
  | { type: 'dword'; value: number }
  | { type: 'qword'; value: bigint }
  /** `hex:` (REG_BINARY, type code 3) and every other `hex(N):` type kept as bytes. */
  | { type: 'binary'; typeCode: number; value: Uint8Array }
  /** `"name"=-`: the value is deleted. */
  | { type: 'delete' };

/** One value line (after joining continuations). */
export interface RegValue {
  /** Value name; `''` for the default value `@`. */
  name: string;
  data: RegData;
  /** 1-based line where the value starts. */
  line: number;
}

/** One `[key]` or `[-key]` section, in file order. */
export interface RegSection {
  /** Key path as written, e.g. `HKEY_LOCAL_MACHINE\SOFTWARE\…`. */
  path: string;
  /** True for `[-key]` (delete the key and its subkeys). */
  deleted: boolean;
  line: number;
  values: RegValue[];
}

/** A parsed `.reg` file. */
export interface RegDocument {
  format: 'regedit5' | 'regedit4';
  encoding: 'utf-16le' | 'utf-16be' | 'utf-8' | 'windows-1252';
  sections: RegSection[];
}

/** Parser result: the document (null when the file is not a usable export) and its issues. */
export interface RegParseResult {
  document: RegDocument | null;
  issues: Issue[];
}

/** Options for {@link parseRegFile}. */
export interface RegParseOptions {
  /** Plugin id stamped on issues. */
  pluginId?: string;
  signal?: AbortSignal;
}

const ROOTS = new Map<string, string>([
  ['hkey_local_machine', 'HKEY_LOCAL_MACHINE'],
  ['hklm', 'HKEY_LOCAL_MACHINE'],
  ['hkey_current_user', 'HKEY_CURRENT_USER'],
  ['hkcu', 'HKEY_CURRENT_USER'],
  ['hkey_users', 'HKEY_USERS'],
  ['hku', 'HKEY_USERS'],
  ['hkey_classes_root', 'HKEY_CLASSES_ROOT'],
  ['hkcr', 'HKEY_CLASSES_ROOT'],
  ['hkey_current_config', 'HKEY_CURRENT_CONFIG'],
  ['hkcc', 'HKEY_CURRENT_CONFIG'],
  ['hkey_performance_data', 'HKEY_PERFORMANCE_DATA'],
  ['hkey_dyn_data', 'HKEY_DYN_DATA'],
]);

/** Longest run of physical lines joined into one logical line (multi-line strings, continuations). */
const MAX_JOINED_LINES = 100_000;

/**
 * Parses a `.reg` export. `file` names the input in issues.
 *
 * @example
 * const { document, issues } = parseRegFile(buf, 'evidence/uninstall.reg');
 * for (const s of document?.sections ?? []) console.log(s.path, s.values.length);
 */
export function parseRegFile(buf: Uint8Array, file: string, options: RegParseOptions = {}): RegParseResult {
  const sink = new IssueSink(file, options.pluginId ?? 'collectors/windows-reg');
  const decoded = decodeReg(buf, sink);
  if (decoded === null) return { document: null, issues: sink.done() };
  const lines = decoded.text.split(/\r\n|\n|\r/);
  const first = (lines[0] ?? '').replace(/^\uFEFF/, '').trim();
  let format: RegDocument['format'];
  if (first === REGEDIT5_HEADER) format = 'regedit5';
  else if (first === REGEDIT4_HEADER) format = 'regedit4';
  else {
    sink.add(
      'parse-error',
      `not a registry export: first line is not "${REGEDIT5_HEADER}" or "${REGEDIT4_HEADER}"`,
      { line: 1 },
    );
    return { document: null, issues: sink.done() };
  }
  const doc: RegDocument = { format, encoding: decoded.encoding, sections: [] };
  let current: RegSection | null = null;
  let skipping = false;
  let i = 1;
  while (i < lines.length) {
    if (options.signal?.aborted === true) {
      sink.add('limit-exceeded', 'parse aborted', { line: i + 1 });
      break;
    }
    if (sink.full) {
      sink.stop({ line: i + 1 });
      break;
    }
    const startLine = i + 1;
    let l = lines[i] ?? '';
    i++;
    const trimmed = l.trim();
    if (trimmed === '' || trimmed.startsWith(';')) continue;
    if (trimmed.startsWith('[')) {
      const close = trimmed.lastIndexOf(']');
      if (close < 0) {
        sink.add(i >= lines.length ? 'truncated' : 'parse-error', 'key line without closing "]"', {
          line: startLine,
        });
        current = null;
        skipping = true;
        continue;
      }
      if (trimmed.slice(close + 1).trim() !== '') {
        sink.add('parse-error', 'text after the closing "]" of a key line', { line: startLine });
      }
      let inner = trimmed.slice(1, close);
      const deleted = inner.startsWith('-');
      if (deleted) inner = inner.slice(1);
      const path = normaliseKeyPath(inner);
      if (path === null) {
        sink.add('invalid-value', `key "${clip(inner)}" does not start with a registry root (HKEY_…)`, {
          line: startLine,
        });
        current = null;
        skipping = true;
        continue;
      }
      current = { path, deleted, line: startLine, values: [] };
      skipping = deleted;
      doc.sections.push(current);
      continue;
    }
    // A value line: join continuations ("\" at the end outside a string) and strings spanning
    // lines. Segments are collected and scanned once each, so long joins stay linear.
    const parts: string[] = [];
    let seg = l;
    let inString = scanSegment(seg, false);
    let joined = 0;
    let ok = true;
    for (;;) {
      const more = i < lines.length && joined < MAX_JOINED_LINES;
      if (!inString && endsWithBackslash(seg)) {
        const next = lines[i] ?? '';
        if (joined >= MAX_JOINED_LINES) {
          sink.add('limit-exceeded', `value spans more than ${MAX_JOINED_LINES} lines; skipped`, {
            line: startLine,
          });
          ok = false;
          break;
        }
        if (!more || next.trim() === '') {
          const atEnd = !more || lines.slice(i).every((x) => x.trim() === '');
          sink.add(
            atEnd ? 'truncated' : 'parse-error',
            atEnd
              ? 'file ends after a "\\" line continuation'
              : 'a "\\" line continuation is followed by a blank line',
            {
              line: startLine,
            },
          );
          ok = false;
          break;
        }
        parts.push(seg.trimEnd().slice(0, -1));
        seg = next.trimStart();
        inString = scanSegment(seg, false);
        i++;
        joined++;
        continue;
      }
      if (inString) {
        if (joined >= MAX_JOINED_LINES) {
          sink.add('limit-exceeded', `quoted string spans more than ${MAX_JOINED_LINES} lines; skipped`, {
            line: startLine,
          });
          ok = false;
          break;
        }
        if (!more) {
          sink.add('truncated', 'file ends inside a quoted string', { line: startLine });
          ok = false;
          break;
        }
        parts.push(seg, '\n');
        seg = lines[i] ?? '';
        inString = scanSegment(seg, true);
        i++;
        joined++;
        continue;
      }
      break;
    }
    parts.push(seg);
    l = ok ? parts.join('') : '';
    if (l === '') continue;
    if (current === null) {
      if (!skipping) sink.add('parse-error', 'value line before any [key] line', { line: startLine });
      continue;
    }
    if (current.deleted) {
      sink.add('parse-error', 'value line under a deleted [-key]', { line: startLine });
      continue;
    }
    const value = parseValueLine(l, startLine, format, sink);
    if (value !== null) current.values.push(value);
  }
  return { document: doc, issues: sink.done() };
}

function clip(s: string, n = 80): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

/** Canonical key path (full root name, single backslashes, no trailing backslash) or null. */
export function normaliseKeyPath(p: string): string | null {
  const parts = p.split('\\').filter((x) => x !== '');
  const root = parts[0];
  if (root === undefined) return null;
  const full = ROOTS.get(root.toLowerCase());
  if (full === undefined) return null;
  parts[0] = full;
  return parts.join('\\');
}

/** Scans one segment for quotes; returns whether it ends inside a string. */
function scanSegment(l: string, startInString: boolean): boolean {
  let inString = startInString;
  for (let k = 0; k < l.length; k++) {
    const c = l.charCodeAt(k);
    if (inString) {
      if (c === 0x5c) k++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
  }
  return inString;
}

/** Whether the last non-blank character is a backslash (without copying the string). */
function endsWithBackslash(l: string): boolean {
  for (let k = l.length - 1; k >= 0; k--) {
    const c = l.charCodeAt(k);
    if (c === 0x20 || c === 0x09) continue;
    return c === 0x5c;
  }
  return false;
}

function decodeReg(
  buf: Uint8Array,
  sink: IssueSink,
): { text: string; encoding: RegDocument['encoding'] } | null {
  if (buf.length === 0) {
    sink.add('empty', 'file is empty');
    return null;
  }
  let bytes = buf;
  let encoding: RegDocument['encoding'];
  let start = 0;
  if (bytes[0] === 0xff && bytes[1] === 0xfe) {
    encoding = 'utf-16le';
    start = 2;
  } else if (bytes[0] === 0xfe && bytes[1] === 0xff) {
    encoding = 'utf-16be';
    start = 2;
  } else if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) {
    encoding = 'utf-8';
    start = 3;
  } else if (looksUtf16le(bytes)) {
    encoding = 'utf-16le';
  } else {
    const nul = bytes.indexOf(0);
    if (nul >= 0) {
      sink.add('encoding', 'binary data (NUL byte) in an 8-bit registry export', { offset: nul });
      return null;
    }
    encoding = isValidUtf8(bytes) ? 'utf-8' : 'windows-1252';
  }
  bytes = bytes.subarray(start);
  if (encoding === 'utf-16le' || encoding === 'utf-16be') {
    if (bytes.length % 2 === 1) {
      sink.add('truncated', 'UTF-16 export has an odd number of bytes (cut in the middle of a character)', {
        offset: buf.length - 1,
      });
      bytes = bytes.subarray(0, bytes.length - 1);
    }
    const bad = firstLoneSurrogate(bytes, encoding === 'utf-16le');
    if (bad >= 0) {
      sink.add('encoding', 'invalid UTF-16 (unpaired surrogate); decoded with U+FFFD', {
        offset: bad + start,
      });
    }
  }
  const text = new TextDecoder(encoding, { ignoreBOM: true }).decode(bytes);
  if (text.trim() === '') {
    sink.add('empty', 'file has no content besides whitespace');
    return null;
  }
  return { text, encoding };
}

function looksUtf16le(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 64) & ~1;
  if (n < 4) return false;
  for (let i = 1; i < n; i += 2) if (buf[i] !== 0) return false;
  return true;
}

function isValidUtf8(buf: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch {
    return false;
  }
}

function firstLoneSurrogate(b: Uint8Array, le: boolean): number {
  for (let k = 0; k + 1 < b.length; k += 2) {
    const u = le ? b[k]! | (b[k + 1]! << 8) : (b[k]! << 8) | b[k + 1]!;
    if (u >= 0xd800 && u <= 0xdbff) {
      const n = k + 3 < b.length ? (le ? b[k + 2]! | (b[k + 3]! << 8) : (b[k + 2]! << 8) | b[k + 3]!) : -1;
      if (n >= 0xdc00 && n <= 0xdfff) {
        k += 2;
        continue;
      }
      return k;
    }
    if (u >= 0xdc00 && u <= 0xdfff) return k;
  }
  return -1;
}

/** Reads a quoted string starting at `l[pos] === '"'`; returns the value and the index after the closing quote. */
function readQuoted(l: string, pos: number): { value: string; end: number; badEscape?: string } | null {
  let out = '';
  let badEscape: string | undefined;
  for (let k = pos + 1; k < l.length; k++) {
    const c = l[k]!;
    if (c === '"')
      return badEscape === undefined ? { value: out, end: k + 1 } : { value: out, end: k + 1, badEscape };
    if (c === '\\') {
      const n = l[k + 1];
      if (n === undefined) return null;
      k++;
      if (n === '\\' || n === '"') out += n;
      else if (n === 'n') out += '\n';
      else if (n === 'r') out += '\r';
      else if (n === '0') out += '\u0000';
      else {
        badEscape ??= `\\${n}`;
        out += `\\${n}`;
      }
      continue;
    }
    out += c;
  }
  return null;
}

const DWORD = /^dword:([0-9a-fA-F]{1,8})$/;
const HEX = /^hex(?:\(([0-9a-fA-F]{1,8})\))?:(.*)$/s;

function parseValueLine(
  l: string,
  line: number,
  format: RegDocument['format'],
  sink: IssueSink,
): RegValue | null {
  let pos = 0;
  while (pos < l.length && (l[pos] === ' ' || l[pos] === '\t')) pos++;
  let name: string;
  if (l[pos] === '@') {
    name = '';
    pos++;
  } else if (l[pos] === '"') {
    const q = readQuoted(l, pos);
    if (q === null) {
      sink.add('parse-error', 'unterminated value name', { line });
      return null;
    }
    name = q.value;
    pos = q.end;
  } else {
    sink.add('parse-error', `value line must start with "name" or @: ${JSON.stringify(clip(l.trim(), 40))}`, {
      line,
    });
    return null;
  }
  while (l[pos] === ' ' || l[pos] === '\t') pos++;
  if (l[pos] !== '=') {
    sink.add('parse-error', `missing "=" after value name ${JSON.stringify(clip(name, 40))}`, { line });
    return null;
  }
  pos++;
  while (l[pos] === ' ' || l[pos] === '\t') pos++;
  const rest = l.slice(pos).trimEnd();
  if (rest === '-') return { name, data: { type: 'delete' }, line };
  if (rest.startsWith('"')) {
    const q = readQuoted(rest, 0);
    if (q === null) {
      sink.add('parse-error', `unterminated string data for ${JSON.stringify(clip(name, 40))}`, { line });
      return null;
    }
    if (rest.slice(q.end).trim() !== '') {
      sink.add('parse-error', `text after the closing quote of ${JSON.stringify(clip(name, 40))}`, { line });
      return null;
    }
    if (q.badEscape !== undefined) {
      sink.add(
        'invalid-value',
        `unknown escape ${q.badEscape} in ${JSON.stringify(clip(name, 40))} kept literally`,
        { line },
      );
    }
    return { name, data: { type: 'sz', value: q.value }, line };
  }
  const dw = DWORD.exec(rest);
  if (dw?.[1] !== undefined)
    return { name, data: { type: 'dword', value: Number.parseInt(dw[1], 16) >>> 0 }, line };
  const hx = HEX.exec(rest);
  if (hx !== null) {
    const typeCode = hx[1] === undefined ? 3 : Number.parseInt(hx[1], 16);
    const bytes = parseHexList(hx[2] ?? '');
    if (bytes === null) {
      sink.add('parse-error', `malformed hex data for ${JSON.stringify(clip(name, 40))}`, { line });
      return null;
    }
    return { name, data: decodeTyped(typeCode, bytes, format, name, line, sink), line };
  }
  sink.add(
    'unsupported',
    `unsupported value data for ${JSON.stringify(clip(name, 40))}: ${JSON.stringify(clip(rest, 40))}`,
    { line },
  );
  return null;
}

function parseHexList(s: string): Uint8Array | null {
  const t = s.trim();
  if (t === '') return new Uint8Array(0);
  const parts = t.split(',');
  if (parts[parts.length - 1]?.trim() === '') parts.pop();
  const out = new Uint8Array(parts.length);
  for (let k = 0; k < parts.length; k++) {
    const p = parts[k]!.trim();
    if (!/^[0-9a-fA-F]{1,2}$/.test(p)) return null;
    out[k] = Number.parseInt(p, 16);
  }
  return out;
}

function decodeString(bytes: Uint8Array, format: RegDocument['format']): string {
  if (format === 'regedit5') {
    const even = bytes.subarray(0, bytes.length - (bytes.length % 2));
    return new TextDecoder('utf-16le', { ignoreBOM: true }).decode(even);
  }
  return new TextDecoder('windows-1252').decode(bytes);
}

function decodeTyped(
  typeCode: number,
  bytes: Uint8Array,
  format: RegDocument['format'],
  name: string,
  line: number,
  sink: IssueSink,
): RegData {
  const label = JSON.stringify(clip(name, 40));
  switch (typeCode) {
    case 1:
    case 2:
    case 7: {
      if (format === 'regedit5' && bytes.length % 2 === 1) {
        sink.add('invalid-value', `UTF-16 string data of ${label} has an odd byte count; last byte ignored`, {
          line,
        });
      }
      const s = decodeString(bytes, format);
      if (typeCode === 7) {
        const items = s.split('\u0000');
        while (items.length > 0 && items[items.length - 1] === '') items.pop();
        return { type: 'multi-sz', value: items };
      }
      const v = stripNuls(s);
      return typeCode === 1 ? { type: 'sz', value: v } : { type: 'expand-sz', value: v };
    }
    case 4:
    case 5:
      if (bytes.length !== 4) {
        sink.add('invalid-value', `DWORD ${label} has ${bytes.length} bytes, expected 4`, { line });
        return { type: 'binary', typeCode, value: bytes };
      }
      return {
        type: 'dword',
        value:
          typeCode === 4
            ? new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true)
            : new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, false),
      };
    case 11:
      if (bytes.length !== 8) {
        sink.add('invalid-value', `QWORD ${label} has ${bytes.length} bytes, expected 8`, { line });
        return { type: 'binary', typeCode, value: bytes };
      }
      return { type: 'qword', value: new DataView(bytes.buffer, bytes.byteOffset, 8).getBigUint64(0, true) };
    default:
      return { type: 'binary', typeCode, value: bytes };
  }
}

/** A key after merging all its sections: values by lower-cased name (last write wins). */
export interface RegKeyState {
  path: string;
  /** Line of the first section that created it. */
  line: number;
  values: Map<string, RegValue>;
}

/**
 * Applies the sections in order, as an import would: repeated sections merge, `[-key]` deletes the
 * key and its subkeys, `"v"=-` deletes a value. Keys are matched case-insensitively.
 * Returns keys by lower-cased path in first-seen order.
 */
export function mergeSections(doc: RegDocument): Map<string, RegKeyState> {
  const keys = new Map<string, RegKeyState>();
  for (const s of doc.sections) {
    const lower = s.path.toLowerCase();
    if (s.deleted) {
      const prefix = `${lower}\\`;
      for (const k of [...keys.keys()]) if (k === lower || k.startsWith(prefix)) keys.delete(k);
      continue;
    }
    let state = keys.get(lower);
    if (state === undefined) {
      state = { path: s.path, line: s.line, values: new Map() };
      keys.set(lower, state);
    }
    for (const v of s.values) {
      if (v.data.type === 'delete') state.values.delete(v.name.toLowerCase());
      else state.values.set(v.name.toLowerCase(), v);
    }
  }
  return keys;
}

/** The value as a string when it is REG_SZ or REG_EXPAND_SZ (unexpanded), else undefined. */
export function stringValue(v: RegValue | undefined): string | undefined {
  if (v === undefined) return undefined;
  return v.data.type === 'sz' || v.data.type === 'expand-sz' ? v.data.value : undefined;
}

function stripNuls(s: string): string {
  let end = s.length;
  while (end > 0 && s.charCodeAt(end - 1) === 0) end--;
  return s.slice(0, end);
}
