/**
 * Builds small, harmless PE32+ images at test time (no binaries are committed): sections with
 * given bytes, optional imports, exports, a version resource, a COFF symbol table and an overlay.
 * The layout follows the PE/COFF specification; the images are not meant to run.
 */

export interface BuildPeOptions {
  /** Extra bytes placed in `.text`. */
  text?: Buffer;
  dll?: boolean;
  timestamp?: number;
  imports?: { dll: string; functions: string[] }[];
  exports?: { dllName: string; names: string[] };
  /** StringFileInfo values for the version resource. */
  version?: Record<string, string>;
  /** Number of COFF symbols to append (with a string table), as MinGW builds do. */
  coffSymbols?: number;
  /** Bytes appended after the image (an overlay). */
  overlay?: Buffer;
}

const FILE_ALIGN = 0x200;
const SECT_ALIGN = 0x1000;
const align = (n: number, a: number): number => Math.ceil(n / a) * a;

function utf16z(s: string): Buffer {
  return Buffer.from(`${s}\0`, 'utf16le');
}

/** A VS_VERSIONINFO-style block: header, key, padding, value, padding, children. */
function vblock(key: string, value: Buffer, valueLenField: number, type: number, kids: Buffer[]): Buffer {
  const head = Buffer.alloc(6);
  let body = Buffer.concat([head, utf16z(key)]);
  body = Buffer.concat([body, Buffer.alloc(align(body.length, 4) - body.length)]);
  if (value.length > 0) {
    body = Buffer.concat([body, value]);
    body = Buffer.concat([body, Buffer.alloc(align(body.length, 4) - body.length)]);
  }
  for (const k of kids) {
    body = Buffer.concat([body, k, Buffer.alloc(align(k.length, 4) - k.length)]);
  }
  body.writeUInt16LE(body.length, 0);
  body.writeUInt16LE(valueLenField, 2);
  body.writeUInt16LE(type, 4);
  return body;
}

function versionInfo(values: Record<string, string>): Buffer {
  const strings = Object.entries(values).map(([k, v]) => vblock(k, utf16z(v), v.length + 1, 1, []));
  const table = vblock('040904b0', Buffer.alloc(0), 0, 1, strings);
  const sfi = vblock('StringFileInfo', Buffer.alloc(0), 0, 1, [table]);
  const fixed = Buffer.alloc(52);
  fixed.writeUInt32LE(0xfeef04bd, 0);
  return vblock('VS_VERSION_INFO', fixed, 52, 0, [sfi]);
}

/** Resource tree: type 16 → id 1 → lang 0x409 → data. Returns the section bytes for base RVA. */
function resourceSection(rva: number, data: Buffer): Buffer {
  const dirSize = 16 + 8;
  const out = Buffer.alloc(dirSize * 3 + 16 + align(data.length, 4));
  const dir = (o: number, id: number, target: number): void => {
    out.writeUInt16LE(1, o + 14); // one id entry
    out.writeUInt32LE(id, o + 16);
    out.writeUInt32LE(target, o + 20);
  };
  dir(0, 16, (0x80000000 | dirSize) >>> 0);
  dir(dirSize, 1, (0x80000000 | (dirSize * 2)) >>> 0);
  dir(dirSize * 2, 0x409, dirSize * 3);
  const de = dirSize * 3;
  out.writeUInt32LE(rva + de + 16, de);
  out.writeUInt32LE(data.length, de + 4);
  data.copy(out, de + 16);
  return out;
}

/** Import directory + ILT + names, laid out at `rva`. */
function importSection(rva: number, imports: { dll: string; functions: string[] }[]): Buffer {
  const parts: Buffer[] = [];
  let size = (imports.length + 1) * 20;
  const descs = Buffer.alloc(size);
  const tail: Buffer[] = [];
  imports.forEach((imp, i) => {
    const iltRva = rva + size;
    const ilt = Buffer.alloc((imp.functions.length + 1) * 8);
    size += ilt.length;
    tail.push(ilt);
    imp.functions.forEach((fn, j) => {
      const hn = Buffer.concat([Buffer.alloc(2), Buffer.from(`${fn}\0`, 'latin1')]);
      ilt.writeUInt32LE(rva + size, j * 8);
      size += hn.length;
      tail.push(hn);
    });
    const nameRva = rva + size;
    const nm = Buffer.from(`${imp.dll}\0`, 'latin1');
    size += nm.length;
    tail.push(nm);
    descs.writeUInt32LE(iltRva, i * 20);
    descs.writeUInt32LE(nameRva, i * 20 + 12);
    descs.writeUInt32LE(iltRva, i * 20 + 16);
  });
  parts.push(descs, ...tail);
  return Buffer.concat(parts);
}

function exportSection(rva: number, exp: { dllName: string; names: string[] }): Buffer {
  const head = Buffer.alloc(40);
  let size = 40;
  const funcsRva = rva + size;
  const funcs = Buffer.alloc(exp.names.length * 4);
  size += funcs.length;
  const namesRva = rva + size;
  const names = Buffer.alloc(exp.names.length * 4);
  size += names.length;
  const ordsRva = rva + size;
  const ords = Buffer.alloc(exp.names.length * 2);
  size += ords.length;
  const strs: Buffer[] = [];
  const dllRva = rva + size;
  const dn = Buffer.from(`${exp.dllName}\0`, 'latin1');
  size += dn.length;
  strs.push(dn);
  exp.names.forEach((n, i) => {
    names.writeUInt32LE(rva + size, i * 4);
    ords.writeUInt16LE(i, i * 2);
    funcs.writeUInt32LE(0x1000, i * 4);
    const b = Buffer.from(`${n}\0`, 'latin1');
    size += b.length;
    strs.push(b);
  });
  head.writeUInt32LE(dllRva, 12);
  head.writeUInt32LE(1, 16);
  head.writeUInt32LE(exp.names.length, 20);
  head.writeUInt32LE(exp.names.length, 24);
  head.writeUInt32LE(funcsRva, 28);
  head.writeUInt32LE(namesRva, 32);
  head.writeUInt32LE(ordsRva, 36);
  return Buffer.concat([head, funcs, names, ords, ...strs]);
}

/** Field offsets callers need to edit the image (e.g. to attach a certificate table). */
export interface BuiltPe {
  image: Buffer;
  /** File offset of data directory 4 (certificate table: offset, size). */
  certDirOffset: number;
  checksumOffset: number;
}

/** Builds the image. */
export function buildPe(o: BuildPeOptions = {}): BuiltPe {
  const secs: { name: string; data: Buffer | ((rva: number) => Buffer); dirIndex?: number }[] = [];
  secs.push({ name: '.text', data: Buffer.concat([Buffer.from([0xc3]), o.text ?? Buffer.alloc(0)]) });
  if (o.imports) secs.push({ name: '.idata', data: (rva) => importSection(rva, o.imports!), dirIndex: 1 });
  if (o.exports) secs.push({ name: '.edata', data: (rva) => exportSection(rva, o.exports!), dirIndex: 0 });
  if (o.version) secs.push({ name: '.rsrc', data: (rva) => resourceSection(rva, versionInfo(o.version!)), dirIndex: 2 });
  const lfanew = 0x40;
  const optSize = 112 + 16 * 8;
  const secTable = lfanew + 24 + optSize;
  const headerSize = align(secTable + secs.length * 40, FILE_ALIGN);
  let raw = headerSize;
  const built = secs.map((s, i) => {
    const rva = SECT_ALIGN * (i + 1);
    const data = typeof s.data === 'function' ? s.data(rva) : s.data;
    const rawSize = align(data.length, FILE_ALIGN);
    const out = { ...s, rva, data, rawOffset: raw, rawSize };
    raw += rawSize;
    return out;
  });
  const h = Buffer.alloc(headerSize);
  h.write('MZ', 0, 'latin1');
  h.writeUInt32LE(lfanew, 0x3c);
  h.writeUInt32LE(0x00004550, lfanew);
  const coff = lfanew + 4;
  h.writeUInt16LE(0x8664, coff);
  h.writeUInt16LE(secs.length, coff + 2);
  h.writeUInt32LE(o.timestamp ?? 0x5f000000, coff + 4);
  h.writeUInt16LE(optSize, coff + 16);
  h.writeUInt16LE(0x0022 | (o.dll ? 0x2000 : 0), coff + 18);
  const opt = coff + 20;
  h.writeUInt16LE(0x20b, opt);
  h.writeUInt32LE(SECT_ALIGN, opt + 32);
  h.writeUInt32LE(FILE_ALIGN, opt + 36);
  h.writeUInt32LE(SECT_ALIGN * (secs.length + 1), opt + 56);
  h.writeUInt32LE(headerSize, opt + 60);
  h.writeUInt16LE(3, opt + 68);
  h.writeUInt32LE(16, opt + 108);
  for (const b of built) {
    if (b.dirIndex !== undefined) {
      h.writeUInt32LE(b.rva, opt + 112 + b.dirIndex * 8);
      h.writeUInt32LE(b.data.length, opt + 112 + b.dirIndex * 8 + 4);
    }
  }
  built.forEach((b, i) => {
    const so = secTable + i * 40;
    h.write(b.name, so, 'latin1');
    h.writeUInt32LE(b.data.length, so + 8);
    h.writeUInt32LE(b.rva, so + 12);
    h.writeUInt32LE(b.rawSize, so + 16);
    h.writeUInt32LE(b.rawOffset, so + 20);
    h.writeUInt32LE(0x40000040, so + 36);
  });
  const body = built.map((b) => Buffer.concat([b.data, Buffer.alloc(b.rawSize - b.data.length)]));
  const parts: Buffer[] = [h, ...body];
  if (o.coffSymbols) {
    const symOff = raw;
    h.writeUInt32LE(symOff, coff + 8);
    h.writeUInt32LE(o.coffSymbols, coff + 12);
    const syms = Buffer.alloc(o.coffSymbols * 18);
    for (let i = 0; i < o.coffSymbols; i++) syms.write(`sym${i}`.slice(0, 8), i * 18, 'latin1');
    const strTab = Buffer.alloc(4 + 16);
    strTab.writeUInt32LE(strTab.length, 0);
    strTab.write('long_symbol_name', 4, 'latin1');
    parts.push(syms, strTab);
  }
  if (o.overlay) parts.push(o.overlay);
  return { image: Buffer.concat(parts), certDirOffset: opt + 112 + 4 * 8, checksumOffset: opt + 64 };
}
