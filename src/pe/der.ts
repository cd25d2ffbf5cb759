/**
 * A small, bounded DER reader: enough of ASN.1 to walk PKCS#7 SignedData and X.509 names. Never
 * throws: malformed input yields null. Definite lengths only (DER); at most 4 length bytes.
 */

/** One TLV node. */
export interface Der {
  /** Full identifier byte (class, constructed bit, tag number for low tags). */
  tag: number;
  /** Offset of the identifier byte. */
  offset: number;
  /** Offset of the first content byte. */
  start: number;
  /** Offset just past the content. */
  end: number;
}

/** Universal tags used here. */
export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8: 0x0c,
  PRINTABLE: 0x13,
  T61: 0x14,
  IA5: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  BMP: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

/** Reads the TLV at `off` within `[off, limit)`; null when it does not fit. */
export function readDer(buf: Uint8Array, off: number, limit: number = buf.length): Der | null {
  if (off < 0 || off + 2 > limit || limit > buf.length) return null;
  const tag = buf[off]!;
  if ((tag & 0x1f) === 0x1f) return null; // high tag numbers are not used by PKCS#7/X.509 parts we read
  let p = off + 1;
  const first = buf[p++]!;
  let len: number;
  if (first < 0x80) len = first;
  else {
    const n = first & 0x7f;
    if (n === 0 || n > 4 || p + n > limit) return null; // indefinite or absurd length
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[p++]!;
  }
  if (p + len > limit) return null;
  return { tag, offset: off, start: p, end: p + len };
}

/** The children of a constructed node (bounded count); null when any child is malformed. */
export function children(buf: Uint8Array, node: Der, max = 10_000): Der[] | null {
  const out: Der[] = [];
  let p = node.start;
  while (p < node.end) {
    if (out.length >= max) return null;
    const c = readDer(buf, p, node.end);
    if (!c) return null;
    out.push(c);
    p = c.end;
  }
  return out;
}

/** Dotted OID text of an OID node. */
export function oidText(buf: Uint8Array, node: Der): string | null {
  if (node.tag !== TAG.OID || node.end <= node.start || node.end - node.start > 64) return null;
  const parts: number[] = [];
  let v = 0;
  for (let i = node.start; i < node.end; i++) {
    const b = buf[i]!;
    v = v * 128 + (b & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) return null;
    if ((b & 0x80) === 0) {
      if (parts.length === 0) {
        const a = v < 40 ? 0 : v < 80 ? 1 : 2;
        parts.push(a, v - a * 40);
      } else parts.push(v);
      v = 0;
    }
  }
  return parts.join('.');
}

/** Hex of an INTEGER's content bytes (leading 00 sign byte dropped), lower-case. */
export function integerHex(buf: Uint8Array, node: Der): string {
  let s = node.start;
  if (node.end - s > 1 && buf[s] === 0) s++;
  return Buffer.from(buf.subarray(s, node.end)).toString('hex');
}

/** Decodes a string-like node (UTF8, Printable, IA5, T61 as latin1, BMP as UTF-16BE). */
export function stringValue(buf: Uint8Array, node: Der): string | null {
  const b = Buffer.from(buf.subarray(node.start, node.end));
  switch (node.tag) {
    case TAG.UTF8:
      return b.toString('utf8');
    case TAG.PRINTABLE:
    case TAG.IA5:
    case TAG.T61:
      return b.toString('latin1');
    case TAG.BMP: {
      const le = Buffer.alloc(b.length - (b.length % 2));
      for (let i = 0; i + 1 < b.length; i += 2) {
        le[i] = b[i + 1]!;
        le[i + 1] = b[i]!;
      }
      return le.toString('utf16le');
    }
    default:
      return null;
  }
}

/** ISO time of a UTCTime or GeneralizedTime node. */
export function timeValue(buf: Uint8Array, node: Der): string | null {
  const s = Buffer.from(buf.subarray(node.start, node.end)).toString('latin1');
  let m: RegExpExecArray | null;
  if (node.tag === TAG.UTC_TIME && (m = /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?Z$/.exec(s))) {
    const yy = Number(m[1]);
    return `${yy >= 50 ? 1900 + yy : 2000 + yy}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? '00'}Z`;
  }
  if (
    node.tag === TAG.GENERALIZED_TIME &&
    (m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(?:\.\d+)?Z$/.exec(s))
  ) {
    return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`;
  }
  return null;
}

const NAME_ATTRS: Record<string, string> = {
  '2.5.4.3': 'CN',
  '2.5.4.6': 'C',
  '2.5.4.7': 'L',
  '2.5.4.8': 'ST',
  '2.5.4.10': 'O',
  '2.5.4.11': 'OU',
  '2.5.4.5': 'serialNumber',
  '1.2.840.113549.1.9.1': 'emailAddress',
};

/** An X.501 Name as `CN=…, O=…, C=…` (in encoded order). */
export function nameText(buf: Uint8Array, node: Der): string | null {
  const rdns = children(buf, node, 64);
  if (!rdns) return null;
  const parts: string[] = [];
  for (const rdn of rdns) {
    for (const atv of children(buf, rdn, 16) ?? []) {
      const kv = children(buf, atv, 2);
      if (!kv || kv.length !== 2) continue;
      const oid = oidText(buf, kv[0]!);
      const val = stringValue(buf, kv[1]!);
      if (oid && val !== null) parts.push(`${NAME_ATTRS[oid] ?? oid}=${val}`);
    }
  }
  return parts.join(', ');
}
