/**
 * Authenticode: the PKCS#7 SignedData in a PE's certificate table (WIN_CERTIFICATE entries), read
 * with the bounded DER reader. Extracts the signer (subject of the certificate named by the
 * SignerInfo's issuer and serial), issuer, serial, signing time (authenticated `signingTime`, else
 * a PKCS#9 counter-signature's), the digest algorithm and the signed image digest; computes the
 * Authenticode image digest and compares. Flags bytes inside WIN_CERTIFICATE after the end of the
 * DER structure (CVE-2013-3900 padding). Does not verify the certificate chain or the signature.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { children, integerHex, nameText, oidText, readDer, TAG, timeValue, type Der } from './der.js';

/** OIDs used. */
const OID = {
  signedData: '1.2.840.113549.1.7.2',
  spcIndirectData: '1.3.6.1.4.1.311.2.1.4',
  signingTime: '1.2.840.113549.1.9.5',
  counterSignature: '1.2.840.113549.1.9.6',
  rfc3161: '1.3.6.1.4.1.311.3.3.1',
} as const;

const DIGESTS: Record<string, string> = {
  '1.2.840.113549.2.5': 'md5',
  '1.3.14.3.2.26': 'sha1',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/** One WIN_CERTIFICATE entry. */
export interface WinCertificate {
  /** File offset of the entry. */
  offset: number;
  /** dwLength: header (8 bytes) plus certificate bytes. */
  length: number;
  revision: number;
  /** 2 = PKCS#7 SignedData. */
  type: number;
  /** Bytes inside dwLength after the end of the PKCS#7 DER structure. */
  appendedBytes: number;
  /** Whether any of those bytes is non-zero (alignment padding is zeros). */
  appendedNonZero: boolean;
  signature?: AuthenticodeSignature;
  /** Why the PKCS#7 could not be read, when it could not. */
  error?: string;
}

/** What the PKCS#7 SignedData says. */
export interface AuthenticodeSignature {
  /** Digest algorithm of the signed image digest (`sha256`, `sha1` …; the OID when unknown). */
  digestAlgorithm: string;
  /** Image digest stored in SpcIndirectDataContent, hex. */
  signedDigest: string;
  /** Signer certificate subject, when the certificate is embedded. */
  signer?: string;
  /** Issuer of the signer certificate (from SignerInfo). */
  issuer?: string;
  /** Serial number of the signer certificate, hex. */
  serial?: string;
  /** Signing time (authenticated attribute or counter-signature). */
  signingTime?: string;
  /** An RFC 3161 timestamp token is present (its time is not decoded). */
  rfc3161Timestamp?: boolean;
  /** Number of embedded certificates. */
  certificates: number;
}

function child(buf: Buffer, n: Der | undefined, i: number): Der | undefined {
  return n ? children(buf, n)?.[i] : undefined;
}

/** Reads SignedData from a PKCS#7 ContentInfo DER at `[start, end)`. */
export function parsePkcs7(
  buf: Buffer,
  start: number,
  end: number,
): { der: Der; signature: AuthenticodeSignature } | string {
  const ci = readDer(buf, start, end);
  if (!ci || ci.tag !== TAG.SEQUENCE) return 'PKCS#7 ContentInfo is not a DER SEQUENCE';
  const ciKids = children(buf, ci);
  if (!ciKids || ciKids.length < 2 || oidText(buf, ciKids[0]!) !== OID.signedData)
    return 'not a PKCS#7 SignedData';
  const sd = child(buf, ciKids[1], 0);
  const sdKids = sd && sd.tag === TAG.SEQUENCE ? children(buf, sd) : null;
  if (!sdKids || sdKids.length < 4) return 'malformed SignedData';
  const content = sdKids[2]!;
  const contentKids = children(buf, content);
  if (!contentKids || contentKids.length < 2 || oidText(buf, contentKids[0]!) !== OID.spcIndirectData)
    return 'SignedData content is not SpcIndirectDataContent';
  const spc = child(buf, contentKids[1], 0);
  const digestInfo = child(buf, spc, 1);
  const algId = child(buf, digestInfo, 0);
  const algOid = algId ? oidText(buf, child(buf, algId, 0) ?? algId) : null;
  const digest = child(buf, digestInfo, 1);
  if (!algOid || !digest || digest.tag !== TAG.OCTET_STRING)
    return 'SpcIndirectDataContent has no message digest';
  const signature: AuthenticodeSignature = {
    digestAlgorithm: DIGESTS[algOid] ?? algOid,
    signedDigest: buf.subarray(digest.start, digest.end).toString('hex'),
    certificates: 0,
  };
  let idx = 3;
  const certs: Der[] = [];
  if (sdKids[idx]?.tag === 0xa0) {
    certs.push(...(children(buf, sdKids[idx]!, 1000) ?? []));
    idx++;
  }
  if (sdKids[idx]?.tag === 0xa1) idx++;
  signature.certificates = certs.length;
  const signerInfo = child(buf, sdKids[idx], 0);
  const si = signerInfo ? children(buf, signerInfo) : null;
  if (si && si.length >= 5) {
    const ias = children(buf, si[1]!);
    if (ias && ias.length === 2) {
      const issuer = nameText(buf, ias[0]!);
      if (issuer !== null) signature.issuer = issuer;
      signature.serial = integerHex(buf, ias[1]!);
      for (const c of certs) {
        try {
          const x = new X509Certificate(buf.subarray(c.offset, c.end));
          if (x.serialNumber.toLowerCase().replace(/^0+/, '') === signature.serial.replace(/^0+/, '')) {
            signature.signer = x.subject.replace(/\n/g, ', ');
            break;
          }
        } catch {
          // an unreadable embedded certificate: signer stays unknown
        }
      }
    }
    for (const n of si) {
      if (n.tag !== 0xa0 && n.tag !== 0xa1) continue;
      for (const attr of children(buf, n, 200) ?? []) {
        const ak = children(buf, attr);
        const oid = ak?.[0] ? oidText(buf, ak[0]) : null;
        if (!ak || !oid) continue;
        if (oid === OID.signingTime && n.tag === 0xa0) {
          const t = child(buf, ak[1], 0);
          const v = t ? timeValue(buf, t) : null;
          if (v) signature.signingTime = v;
        } else if (oid === OID.counterSignature && n.tag === 0xa1 && !signature.signingTime) {
          const cs = child(buf, ak[1], 0);
          for (const csn of (cs ? children(buf, cs) : null) ?? []) {
            if (csn.tag !== 0xa0) continue;
            for (const ca of children(buf, csn, 200) ?? []) {
              const cak = children(buf, ca);
              if (cak?.[0] && oidText(buf, cak[0]) === OID.signingTime) {
                const t = child(buf, cak[1], 0);
                const v = t ? timeValue(buf, t) : null;
                if (v) signature.signingTime = v;
              }
            }
          }
        } else if (oid === OID.rfc3161 && n.tag === 0xa1) {
          signature.rfc3161Timestamp = true;
        }
      }
    }
  }
  return { der: ci, signature };
}

/** Reads the WIN_CERTIFICATE entries of a certificate table at `[offset, offset+size)`. */
export function parseCertificateTable(
  buf: Buffer,
  offset: number,
  size: number,
): { entries: WinCertificate[]; error?: string } {
  const entries: WinCertificate[] = [];
  const end = offset + size;
  let p = offset;
  while (p + 8 <= end && entries.length < 16) {
    const length = buf.readUInt32LE(p);
    const revision = buf.readUInt16LE(p + 4);
    const type = buf.readUInt16LE(p + 6);
    if (length < 8 || p + length > end)
      return { entries, error: `WIN_CERTIFICATE at ${p} has length ${length}, beyond the certificate table` };
    const e: WinCertificate = { offset: p, length, revision, type, appendedBytes: 0, appendedNonZero: false };
    if (type === 2) {
      const r = parsePkcs7(buf, p + 8, p + length);
      if (typeof r === 'string') e.error = r;
      else {
        e.signature = r.signature;
        e.appendedBytes = p + length - r.der.end;
        for (let i = r.der.end; i < p + length; i++) {
          if (buf[i] !== 0) {
            e.appendedNonZero = true;
            break;
          }
        }
      }
    }
    entries.push(e);
    p += (length + 7) & ~7;
  }
  return { entries };
}

/**
 * The Authenticode image digest: the file hashed without the checksum field, the certificate-table
 * directory entry and the certificate table itself (in file order).
 */
export function authenticodeDigest(
  buf: Buffer,
  algorithm: string,
  checksumOffset: number,
  certDirOffset: number,
  certOffset: number,
  certSize: number,
): string | null {
  let h;
  try {
    h = createHash(algorithm);
  } catch {
    return null;
  }
  const skips = [
    [checksumOffset, 4],
    [certDirOffset, 8],
    ...(certSize > 0 ? [[certOffset, certSize]] : []),
  ].sort((a, b) => a[0]! - b[0]!);
  let p = 0;
  for (const [o, n] of skips) {
    if (o! > p) h.update(buf.subarray(p, Math.min(o!, buf.length)));
    p = Math.max(p, o! + n!);
  }
  if (p < buf.length) h.update(buf.subarray(p));
  return h.digest('hex');
}
