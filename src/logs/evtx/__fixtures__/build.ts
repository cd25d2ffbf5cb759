/**
 * Builds small synthetic EVTX files byte by byte from the format description (MS-EVEN6 and
 * libevtx's "Windows XML Event Log (EVTX)" document), so tests can exercise constructs the public
 * samples lack (every value type, arrays, nested Binary XML, entity/char refs, CDATA, PI).
 */
import { crc32 } from 'node:zlib';

/** A Binary XML writer whose positions are chunk-relative. */
export class BinXmlWriter {
  bytes: number[] = [];
  constructor(readonly base: number) {}
  get pos(): number {
    return this.base + this.bytes.length;
  }
  u8(v: number): this {
    this.bytes.push(v & 0xff);
    return this;
  }
  u16(v: number): this {
    return this.u8(v).u8(v >> 8);
  }
  u32(v: number): this {
    return this.u16(v & 0xffff).u16(v >>> 16);
  }
  raw(b: Iterable<number>): this {
    for (const x of b) this.u8(x);
    return this;
  }
  utf16(s: string): this {
    for (let i = 0; i < s.length; i++) this.u16(s.charCodeAt(i));
    return this;
  }
  /** Name reference: inline (offset = position after the field) unless `at` names an earlier one. */
  name(s: string, at?: number): this {
    if (at !== undefined) return this.u32(at);
    this.u32(this.pos + 4);
    return this.u32(0).u16(0).u16(s.length).utf16(s).u16(0);
  }
  fragmentHeader(): this {
    return this.raw([0x0f, 1, 1, 0]);
  }
  /** OpenStartElement with dependency id; `attrs` sets the 0x40 flag. */
  open(name: string, attrs = false, dep = true): this {
    this.u8(attrs ? 0x41 : 0x01);
    if (dep) this.u16(0xffff);
    this.u32(0);
    this.name(name);
    if (attrs) this.u32(0);
    return this;
  }
  attr(name: string, more = false): this {
    return this.u8(more ? 0x46 : 0x06).name(name);
  }
  closeStart(): this {
    return this.u8(0x02);
  }
  closeEmpty(): this {
    return this.u8(0x03);
  }
  end(): this {
    return this.u8(0x04);
  }
  eof(): this {
    return this.u8(0x00);
  }
  text(s: string): this {
    return this.u8(0x05).u8(0x01).u16(s.length).utf16(s);
  }
  sub(index: number, type: number, optional = false): this {
    return this.u8(optional ? 0x0e : 0x0d).u16(index).u8(type);
  }
  charRef(code: number): this {
    return this.u8(0x08).u16(code);
  }
  entityRef(name: string): this {
    return this.u8(0x09).name(name);
  }
  cdata(s: string): this {
    return this.u8(0x07).u16(s.length).utf16(s);
  }
  pi(target: string, data: string): this {
    this.u8(0x0a).name(target);
    return this.u8(0x0b).u16(data.length).utf16(data);
  }
}

/** A substitution value: type and raw bytes. */
export interface SubValue {
  type: number;
  bytes: number[];
}

/** Little-endian helpers for substitution values. */
export const V = {
  str: (s: string): SubValue => ({ type: 0x01, bytes: [...Buffer.from(s, 'utf16le')] }),
  ansi: (s: string): SubValue => ({ type: 0x02, bytes: [...Buffer.from(s, 'latin1')] }),
  i8: (n: number): SubValue => ({ type: 0x03, bytes: [n & 0xff] }),
  u8: (n: number): SubValue => ({ type: 0x04, bytes: [n & 0xff] }),
  i16: (n: number): SubValue => le(0x05, 2, (b) => b.writeInt16LE(n)),
  u16: (n: number): SubValue => le(0x06, 2, (b) => b.writeUInt16LE(n)),
  i32: (n: number): SubValue => le(0x07, 4, (b) => b.writeInt32LE(n)),
  u32: (n: number): SubValue => le(0x08, 4, (b) => b.writeUInt32LE(n)),
  i64: (n: bigint): SubValue => le(0x09, 8, (b) => b.writeBigInt64LE(n)),
  u64: (n: bigint): SubValue => le(0x0a, 8, (b) => b.writeBigUInt64LE(n)),
  f32: (n: number): SubValue => le(0x0b, 4, (b) => b.writeFloatLE(n)),
  f64: (n: number): SubValue => le(0x0c, 8, (b) => b.writeDoubleLE(n)),
  bool: (v: boolean): SubValue => le(0x0d, 4, (b) => b.writeUInt32LE(v ? 1 : 0)),
  bin: (b: number[]): SubValue => ({ type: 0x0e, bytes: b }),
  guid: (bytes: number[]): SubValue => ({ type: 0x0f, bytes }),
  size8: (n: bigint): SubValue => le(0x10, 8, (b) => b.writeBigUInt64LE(n)),
  filetime: (ticks: bigint): SubValue => le(0x11, 8, (b) => b.writeBigUInt64LE(ticks)),
  systime: (p: number[]): SubValue => le(0x12, 16, (b) => p.forEach((x, i) => b.writeUInt16LE(x, i * 2))),
  sid: (rev: number, auth: number, subs: number[]): SubValue => {
    const b = Buffer.alloc(8 + subs.length * 4);
    b[0] = rev;
    b[1] = subs.length;
    b.writeUIntBE(auth, 2, 6);
    subs.forEach((s, i) => b.writeUInt32LE(s, 8 + i * 4));
    return { type: 0x13, bytes: [...b] };
  },
  hex32: (n: number): SubValue => le(0x14, 4, (b) => b.writeUInt32LE(n)),
  hex64: (n: bigint): SubValue => le(0x15, 8, (b) => b.writeBigUInt64LE(n)),
  null: (): SubValue => ({ type: 0x00, bytes: [] }),
  u32s: (ns: number[]): SubValue => ({ type: 0x88, bytes: ns.flatMap((n) => le(0, 4, (b) => b.writeUInt32LE(n)).bytes) }),
  strs: (ss: string[]): SubValue => ({ type: 0x81, bytes: [...Buffer.from(ss.map((s) => s + '\0').join(''), 'utf16le')] }),
  binxml: (bytes: number[]): SubValue => ({ type: 0x21, bytes }),
};

function le(type: number, n: number, f: (b: Buffer) => void): SubValue {
  const b = Buffer.alloc(n);
  f(b);
  return { type, bytes: [...b] };
}

/** Writes a template instance; `def` writes the template body (or pass `defOffset` to back-reference). */
export function templateInstance(
  w: BinXmlWriter,
  values: SubValue[],
  def: ((w: BinXmlWriter, defOffset: number) => void) | { defOffset: number },
): number {
  w.u8(0x0c).u8(1).u32(0x1234);
  let defOff: number;
  if (typeof def === 'function') {
    defOff = w.pos + 4;
    w.u32(defOff);
    w.u32(0).raw(new Array<number>(16).fill(7));
    const sizeAt = w.bytes.length;
    w.u32(0);
    const start = w.bytes.length;
    def(w, defOff);
    const size = w.bytes.length - start;
    w.bytes[sizeAt] = size & 0xff;
    w.bytes[sizeAt + 1] = (size >> 8) & 0xff;
    w.bytes[sizeAt + 2] = (size >> 16) & 0xff;
    w.bytes[sizeAt + 3] = (size >> 24) & 0xff;
  } else {
    defOff = def.defOffset;
    w.u32(defOff);
  }
  w.u32(values.length);
  for (const v of values) w.u16(v.bytes.length).u8(v.type).u8(0);
  for (const v of values) w.raw(v.bytes);
  return defOff;
}

/** Builds a chunk from record bodies (each a function writing the record's Binary XML). */
export function buildChunk(records: ((w: BinXmlWriter) => void)[], firstId = 1): Buffer {
  const chunk = Buffer.alloc(65536);
  chunk.write('ElfChnk\0', 0, 'latin1');
  let p = 512;
  let id = firstId;
  let last = 512;
  for (const body of records) {
    const w = new BinXmlWriter(p + 24);
    body(w);
    const size = 24 + w.bytes.length + 4;
    const padded = size + ((8 - (size % 8)) % 8);
    chunk.writeUInt32LE(0x2a2a, p);
    chunk.writeUInt32LE(padded, p + 4);
    chunk.writeBigUInt64LE(BigInt(id), p + 8);
    chunk.writeBigUInt64LE(132000000000000000n, p + 16);
    Buffer.from(w.bytes).copy(chunk, p + 24);
    chunk.writeUInt32LE(padded, p + padded - 4);
    last = p;
    p += padded;
    id++;
  }
  chunk.writeBigUInt64LE(BigInt(firstId), 8);
  chunk.writeBigUInt64LE(BigInt(id - 1), 16);
  chunk.writeBigUInt64LE(BigInt(firstId), 24);
  chunk.writeBigUInt64LE(BigInt(id - 1), 32);
  chunk.writeUInt32LE(128, 40);
  chunk.writeUInt32LE(last, 44);
  chunk.writeUInt32LE(p, 48);
  chunk.writeUInt32LE(crc32(chunk.subarray(512, p)), 52);
  chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124);
  return chunk;
}

/** Builds a file from chunks; `headerChunks` lets a test make the header lag behind. */
export function buildFile(chunks: Buffer[], headerChunks = chunks.length): Buffer {
  const h = Buffer.alloc(4096);
  h.write('ElfFile\0', 0, 'latin1');
  h.writeBigUInt64LE(0n, 8);
  h.writeBigUInt64LE(BigInt(Math.max(0, headerChunks - 1)), 16);
  h.writeUInt32LE(128, 32);
  h.writeUInt16LE(2, 36);
  h.writeUInt16LE(3, 38);
  h.writeUInt16LE(4096, 40);
  h.writeUInt16LE(headerChunks, 42);
  h.writeUInt32LE(crc32(h.subarray(0, 120)), 124);
  return Buffer.concat([h, ...chunks]);
}
