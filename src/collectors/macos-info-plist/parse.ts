/**
 * Pure, bounded property-list readers: XML plists (via fast-xml-parser, order preserved) and
 * binary plists (`bplist00`, our own tolerant reader: trailer, offset table, object references,
 * ints, reals, dates, data, ASCII/UTF-16/UTF-8 strings, UIDs, arrays, sets, dicts; cycles, depth
 * and sizes guarded). Problems become issues with a line (XML) or byte offset (binary).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { IssueSink, lineOf } from '../app-common.js';

/** A keyed archiver UID (`CF$UID`). */
export class PlistUid {
  constructor(readonly uid: number) {}
}

/** A decoded plist value. Dicts are Maps (no prototype pitfalls with hostile keys). */
export type PlistValue =
  string | number | bigint | boolean | null | Date | Uint8Array | PlistUid | PlistValue[] | PlistDict;
/** A plist dictionary. */
export type PlistDict = Map<string, PlistValue>;

/** Deepest nesting read before giving up. */
export const MAX_PLIST_DEPTH = 256;
/** Largest number of objects a binary plist may declare. */
export const MAX_PLIST_OBJECTS = 1_000_000;

/** Which kind of plist the bytes are. */
export type PlistFormat = 'binary' | 'xml';

/** Result of {@link parsePlist}. */
export interface PlistParseResult {
  format: PlistFormat | null;
  /** The root object, or undefined when none could be read. */
  root: PlistValue | undefined;
}

const BPLIST = 'bplist';

/**
 * Parses a plist in any supported format; issues go to `sink`. Text plists must be XML; the old
 * OpenStep text format is reported as `unsupported`.
 */
export function parsePlist(
  buf: Uint8Array,
  sink: IssueSink,
  decodeXmlText: (b: Uint8Array) => string | null,
): PlistParseResult {
  if (buf.length >= 6 && asciiAt(buf, 0, 6) === BPLIST)
    return { format: 'binary', root: parseBinaryPlist(buf, sink) };
  const text = decodeXmlText(buf);
  if (text === null) return { format: null, root: undefined };
  const t = text.replace(/^\uFEFF/, '').trimStart();
  if (t.startsWith('<')) return { format: 'xml', root: parseXmlPlist(text, sink) };
  if (t.startsWith('{') || t.startsWith('(')) {
    sink.add('unsupported', 'OpenStep/NeXT text property lists are not supported', { line: 1 });
    return { format: null, root: undefined };
  }
  sink.add('parse-error', 'not a property list: neither "bplist" nor XML', { line: 1, offset: 0 });
  return { format: null, root: undefined };
}

function asciiAt(buf: Uint8Array, start: number, n: number): string {
  let s = '';
  for (let i = start; i < start + n && i < buf.length; i++) s += String.fromCharCode(buf[i]!);
  return s;
}

// ---------------------------------------------------------------------------------------------
// Binary plists

/**
 * Reads a `bplist00` file. Returns undefined (with issues) when the trailer or the root object
 * cannot be read; unreadable nested objects are dropped with an issue each.
 *
 * @example
 * const sink = new IssueSink('Info.plist', 'collectors/macos-info-plist');
 * const root = parseBinaryPlist(buf, sink); // Map { 'CFBundleName' => '3CX Desktop App', … }
 */
export function parseBinaryPlist(buf: Uint8Array, sink: IssueSink): PlistValue | undefined {
  const version = asciiAt(buf, 6, 2);
  if (buf.length < 8) {
    sink.add('truncated', 'binary plist shorter than its 8-byte header', { offset: buf.length });
    return undefined;
  }
  if (version !== '00') {
    sink.add(
      'unsupported',
      `binary plist version "${version.replace(/[^\x20-\x7e]/g, '?')}" (only bplist00 is supported)`,
      { offset: 6 },
    );
    return undefined;
  }
  if (buf.length < 8 + 32 + 1) {
    sink.add('truncated', 'binary plist too short for a trailer', { offset: buf.length });
    return undefined;
  }
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const t = buf.length - 32;
  const offsetSize = buf[t + 6]!;
  const refSize = buf[t + 7]!;
  const numObjects = u64(view, t + 8);
  const topObject = u64(view, t + 16);
  const tableOffset = u64(view, t + 24);
  const bad = (why: string): undefined => {
    sink.add('truncated', `binary plist trailer is invalid (${why}); the file is probably cut or corrupted`, {
      offset: t,
    });
    return undefined;
  };
  if (offsetSize < 1 || offsetSize > 8) return bad(`offset size ${offsetSize}`);
  if (refSize < 1 || refSize > 8) return bad(`reference size ${refSize}`);
  if (numObjects < 1 || numObjects > MAX_PLIST_OBJECTS) return bad(`${numObjects} objects`);
  if (topObject >= numObjects) return bad(`top object ${topObject} of ${numObjects}`);
  if (tableOffset < 9 || tableOffset + numObjects * offsetSize > t)
    return bad(`offset table at ${tableOffset}`);

  const reader = new BplistReader(buf, view, sink, offsetSize, refSize, numObjects, tableOffset);
  return reader.object(topObject, 0);
}

/** Unsigned 64-bit big-endian read as a number; values above 2^53 become Infinity (always invalid). */
function u64(view: DataView, at: number): number {
  const v = view.getBigUint64(at, false);
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Infinity : Number(v);
}

class BplistReader {
  private readonly memo = new Map<number, PlistValue | undefined>();
  private readonly active = new Set<number>();

  constructor(
    private readonly buf: Uint8Array,
    private readonly view: DataView,
    private readonly sink: IssueSink,
    private readonly offsetSize: number,
    private readonly refSize: number,
    private readonly numObjects: number,
    private readonly tableOffset: number,
  ) {}

  private uint(at: number, size: number): number {
    let v = 0;
    for (let i = 0; i < size; i++) v = v * 256 + this.buf[at + i]!;
    return v;
  }

  object(ref: number, depth: number): PlistValue | undefined {
    if (this.memo.has(ref)) return this.memo.get(ref);
    const at = this.uint(this.tableOffset + ref * this.offsetSize, this.offsetSize);
    if (this.active.has(ref)) {
      this.sink.add('invalid-value', `binary plist object ${ref} contains itself (reference cycle)`, {
        offset: at,
      });
      return undefined;
    }
    if (depth > MAX_PLIST_DEPTH) {
      this.sink.add('limit-exceeded', `binary plist nested deeper than ${MAX_PLIST_DEPTH}`, { offset: at });
      return undefined;
    }
    if (at < 8 || at >= this.tableOffset) {
      this.sink.add('invalid-value', `binary plist object ${ref} has offset ${at} outside the object area`, {
        offset: this.tableOffset + ref * this.offsetSize,
      });
      this.memo.set(ref, undefined);
      return undefined;
    }
    this.active.add(ref);
    const v = this.read(at, depth);
    this.active.delete(ref);
    this.memo.set(ref, v);
    return v;
  }

  /** Length of an object whose low nibble is `nib`; returns [count, start of payload] or null. */
  private count(at: number, nib: number): [number, number] | null {
    if (nib !== 0xf) return [nib, at + 1];
    const m = this.buf[at + 1];
    if (m === undefined || m >> 4 !== 0x1) {
      this.sink.add('invalid-value', 'binary plist length is not an integer object', { offset: at + 1 });
      return null;
    }
    const size = 1 << (m & 0xf);
    if (size > 8 || at + 2 + size > this.tableOffset) {
      this.sink.add('invalid-value', 'binary plist length integer is too large or cut', { offset: at + 1 });
      return null;
    }
    const n = this.uint(at + 2, size);
    if (!Number.isSafeInteger(n)) {
      this.sink.add('invalid-value', 'binary plist length out of range', { offset: at + 1 });
      return null;
    }
    return [n, at + 2 + size];
  }

  private fits(start: number, bytes: number, at: number, what: string): boolean {
    if (start + bytes <= this.tableOffset) return true;
    this.sink.add('invalid-value', `binary plist ${what} runs past the object area`, { offset: at });
    return false;
  }

  private read(at: number, depth: number): PlistValue | undefined {
    const marker = this.buf[at]!;
    const hi = marker >> 4;
    const nib = marker & 0xf;
    switch (hi) {
      case 0x0:
        if (marker === 0x00) return null;
        if (marker === 0x08) return false;
        if (marker === 0x09) return true;
        break;
      case 0x1: {
        const size = 1 << nib;
        if (size > 16 || !this.fits(at + 1, size, at, 'integer'))
          return size > 16 ? this.unsupported(marker, at) : undefined;
        if (size <= 4) return this.uint(at + 1, size);
        if (size === 8) return small(this.view.getBigInt64(at + 1, false));
        // 16 bytes: 128-bit two's complement; high 64 bits must be a sign extension.
        const high = this.view.getBigInt64(at + 1, false);
        const low = this.view.getBigUint64(at + 9, false);
        return small((high << 64n) | low);
      }
      case 0x2: {
        if (nib === 2 && this.fits(at + 1, 4, at, 'real')) return this.view.getFloat32(at + 1, false);
        if (nib === 3 && this.fits(at + 1, 8, at, 'real')) return this.view.getFloat64(at + 1, false);
        if (nib !== 2 && nib !== 3) return this.unsupported(marker, at);
        return undefined;
      }
      case 0x3:
        if (marker === 0x33 && this.fits(at + 1, 8, at, 'date'))
          return new Date((this.view.getFloat64(at + 1, false) + 978307200) * 1000);
        if (marker !== 0x33) return this.unsupported(marker, at);
        return undefined;
      case 0x4: {
        const c = this.count(at, nib);
        if (c === null || !this.fits(c[1], c[0], at, 'data')) return undefined;
        return new Uint8Array(this.buf.subarray(c[1], c[1] + c[0]));
      }
      case 0x5: {
        const c = this.count(at, nib);
        if (c === null || !this.fits(c[1], c[0], at, 'ASCII string')) return undefined;
        return new TextDecoder('latin1').decode(this.buf.subarray(c[1], c[1] + c[0]));
      }
      case 0x6: {
        const c = this.count(at, nib);
        if (c === null || !this.fits(c[1], c[0] * 2, at, 'UTF-16 string')) return undefined;
        return new TextDecoder('utf-16be').decode(this.buf.subarray(c[1], c[1] + c[0] * 2));
      }
      case 0x7: {
        const c = this.count(at, nib);
        if (c === null || !this.fits(c[1], c[0], at, 'UTF-8 string')) return undefined;
        return new TextDecoder('utf-8').decode(this.buf.subarray(c[1], c[1] + c[0]));
      }
      case 0x8:
        if (!this.fits(at + 1, nib + 1, at, 'UID')) return undefined;
        if (nib + 1 > 6) return this.unsupported(marker, at);
        return new PlistUid(this.uint(at + 1, nib + 1));
      case 0xa:
      case 0xc: {
        const c = this.count(at, nib);
        if (c === null || !this.fits(c[1], c[0] * this.refSize, at, 'array')) return undefined;
        const out: PlistValue[] = [];
        for (let i = 0; i < c[0]; i++) {
          const v = this.child(c[1] + i * this.refSize, depth);
          if (v !== undefined) out.push(v);
        }
        return out;
      }
      case 0xd: {
        const c = this.count(at, nib);
        if (c === null || !this.fits(c[1], 2 * c[0] * this.refSize, at, 'dictionary')) return undefined;
        const out: PlistDict = new Map();
        for (let i = 0; i < c[0]; i++) {
          const k = this.child(c[1] + i * this.refSize, depth);
          if (typeof k !== 'string') {
            if (k !== undefined)
              this.sink.add('invalid-value', 'binary plist dictionary key is not a string; entry skipped', {
                offset: at,
              });
            continue;
          }
          const v = this.child(c[1] + (c[0] + i) * this.refSize, depth);
          if (v !== undefined) out.set(k, v);
        }
        return out;
      }
      default:
        break;
    }
    return this.unsupported(marker, at);
  }

  private child(refAt: number, depth: number): PlistValue | undefined {
    const ref = this.uint(refAt, this.refSize);
    if (ref >= this.numObjects) {
      this.sink.add('invalid-value', `binary plist reference ${ref} beyond ${this.numObjects} objects`, {
        offset: refAt,
      });
      return undefined;
    }
    return this.object(ref, depth + 1);
  }

  private unsupported(marker: number, at: number): undefined {
    this.sink.add('unsupported', `binary plist object type 0x${marker.toString(16).padStart(2, '0')}`, {
      offset: at,
    });
    return undefined;
  }
}

function small(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

// ---------------------------------------------------------------------------------------------
// XML plists

type XmlNode = Record<string, unknown>;

const xmlParser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: true,
  parseTagValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: false,
  captureMetaData: true,
});
const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

/** Reads an XML plist (`<plist><dict>…</dict></plist>`). */
export function parseXmlPlist(text: string, sink: IssueSink): PlistValue | undefined {
  if (/<!DOCTYPE[^>[]*\[/i.test(text.slice(0, 4096))) {
    sink.add('unsupported', 'XML plist with an internal DTD subset (entity declarations) is not supported', {
      line: lineOf(text, text.indexOf('<!DOCTYPE')),
    });
    return undefined;
  }
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const e = valid.err;
    const cut = /unclosed|closed|end/i.test(e.msg) && e.line >= lineOf(text, text.trimEnd().length);
    sink.add(cut ? 'truncated' : 'parse-error', `invalid XML: ${e.msg}`, { line: e.line });
    return undefined;
  }
  let doc: XmlNode[];
  try {
    doc = xmlParser.parse(text) as XmlNode[];
  } catch (e) {
    sink.add('parse-error', `invalid XML: ${e instanceof Error ? e.message : String(e)}`, { line: 1 });
    return undefined;
  }
  const plist = doc.find((n) => tagOf(n) === 'plist');
  if (plist === undefined) {
    sink.add('parse-error', 'XML document has no <plist> root element', { line: 1 });
    return undefined;
  }
  const children = elements(plist);
  const first = children[0];
  if (first === undefined) {
    sink.add('parse-error', '<plist> element is empty', { line: lineAtNode(text, plist) });
    return undefined;
  }
  return new XmlReader(text, sink).value(first, 0);
}

function tagOf(n: XmlNode): string | undefined {
  for (const k of Object.keys(n)) if (k !== ':@') return k;
  return undefined;
}

function elements(n: XmlNode): XmlNode[] {
  const tag = tagOf(n);
  const kids = tag === undefined ? undefined : n[tag];
  if (!Array.isArray(kids)) return [];
  return (kids as XmlNode[]).filter((k) => {
    const t = tagOf(k);
    if (t === '#text') return String(k['#text']).trim() !== '';
    return t !== undefined && t !== '#comment';
  });
}

function textOf(n: XmlNode): string {
  const tag = tagOf(n);
  const kids = tag === undefined ? undefined : n[tag];
  if (!Array.isArray(kids)) return '';
  let s = '';
  for (const k of kids as XmlNode[]) if (tagOf(k) === '#text') s += String(k['#text']);
  return s;
}

function lineAtNode(text: string, n: XmlNode): number {
  const meta = (n as Record<symbol, unknown>)[META] as { startIndex?: number } | undefined;
  return lineOf(text, meta?.startIndex ?? 0);
}

class XmlReader {
  constructor(
    private readonly text: string,
    private readonly sink: IssueSink,
  ) {}

  value(n: XmlNode, depth: number): PlistValue | undefined {
    const tag = tagOf(n);
    const line = (): number => lineAtNode(this.text, n);
    if (depth > MAX_PLIST_DEPTH) {
      this.sink.add('limit-exceeded', `XML plist nested deeper than ${MAX_PLIST_DEPTH}`, { line: line() });
      return undefined;
    }
    switch (tag) {
      case 'string':
        return textOf(n);
      case 'true':
        return true;
      case 'false':
        return false;
      case 'integer': {
        const s = textOf(n).trim();
        if (/^[+-]?\d{1,40}$/.test(s)) return small(BigInt(s));
        if (/^0x[0-9a-f]{1,16}$/i.test(s)) return small(BigInt(s));
        this.sink.add('invalid-value', `<integer> "${s.slice(0, 40)}" is not an integer`, { line: line() });
        return undefined;
      }
      case 'real': {
        const s = textOf(n).trim();
        const v = Number(s);
        if (s === '' || (Number.isNaN(v) && s.toLowerCase() !== 'nan')) {
          this.sink.add('invalid-value', `<real> "${s.slice(0, 40)}" is not a number`, { line: line() });
          return undefined;
        }
        return v;
      }
      case 'date': {
        const d = new Date(textOf(n).trim());
        if (Number.isNaN(d.getTime())) {
          this.sink.add('invalid-value', '<date> is not an ISO 8601 date', { line: line() });
          return undefined;
        }
        return d;
      }
      case 'data': {
        const s = textOf(n).replace(/\s+/g, '');
        if (!/^[A-Za-z0-9+/]*={0,2}$/.test(s)) {
          this.sink.add('invalid-value', '<data> is not base64', { line: line() });
          return undefined;
        }
        return new Uint8Array(Buffer.from(s, 'base64'));
      }
      case 'array':
        return elements(n)
          .map((k) => this.value(k, depth + 1))
          .filter((v): v is PlistValue => v !== undefined);
      case 'dict': {
        const out: PlistDict = new Map();
        const kids = elements(n);
        for (let i = 0; i < kids.length; i++) {
          const k = kids[i]!;
          if (tagOf(k) !== 'key') {
            this.sink.add('parse-error', `<dict> has <${tagOf(k) ?? '?'}> where a <key> belongs`, {
              line: lineAtNode(this.text, k),
            });
            continue;
          }
          const v = kids[i + 1];
          if (v === undefined || tagOf(v) === 'key') {
            this.sink.add('parse-error', `<key>${textOf(k).slice(0, 40)}</key> has no value`, {
              line: lineAtNode(this.text, k),
            });
            continue;
          }
          i++;
          const value = this.value(v, depth + 1);
          if (value !== undefined) out.set(textOf(k), value);
        }
        return out;
      }
      default:
        this.sink.add('unsupported', `unknown plist element <${tag ?? '?'}>`, { line: line() });
        return undefined;
    }
  }
}
