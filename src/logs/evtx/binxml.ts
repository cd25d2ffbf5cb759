/**
 * Binary XML (MS-EVEN6) for one EVTX chunk: names, template definitions (cached by chunk offset,
 * so records can back-reference templates defined by earlier records), template instances with
 * their substitution arrays, every value type, arrays, nested Binary XML, CDATA, character and
 * entity references, processing instructions. The output is a small element tree (`XElement`)
 * that `render.ts` turns into evtx_dump JSON.
 *
 * All offsets are relative to the chunk buffer. Hostile input raises `BinXmlError` (caught per
 * record by the caller); every loop consumes at least one byte and every recursion is bounded.
 */
import { filetimeText, guidText, hexUpper, sidText, systemtimeText } from './values.js';

/** A typed scalar substitution value: `j` is its JSON form when it stands alone, `s` its text. */
export interface XNum {
  k: 'n';
  j: number | boolean | string;
  s: string;
}

/** An array substitution value before the containing element is repeated per item. */
export interface XArr {
  k: 'a';
  items: (string | XNum)[];
}

/** A substitution placeholder inside a template definition. */
export interface XSubst {
  k: 's';
  i: number;
  opt: boolean;
}

/** An attribute: a name and its value nodes (text and scalars). */
export interface XAttr {
  name: string;
  value: XNode[];
}

/** An element. */
export interface XElement {
  k: 'e';
  name: string;
  attrs: XAttr[];
  children: XNode[];
}

/**
 * A template instance left unresolved for the renderer (fast path): `nodes` are the template's
 * nodes, `vals` the substitution values (only scalars; instances with arrays or nested Binary XML
 * are resolved by the parser instead).
 */
export interface XInst {
  k: 't';
  nodes: XNode[];
  vals: (string | XNum | null)[];
}

/** A node of a (template or resolved) tree; plain strings are text. */
export type XNode = string | XNum | XElement | XSubst | XArr | XInst;

/** Malformed Binary XML at a chunk-relative offset. */
export class BinXmlError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Limits that keep hostile input from recursing or expanding without bound. */
export const LIMITS = {
  elementDepth: 64,
  templateDepth: 8,
  arrayExpansion: 4096,
  substitutions: 4096,
  /** Elements built per record (nested Binary XML inside repeated substitutions can multiply). */
  elementsPerRecord: 200_000,
} as const;

const FIXED_SIZE: Record<number, number> = {
  0x03: 1,
  0x04: 1,
  0x05: 2,
  0x06: 2,
  0x07: 4,
  0x08: 4,
  0x09: 8,
  0x0a: 8,
  0x0b: 4,
  0x0c: 8,
  0x0d: 4,
  0x0f: 16,
  0x11: 8,
  0x12: 16,
  0x14: 4,
  0x15: 8,
};

/** ANSI strings: Windows-1252, the default code page of evtx_dump and libevtx. */
const ANSI = new TextDecoder('windows-1252');

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

type Value = null | string | XNum | XArr | { k: 'x'; start: number; end: number };

function num(j: number | boolean | string, s: string): XNum {
  return { k: 'n', j, s };
}

function big(v: bigint): XNum {
  const s = v.toString();
  const n = Number(v);
  return num(Number.isSafeInteger(n) ? n : s, s);
}

/** Shortest decimal text that round-trips a float32. */
function f32Text(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  for (let p = 1; p <= 9; p++) {
    const t = Number(x.toPrecision(p));
    if (Math.fround(t) === x) return String(t);
  }
  return String(x);
}

/** A parsed chunk: the chunk buffer plus its name and template caches. */
export class ChunkBinXml {
  private readonly names = new Map<number, string>();
  private readonly templates = new Map<number, XNode[] | BinXmlError | null>();
  /** Non-fatal problems (unsupported value types, bad sizes) for the current record. */
  warnings: { message: string; offset: number }[] = [];
  private expansions = 0;
  private elements = 0;

  constructor(readonly buf: Buffer) {}

  private u8(p: number): number {
    if (p >= this.buf.length || p < 0) throw new BinXmlError('read past end of chunk', p);
    return this.buf[p]!;
  }
  private u16(p: number): number {
    if (p + 2 > this.buf.length || p < 0) throw new BinXmlError('read past end of chunk', p);
    return this.buf.readUInt16LE(p);
  }
  private u32(p: number): number {
    if (p + 4 > this.buf.length || p < 0) throw new BinXmlError('read past end of chunk', p);
    return this.buf.readUInt32LE(p);
  }
  private utf16(p: number, units: number, end: number): string {
    const e = p + units * 2;
    if (e > end || e > this.buf.length) throw new BinXmlError('string runs past end of data', p);
    return this.buf.toString('utf16le', p, e);
  }

  /** Parses the Binary XML of one record (`start`..`end`) into its root nodes. */
  parseRecord(start: number, end: number): XNode[] {
    this.warnings = [];
    this.expansions = 0;
    this.elements = 0;
    const out: XNode[] = [];
    this.parseContent(start, end, out, 0, 0, false, true, true);
    return out;
  }

  /** Reads a name at `off`; when `off === cur` the name is inline and `next` skips past it. */
  private readName(off: number, cur: number): { name: string; next: number } {
    if (off === cur) {
      const count = this.u16(cur + 6);
      const name = this.utf16(cur + 8, count, this.buf.length);
      this.names.set(off, name);
      return { name, next: cur + 8 + count * 2 + 2 };
    }
    const cached = this.names.get(off);
    if (cached !== undefined) return { name: cached, next: cur };
    if (off < 0 || off + 8 > this.buf.length)
      throw new BinXmlError(`name offset ${off} outside chunk`, cur - 4);
    const count = this.u16(off + 6);
    const name = this.utf16(off + 8, count, this.buf.length);
    this.names.set(off, name);
    return { name, next: cur };
  }

  /**
   * Parses content tokens from `p` until EndElement/EOF (consumed) or `end`; appends to `out`.
   * Returns the position after the terminating token.
   */
  private parseContent(
    p: number,
    end: number,
    out: XNode[],
    depth: number,
    tdepth: number,
    inTemplate: boolean,
    dep: boolean,
    topLevel: boolean,
  ): number {
    if (depth > LIMITS.elementDepth) throw new BinXmlError('element nesting too deep', p);
    while (p < end) {
      const tok = this.buf[p]!;
      switch (tok & 0xbf) {
        case 0x00:
          return p + 1;
        case 0x0f:
          p += 4;
          break;
        case 0x04:
          if (topLevel) throw new BinXmlError('end element token outside an element', p);
          return p + 1;
        case 0x01:
          p = this.parseElement(p, end, out, depth + 1, tdepth, inTemplate, dep);
          break;
        case 0x0c:
          p = this.parseTemplateInstance(p, end, out, tdepth + 1, depth);
          break;
        case 0x05: {
          const r = this.valueToken(p, end);
          if (r.v !== null && (typeof r.v === 'string' || r.v.k !== 'x')) out.push(r.v);
          p = r.next;
          break;
        }
        case 0x0d:
        case 0x0e:
          if (!inTemplate) throw new BinXmlError('substitution outside a template definition', p);
          out.push({ k: 's', i: this.u16(p + 1), opt: (tok & 0xbf) === 0x0e });
          p += 4;
          break;
        case 0x07: {
          const count = this.u16(p + 1);
          out.push(this.utf16(p + 3, count, end));
          p += 3 + count * 2;
          break;
        }
        case 0x08:
          out.push(String.fromCharCode(this.u16(p + 1)));
          p += 3;
          break;
        case 0x09: {
          const r = this.readName(this.u32(p + 1), p + 5);
          out.push(ENTITIES[r.name] ?? `&${r.name};`);
          p = r.next;
          break;
        }
        case 0x0a: {
          p = this.readName(this.u32(p + 1), p + 5).next;
          break;
        }
        case 0x0b: {
          const count = this.u16(p + 1);
          this.utf16(p + 3, count, end);
          p += 3 + count * 2;
          break;
        }
        default:
          throw new BinXmlError(`unknown Binary XML token 0x${tok.toString(16)}`, p);
      }
    }
    return p;
  }

  /** Decides whether the element at `p` carries the 2-byte dependency identifier. */
  private hasDependencyId(p: number, preferred: boolean): boolean {
    const withDep = p + 11 <= this.buf.length ? this.buf.readUInt32LE(p + 7) : -1;
    const without = p + 9 <= this.buf.length ? this.buf.readUInt32LE(p + 5) : -1;
    if (preferred) {
      if (withDep === p + 11) return true;
      if (without === p + 9) return false;
      if (this.names.has(withDep)) return true;
      if (this.names.has(without)) return false;
      return true;
    }
    if (without === p + 9) return false;
    if (withDep === p + 11) return true;
    if (this.names.has(without)) return false;
    if (this.names.has(withDep)) return true;
    return false;
  }

  private parseElement(
    p: number,
    end: number,
    out: XNode[],
    depth: number,
    tdepth: number,
    inTemplate: boolean,
    dep: boolean,
  ): number {
    if (depth > LIMITS.elementDepth) throw new BinXmlError('element nesting too deep', p);
    if (++this.elements > LIMITS.elementsPerRecord)
      throw new BinXmlError('record expands to too many elements', p);
    const start = p;
    const hasAttrs = (this.buf[p]! & 0x40) !== 0;
    let q = p + 1 + (this.hasDependencyId(p, dep) ? 2 : 0);
    q += 4; // data size
    const nameOff = this.u32(q);
    q += 4;
    const nm = this.readName(nameOff, q);
    q = nm.next;
    if (hasAttrs) q += 4;
    const el: XElement = { k: 'e', name: nm.name, attrs: [], children: [] };
    if (hasAttrs) {
      while (q < end && (this.buf[q]! & 0xbf) === 0x06) {
        const an = this.readName(this.u32(q + 1), q + 5);
        q = an.next;
        const value: XNode[] = [];
        q = this.parseAttrValue(q, end, value, inTemplate);
        el.attrs.push({ name: an.name, value });
      }
    }
    if (q >= end) throw new BinXmlError(`element <${nm.name}> runs past end of data`, start);
    const t = this.buf[q]!;
    if (t === 0x02) {
      q = this.parseContent(q + 1, end, el.children, depth, tdepth, inTemplate, dep, false);
    } else if (t === 0x03) {
      q += 1;
    } else {
      throw new BinXmlError(`unexpected token 0x${t.toString(16)} closing start of <${nm.name}>`, q);
    }
    out.push(el);
    return q;
  }

  private parseAttrValue(p: number, end: number, out: XNode[], inTemplate: boolean): number {
    while (p < end) {
      const tok = this.buf[p]!;
      switch (tok & 0xbf) {
        case 0x05: {
          const r = this.valueToken(p, end);
          if (r.v !== null && (typeof r.v === 'string' || r.v.k !== 'x')) out.push(r.v);
          p = r.next;
          break;
        }
        case 0x0d:
        case 0x0e:
          if (!inTemplate) throw new BinXmlError('substitution outside a template definition', p);
          out.push({ k: 's', i: this.u16(p + 1), opt: (tok & 0xbf) === 0x0e });
          p += 4;
          break;
        case 0x08:
          out.push(String.fromCharCode(this.u16(p + 1)));
          p += 3;
          break;
        case 0x09: {
          const r = this.readName(this.u32(p + 1), p + 5);
          out.push(ENTITIES[r.name] ?? `&${r.name};`);
          p = r.next;
          break;
        }
        case 0x07: {
          const count = this.u16(p + 1);
          out.push(this.utf16(p + 3, count, end));
          p += 3 + count * 2;
          break;
        }
        default:
          return p;
      }
    }
    return p;
  }

  /** A literal Value token: type byte then the value (strings length-prefixed). */
  private valueToken(p: number, end: number): { v: Value; next: number } {
    const type = this.u8(p + 1);
    if (type === 0x01) {
      const count = this.u16(p + 2);
      return { v: this.utf16(p + 4, count, end), next: p + 4 + count * 2 };
    }
    if (type === 0x02) {
      const count = this.u16(p + 2);
      if (p + 4 + count > end) throw new BinXmlError('value runs past end of data', p);
      return { v: this.decode(0x02, p + 4, count), next: p + 4 + count };
    }
    const size = FIXED_SIZE[type];
    if (size === undefined) throw new BinXmlError(`unsupported value token type 0x${type.toString(16)}`, p);
    if (p + 2 + size > end) throw new BinXmlError('value runs past end of data', p);
    return { v: this.decode(type, p + 2, size), next: p + 2 + size };
  }

  private template(defOff: number, tdepth: number, at: number): XNode[] {
    const cached = this.templates.get(defOff);
    if (cached !== undefined) {
      if (cached === null) throw new BinXmlError('template refers to itself', at);
      if (cached instanceof BinXmlError) throw cached;
      return cached;
    }
    let nodes: XNode[] | BinXmlError;
    try {
      if (defOff < 512 || defOff + 24 > this.buf.length) {
        throw new BinXmlError(`template definition offset ${defOff} outside chunk`, at);
      }
      const size = this.u32(defOff + 20);
      const end = defOff + 24 + size;
      if (end > this.buf.length) throw new BinXmlError('template definition runs past end of chunk', at);
      // Mark as in progress (null) so a self-referencing template fails instead of recursing.
      this.templates.set(defOff, null);
      const out: XNode[] = [];
      this.parseContent(defOff + 24, end, out, 0, tdepth, true, true, true);
      nodes = out;
    } catch (e) {
      nodes = e instanceof BinXmlError ? e : new BinXmlError(String(e), at);
    }
    this.templates.set(defOff, nodes);
    if (nodes instanceof BinXmlError) throw nodes;
    return nodes;
  }

  private parseTemplateInstance(p: number, end: number, out: XNode[], tdepth: number, depth: number): number {
    if (tdepth > LIMITS.templateDepth) throw new BinXmlError('template instances nested too deep', p);
    let q = p + 6;
    const defOff = this.u32(q);
    q += 4;
    if (defOff === q) {
      const size = this.u32(q + 20);
      q += 24 + size;
      if (q > end) throw new BinXmlError('inline template definition runs past end of record', p);
    }
    const def = this.template(defOff, tdepth, p);
    const count = this.u32(q);
    q += 4;
    if (count > LIMITS.substitutions || q + count * 4 > end) {
      throw new BinXmlError(`implausible substitution count ${count}`, q - 4);
    }
    const values: Value[] = new Array<Value>(count);
    let vp = q + count * 4;
    let scalar = true;
    for (let i = 0; i < count; i++) {
      const size = this.buf.readUInt16LE(q + i * 4);
      const type = this.buf[q + i * 4 + 2]!;
      if (vp + size > end) throw new BinXmlError(`substitution ${i} runs past end of record`, vp);
      const v = size === 0 && type !== 0x01 ? null : this.decode(type, vp, size);
      if (v !== null && typeof v !== 'string' && v.k !== 'n') scalar = false;
      values[i] = v;
      vp += size;
    }
    if (scalar && depth === 0 && tdepth === 1) {
      // Fast path: the renderer substitutes scalars while walking the template (no copy).
      out.push({ k: 't', nodes: def, vals: values as (string | XNum | null)[] });
      return vp;
    }
    const resolved = this.instantiate(def, values, tdepth, depth);
    for (const n of resolved) out.push(n);
    return vp;
  }

  /** Resolves substitutions in template nodes, expanding array values by element repetition. */
  private instantiate(nodes: XNode[], values: Value[], tdepth: number, depth: number): XNode[] {
    const out: XNode[] = [];
    for (const n of nodes) {
      if (typeof n === 'string') {
        out.push(n);
      } else if (n.k === 'e') {
        this.instElement(n, values, tdepth, depth, out);
      } else if (n.k === 's') {
        const v = values[n.i];
        if (v === undefined || v === null) continue;
        if (typeof v === 'string') {
          out.push(v);
        } else if (v.k === 'x') {
          if (depth > LIMITS.elementDepth) throw new BinXmlError('element nesting too deep', v.start);
          this.parseContent(v.start, v.end, out, depth, tdepth, false, false, true);
        } else {
          out.push(v);
        }
      } else {
        out.push(n);
      }
    }
    return out;
  }

  private instElement(el: XElement, values: Value[], tdepth: number, depth: number, out: XNode[]): void {
    if (++this.elements > LIMITS.elementsPerRecord)
      throw new BinXmlError('record expands to too many elements', 0);
    const attrs: XAttr[] = [];
    for (const a of el.attrs)
      attrs.push({ name: a.name, value: this.instantiate(a.value, values, tdepth, depth + 1) });
    const children = this.instantiate(el.children, values, tdepth, depth + 1);
    this.expand({ k: 'e', name: el.name, attrs, children }, out, 0);
  }

  /** Repeats `el` once per item of its first multi-item array value (recursively). */
  private expand(el: XElement, out: XNode[], level: number): void {
    let arrAt = -1;
    let attrAt = -1;
    for (let i = 0; i < el.children.length; i++) {
      const c = el.children[i]!;
      if (typeof c !== 'string' && c.k === 'a') {
        if (c.items.length > 1) {
          arrAt = i;
          break;
        }
        el.children[i] = c.items[0] ?? '';
      }
    }
    if (arrAt < 0) {
      for (let i = 0; i < el.attrs.length && arrAt < 0; i++) {
        const v = el.attrs[i]!.value;
        for (let j = 0; j < v.length; j++) {
          const c = v[j]!;
          if (typeof c !== 'string' && c.k === 'a') {
            if (c.items.length > 1) {
              arrAt = j;
              attrAt = i;
              break;
            }
            v[j] = c.items[0] ?? '';
          }
        }
      }
    }
    if (arrAt < 0) {
      out.push(el);
      return;
    }
    if (level > 4) throw new BinXmlError('too many arrays in one element', 0);
    const list = attrAt < 0 ? el.children : el.attrs[attrAt]!.value;
    const arr = list[arrAt] as XArr;
    for (const item of arr.items) {
      if (++this.expansions > LIMITS.arrayExpansion) throw new BinXmlError('array expansion too large', 0);
      const copy: XElement = { k: 'e', name: el.name, attrs: el.attrs, children: el.children };
      if (attrAt < 0) {
        copy.children = el.children.slice();
        copy.children[arrAt] = item;
      } else {
        copy.attrs = el.attrs.slice();
        const nv = list.slice();
        nv[arrAt] = item;
        copy.attrs[attrAt] = { name: el.attrs[attrAt]!.name, value: nv };
      }
      this.expand(copy, out, level + 1);
    }
  }

  /** Decodes a substitution (or literal) value of `type` occupying `size` bytes at `p`. */
  private decode(type: number, p: number, size: number): Value {
    const b = this.buf;
    if (type & 0x80) return this.decodeArray(type & 0x7f, p, size);
    const need = FIXED_SIZE[type];
    if (need !== undefined && size < need) {
      this.warnings.push({
        message: `value of type 0x${type.toString(16)} has size ${size}, expected ${need}`,
        offset: p,
      });
      return null;
    }
    switch (type) {
      case 0x00:
        return null;
      case 0x01: {
        const s = b.toString('utf16le', p, p + (size & ~1));
        const z = s.indexOf('\0');
        return z >= 0 ? s.slice(0, z) : s;
      }
      case 0x02: {
        const s = ANSI.decode(b.subarray(p, p + size));
        const z = s.indexOf('\0');
        return z >= 0 ? s.slice(0, z) : s;
      }
      case 0x03: {
        const v = b.readInt8(p);
        return num(v, String(v));
      }
      case 0x04: {
        const v = b[p]!;
        return num(v, String(v));
      }
      case 0x05: {
        const v = b.readInt16LE(p);
        return num(v, String(v));
      }
      case 0x06: {
        const v = b.readUInt16LE(p);
        return num(v, String(v));
      }
      case 0x07: {
        const v = b.readInt32LE(p);
        return num(v, String(v));
      }
      case 0x08: {
        const v = b.readUInt32LE(p);
        return num(v, String(v));
      }
      case 0x09:
        return big(b.readBigInt64LE(p));
      case 0x0a:
        return big(b.readBigUInt64LE(p));
      case 0x0b:
        return f32Text(b.readFloatLE(p));
      case 0x0c:
        return String(b.readDoubleLE(p));
      case 0x0d: {
        const v = b.readUInt32LE(p) !== 0;
        return num(v, v ? 'true' : 'false');
      }
      case 0x0e:
        return hexUpper(b, p, size);
      case 0x0f:
        return guidText(b, p);
      case 0x10:
        if (size === 4) return '0x' + b.readUInt32LE(p).toString(16);
        if (size === 8) return '0x' + b.readBigUInt64LE(p).toString(16);
        this.warnings.push({ message: `SizeT value has size ${size}`, offset: p });
        return null;
      case 0x11: {
        const t = filetimeText(b, p);
        if (t === null) this.warnings.push({ message: 'FILETIME out of range', offset: p });
        return t;
      }
      case 0x12:
        return systemtimeText(b, p);
      case 0x13: {
        const s = sidText(b, p, size);
        if (s === null) this.warnings.push({ message: 'malformed SID', offset: p });
        return s;
      }
      case 0x14:
        return '0x' + b.readUInt32LE(p).toString(16);
      case 0x15:
        return '0x' + b.readBigUInt64LE(p).toString(16);
      case 0x21:
        return size === 0 ? null : { k: 'x', start: p, end: p + size };
      default:
        this.warnings.push({
          message: `unsupported substitution value type 0x${type.toString(16)}`,
          offset: p,
        });
        return null;
    }
  }

  private decodeArray(elem: number, p: number, size: number): Value {
    const items: (string | XNum)[] = [];
    if (elem === 0x01) {
      const s = this.buf.toString('utf16le', p, p + (size & ~1));
      const parts = s.split('\0');
      if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
      for (const x of parts) items.push(x);
    } else {
      let w = FIXED_SIZE[elem];
      if (elem === 0x10) w = 8;
      if (w === undefined || elem === 0x13) {
        if (elem === 0x13) {
          let q = p;
          while (q + 8 <= p + size) {
            const len = 8 + this.buf[q + 1]! * 4;
            const s = sidText(this.buf, q, Math.min(len, p + size - q));
            if (s === null) break;
            items.push(s);
            q += len;
          }
        } else {
          this.warnings.push({ message: `unsupported array element type 0x${elem.toString(16)}`, offset: p });
          return null;
        }
      } else {
        if (size % w !== 0)
          this.warnings.push({
            message: `array of type 0x${elem.toString(16)} has ragged size ${size}`,
            offset: p,
          });
        for (let q = p; q + w <= p + size; q += w) {
          const v = this.decode(elem, q, w);
          if (v !== null && (typeof v === 'string' || v.k === 'n')) items.push(v);
        }
      }
    }
    if (items.length > LIMITS.arrayExpansion) throw new BinXmlError('array too large', p);
    return { k: 'a', items };
  }

  /** Hex dump helper for issues. */
  hexAt(p: number, n = 8): string {
    return hexUpper(this.buf, p, Math.max(0, Math.min(n, this.buf.length - p)));
  }
}
