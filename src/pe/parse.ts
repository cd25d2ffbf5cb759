/**
 * A tolerant PE (Portable Executable) reader: headers, sections, imports, exports, the version
 * resource, the certificate table (Authenticode) and overlays. Pure and bounded; never throws: what
 * cannot be read becomes an {@link Issue} and the rest is still returned. PEs with COFF symbol
 * tables (MinGW builds) are read like any other (the symbol table is located, not interpreted).
 */
import { issue, type Issue, type IssueCode } from '../core/issue.js';
import { authenticodeDigest, parseCertificateTable, type WinCertificate } from './authenticode.js';

export const PE_READER_ID = 'pe';

/** One section header. */
export interface PeSection {
  name: string;
  virtualAddress: number;
  virtualSize: number;
  rawOffset: number;
  rawSize: number;
  characteristics: number;
}

/** One imported DLL and the functions taken from it (names, or `#ordinal`). */
export interface PeImport {
  dll: string;
  functions: string[];
}

/** Authenticode state of the image. */
export interface PeAuthenticode {
  /** Certificate table (data directory 4): file offset and size. */
  offset: number;
  size: number;
  entries: WinCertificate[];
  /** Digest of the image computed with the first signature's algorithm, hex. */
  computedDigest?: string;
  /** Whether it equals the signed digest (undefined when there is no readable signature). */
  digestMatches?: boolean;
}

/** What a PE says about itself. */
export interface PeInfo {
  machine: number;
  is64: boolean;
  /** COFF characteristics (0x2000 = DLL). */
  characteristics: number;
  isDll: boolean;
  timestamp: number;
  subsystem: number;
  /** COFF symbol table (deprecated in images; present in MinGW builds). */
  coffSymbols?: { offset: number; count: number; end: number };
  sections: PeSection[];
  imports: PeImport[];
  exports: { dllName?: string; names: string[] };
  /** Version resource StringFileInfo values (first string table), e.g. `ProductName`. */
  version?: Record<string, string>;
  /** End of the image proper: last section's raw data (or COFF symbols/strings). */
  imageEnd: number;
  /** Bytes after the image that are not the certificate table. */
  overlay?: { offset: number; size: number };
  /** Bytes after the certificate table (data appended to a signed file). */
  afterCertificate?: { offset: number; size: number };
  authenticode?: PeAuthenticode;
}

const MAX_SECTIONS = 96;
const MAX_IMPORT_DLLS = 1024;
const MAX_IMPORT_FUNCS = 20_000;
const MAX_EXPORTS = 20_000;
const MAX_STRING = 512;

/** Quick check used by sniffers: `MZ` and a `PE\0\0` signature where e_lfanew points. */
export function looksLikePe(buf: Buffer): boolean {
  if (buf.length < 0x40 || buf[0] !== 0x4d || buf[1] !== 0x5a) return false;
  const lfanew = buf.readUInt32LE(0x3c);
  return lfanew + 4 <= buf.length && buf.readUInt32LE(lfanew) === 0x00004550;
}

class Reader {
  readonly issues: Issue[] = [];
  constructor(
    readonly buf: Buffer,
    readonly file: string,
  ) {}
  add(code: IssueCode, message: string, offset?: number): void {
    if (this.issues.length < 50)
      this.issues.push(issue(code, message, { file: this.file, offset, pluginId: PE_READER_ID }));
  }
  u16(o: number): number | null {
    return o >= 0 && o + 2 <= this.buf.length ? this.buf.readUInt16LE(o) : null;
  }
  u32(o: number): number | null {
    return o >= 0 && o + 4 <= this.buf.length ? this.buf.readUInt32LE(o) : null;
  }
  /** NUL-terminated ASCII at `o`, bounded. */
  cstr(o: number): string | null {
    if (o < 0 || o >= this.buf.length) return null;
    const end = this.buf.indexOf(0, o);
    const stop = Math.min(end < 0 ? this.buf.length : end, o + MAX_STRING);
    return this.buf.toString('latin1', o, stop);
  }
}

/** File offset of an RVA, via the section table (or the headers); null when unmapped. */
function rvaToOffset(
  sections: readonly PeSection[],
  rva: number,
  headerSize: number,
  fileLen: number,
): number | null {
  if (rva < headerSize) return rva < fileLen ? rva : null;
  for (const s of sections) {
    const span = Math.max(s.virtualSize, s.rawSize);
    if (rva >= s.virtualAddress && rva < s.virtualAddress + span) {
      const off = s.rawOffset + (rva - s.virtualAddress);
      return off < s.rawOffset + s.rawSize && off < fileLen ? off : null;
    }
  }
  return null;
}

export interface ParsePeOptions {
  /** Compute the Authenticode image digest (hashes the whole file; default true). */
  authenticodeDigest?: boolean;
}

/** Parses a PE image. Returns null (with issues) when it is not a PE at all or the headers are cut. */
export function parsePe(
  buf: Buffer,
  file: string,
  options: ParsePeOptions = {},
): { pe: PeInfo | null; issues: Issue[] } {
  const r = new Reader(buf, file);
  if (buf.length < 0x40 || buf[0] !== 0x4d || buf[1] !== 0x5a) {
    r.add('parse-error', 'not a PE: no MZ header');
    return { pe: null, issues: r.issues };
  }
  const lfanew = r.u32(0x3c)!;
  if (lfanew + 24 > buf.length || r.u32(lfanew) !== 0x00004550) {
    r.add(
      lfanew + 24 > buf.length ? 'truncated' : 'parse-error',
      `no PE signature at e_lfanew ${lfanew}`,
      0x3c,
    );
    return { pe: null, issues: r.issues };
  }
  const coff = lfanew + 4;
  const machine = r.u16(coff)!;
  const nSections = r.u16(coff + 2)!;
  const timestamp = r.u32(coff + 4)!;
  const symPtr = r.u32(coff + 8)!;
  const symCount = r.u32(coff + 12)!;
  const optSize = r.u16(coff + 16)!;
  const characteristics = r.u16(coff + 18)!;
  const opt = coff + 20;
  const magic = r.u16(opt);
  if (magic === null || opt + optSize > buf.length) {
    r.add('truncated', 'optional header is cut short', opt);
    return { pe: null, issues: r.issues };
  }
  if (magic !== 0x10b && magic !== 0x20b) {
    r.add('unsupported', `optional header magic 0x${magic.toString(16)} is neither PE32 nor PE32+`, opt);
    return { pe: null, issues: r.issues };
  }
  const is64 = magic === 0x20b;
  const headerSize = r.u32(opt + 60) ?? 0;
  const subsystem = r.u16(opt + 68) ?? 0;
  const checksumOffset = opt + 64;
  const nDirsOff = opt + (is64 ? 108 : 92);
  const dirBase = nDirsOff + 4;
  const nDirs = Math.min(r.u32(nDirsOff) ?? 0, 16, Math.max(0, Math.floor((opt + optSize - dirBase) / 8)));
  const dir = (i: number): { rva: number; size: number } =>
    i < nDirs
      ? { rva: r.u32(dirBase + i * 8) ?? 0, size: r.u32(dirBase + i * 8 + 4) ?? 0 }
      : { rva: 0, size: 0 };

  const sections: PeSection[] = [];
  const secTable = opt + optSize;
  if (nSections > MAX_SECTIONS)
    r.add('limit-exceeded', `${nSections} sections; the first ${MAX_SECTIONS} are read`, coff + 2);
  for (let i = 0; i < Math.min(nSections, MAX_SECTIONS); i++) {
    const o = secTable + i * 40;
    if (o + 40 > buf.length) {
      r.add('truncated', `section table cut short at section ${i}`, o);
      break;
    }
    const nameRaw = buf.subarray(o, o + 8);
    const z = nameRaw.indexOf(0);
    sections.push({
      name: nameRaw.toString('latin1', 0, z < 0 ? 8 : z),
      virtualSize: buf.readUInt32LE(o + 8),
      virtualAddress: buf.readUInt32LE(o + 12),
      rawSize: buf.readUInt32LE(o + 16),
      rawOffset: buf.readUInt32LE(o + 20),
      characteristics: buf.readUInt32LE(o + 36),
    });
  }
  let imageEnd = Math.min(buf.length, Math.max(headerSize, secTable + sections.length * 40));
  for (const s of sections) {
    if (s.rawSize === 0) continue;
    const end = s.rawOffset + s.rawSize;
    if (end > buf.length)
      r.add(
        'truncated',
        `section ${JSON.stringify(s.name)} extends past the end of the file (${end} > ${buf.length})`,
        s.rawOffset,
      );
    imageEnd = Math.max(imageEnd, Math.min(end, buf.length));
  }
  const pe: PeInfo = {
    machine,
    is64,
    characteristics,
    isDll: (characteristics & 0x2000) !== 0,
    timestamp,
    subsystem,
    sections,
    imports: [],
    exports: { names: [] },
    imageEnd,
  };
  if (symPtr !== 0 && symCount > 0) {
    const strTab = symPtr + symCount * 18;
    const strSize = r.u32(strTab);
    if (strSize === null) r.add('truncated', 'COFF symbol table points past the end of the file', coff + 8);
    else {
      const end = Math.min(buf.length, strTab + Math.max(4, strSize));
      pe.coffSymbols = { offset: symPtr, count: symCount, end };
      if (symPtr >= imageEnd) pe.imageEnd = imageEnd = Math.max(imageEnd, end);
    }
  }
  const off = (rva: number): number | null => rvaToOffset(sections, rva, headerSize, buf.length);

  // Imports.
  const imp = dir(1);
  if (imp.rva !== 0 && imp.size !== 0) {
    let p = off(imp.rva);
    if (p === null)
      r.add('parse-error', `import directory RVA 0x${imp.rva.toString(16)} is not in any section`);
    let funcs = 0;
    while (p !== null && pe.imports.length < MAX_IMPORT_DLLS) {
      if (p + 20 > buf.length) {
        r.add('truncated', 'import directory cut short', p);
        break;
      }
      const oft = buf.readUInt32LE(p);
      const nameRva = buf.readUInt32LE(p + 12);
      const ft = buf.readUInt32LE(p + 16);
      if (oft === 0 && nameRva === 0 && ft === 0) break;
      const nameOff = off(nameRva);
      const dll = nameOff === null ? null : r.cstr(nameOff);
      if (dll === null) {
        r.add('parse-error', `import descriptor names an unmapped RVA 0x${nameRva.toString(16)}`, p + 12);
        p += 20;
        continue;
      }
      const functions: string[] = [];
      let t = off(oft !== 0 ? oft : ft);
      const step = is64 ? 8 : 4;
      while (t !== null && t + step <= buf.length && funcs < MAX_IMPORT_FUNCS) {
        const lo = buf.readUInt32LE(t);
        const hi = is64 ? buf.readUInt32LE(t + 4) : 0;
        if (lo === 0 && hi === 0) break;
        const byOrdinal = is64 ? (hi & 0x80000000) !== 0 : (lo & 0x80000000) !== 0;
        if (byOrdinal) functions.push(`#${lo & 0xffff}`);
        else {
          const h = off(lo & 0x7fffffff);
          const name = h === null ? null : r.cstr(h + 2);
          functions.push(name ?? `?0x${lo.toString(16)}`);
        }
        funcs++;
        t += step;
      }
      pe.imports.push({ dll, functions });
      p += 20;
    }
  }

  // Exports.
  const exp = dir(0);
  if (exp.rva !== 0 && exp.size !== 0) {
    const p = off(exp.rva);
    if (p === null || p + 40 > buf.length)
      r.add('parse-error', `export directory RVA 0x${exp.rva.toString(16)} cannot be read`);
    else {
      const nameOff = off(buf.readUInt32LE(p + 12));
      const dllName = nameOff === null ? null : r.cstr(nameOff);
      if (dllName !== null) pe.exports.dllName = dllName;
      const nNames = Math.min(buf.readUInt32LE(p + 24), MAX_EXPORTS);
      const namesOff = off(buf.readUInt32LE(p + 32));
      for (let i = 0; namesOff !== null && i < nNames; i++) {
        const rva = r.u32(namesOff + i * 4);
        const o = rva === null ? null : off(rva);
        const n = o === null ? null : r.cstr(o);
        if (n === null) {
          r.add('parse-error', `export name ${i} cannot be read`, namesOff + i * 4);
          break;
        }
        pe.exports.names.push(n);
      }
    }
  }

  // Version resource.
  const res = dir(2);
  if (res.rva !== 0 && res.size !== 0) {
    const base = off(res.rva);
    if (base === null)
      r.add('parse-error', `resource directory RVA 0x${res.rva.toString(16)} is not in any section`);
    else {
      const v = readVersionResource(r, base, off);
      if (v) pe.version = v;
    }
  }

  // Certificate table: data directory 4 holds a file offset, not an RVA.
  const cert = dir(4);
  let certEnd = 0;
  if (cert.rva !== 0 && cert.size !== 0) {
    if (cert.rva + cert.size > buf.length || cert.rva < imageEnd - 8) {
      r.add(
        'parse-error',
        `certificate table [${cert.rva}, +${cert.size}) is outside the file or overlaps the image`,
        dirBase + 32,
      );
    } else {
      const t = parseCertificateTable(buf, cert.rva, cert.size);
      if (t.error) r.add('parse-error', t.error, cert.rva);
      const auth: PeAuthenticode = { offset: cert.rva, size: cert.size, entries: t.entries };
      for (const e of t.entries)
        if (e.error) r.add('parse-error', `Authenticode signature: ${e.error}`, e.offset);
      const sig = t.entries.find((e) => e.signature)?.signature;
      if (sig && options.authenticodeDigest !== false) {
        const d = authenticodeDigest(
          buf,
          sig.digestAlgorithm,
          checksumOffset,
          dirBase + 32,
          cert.rva,
          cert.size,
        );
        if (d === null)
          r.add(
            'unsupported',
            `Authenticode digest algorithm ${sig.digestAlgorithm} is not supported`,
            cert.rva,
          );
        else {
          auth.computedDigest = d;
          auth.digestMatches = d === sig.signedDigest;
        }
      }
      pe.authenticode = auth;
      certEnd = cert.rva + cert.size;
      if (cert.rva > imageEnd) pe.overlay = { offset: imageEnd, size: cert.rva - imageEnd };
      if (certEnd < buf.length) pe.afterCertificate = { offset: certEnd, size: buf.length - certEnd };
    }
  }
  if (!pe.authenticode && imageEnd < buf.length)
    pe.overlay = { offset: imageEnd, size: buf.length - imageEnd };
  return { pe, issues: r.issues };
}

/** Walks resource type 16 (RT_VERSION) → first name → first language → VS_VERSIONINFO strings. */
function readVersionResource(
  r: Reader,
  base: number,
  off: (rva: number) => number | null,
): Record<string, string> | undefined {
  const buf = r.buf;
  const entryFor = (dirOff: number, id: number | null): number | null => {
    const named = r.u16(dirOff + 12);
    const ids = r.u16(dirOff + 14);
    if (named === null || ids === null) return null;
    const n = Math.min(named + ids, 4096);
    for (let i = 0; i < n; i++) {
      const e = dirOff + 16 + i * 8;
      const nameOrId = r.u32(e);
      const target = r.u32(e + 4);
      if (nameOrId === null || target === null) return null;
      if (id === null || ((nameOrId & 0x80000000) === 0 && nameOrId === id)) return target;
    }
    return null;
  };
  const t1 = entryFor(base, 16);
  if (t1 === null || (t1 & 0x80000000) === 0) return undefined;
  const t2 = entryFor(base + (t1 & 0x7fffffff), null);
  if (t2 === null || (t2 & 0x80000000) === 0) return undefined;
  const t3 = entryFor(base + (t2 & 0x7fffffff), null);
  if (t3 === null || (t3 & 0x80000000) !== 0) return undefined;
  const dataEntry = base + t3;
  const rva = r.u32(dataEntry);
  const size = r.u32(dataEntry + 4);
  const start = rva === null ? null : off(rva);
  if (start === null || size === null || start + size > buf.length) {
    r.add('parse-error', 'version resource data cannot be read', dataEntry);
    return undefined;
  }
  const out: Record<string, string> = {};
  readVersionBlock(buf, start, start + Math.min(size, 1 << 20), 0, out);
  return Object.keys(out).length > 0 ? out : undefined;
}

/** Reads one VS_VERSIONINFO-style block (wLength, wValueLength, wType, szKey, Value, Children). */
function readVersionBlock(
  buf: Buffer,
  p: number,
  limit: number,
  depth: number,
  out: Record<string, string>,
): number {
  if (depth > 4 || p + 6 > limit) return limit;
  const len = buf.readUInt16LE(p);
  const valueLen = buf.readUInt16LE(p + 2);
  const end = Math.min(p + len, limit);
  if (len < 6) return limit;
  let q = p + 6;
  let keyEnd = q;
  while (keyEnd + 1 < end && (buf[keyEnd] !== 0 || buf[keyEnd + 1] !== 0)) keyEnd += 2;
  const key = buf.toString('utf16le', q, keyEnd);
  q = (keyEnd + 2 + 3) & ~3;
  if (depth === 3) {
    // A String: value is UTF-16 text, valueLen in words.
    const vEnd = Math.min(q + valueLen * 2, end);
    let s = buf.toString('utf16le', q, vEnd - ((vEnd - q) % 2));
    const z = s.indexOf('\0');
    if (z >= 0) s = s.slice(0, z);
    if (!(key in out)) out[key] = s.slice(0, MAX_STRING);
    return end;
  }
  if (depth === 0) q = (q + valueLen + 3) & ~3; // VS_FIXEDFILEINFO
  if (depth === 1 && key !== 'StringFileInfo') return end;
  if (depth === 2 && Object.keys(out).length > 0) return end; // first string table only
  while (q + 6 <= end) {
    const next = readVersionBlock(buf, q, end, depth + 1, out);
    if (next <= q) break;
    q = (next + 3) & ~3;
  }
  return end;
}
