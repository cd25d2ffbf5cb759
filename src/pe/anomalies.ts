/**
 * Judgements over a parsed PE: the anomalies a responder wants flagged. Pure.
 * - `authenticode-appended-data`: bytes inside a WIN_CERTIFICATE after the PKCS#7 structure (more
 *   than 7, or any non-zero): the CVE-2013-3900 padding trick (3CX `d3dcompiler_47.dll`). The
 *   signature still verifies because the certificate table is not hashed.
 * - `data-after-certificate-table`: bytes after the certificate table of a signed file (not hashed
 *   either).
 * - `authenticode-digest-mismatch`: the image digest differs from the signed one (modified file).
 * - `overlay`: data after the last section of an unsigned file, or before the certificate table of a
 *   signed one (installers carry overlays, so this is informational). Up to 7 zero bytes of
 *   alignment padding are not an overlay.
 */
import type { Severity } from '../core/severity.js';
import type { PeInfo } from './parse.js';

/** One anomaly. */
export interface PeAnomaly {
  id:
    | 'authenticode-appended-data'
    | 'data-after-certificate-table'
    | 'authenticode-digest-mismatch'
    | 'overlay';
  title: string;
  severity: Severity;
  offset: number;
  size?: number;
  details: Record<string, unknown>;
}

function isPadding(buf: Buffer, offset: number, size: number): boolean {
  if (size > 7) return false;
  for (let i = offset; i < offset + size; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Anomalies of a parsed PE (`buf` is the file the PE was parsed from). */
export function peAnomalies(pe: PeInfo, buf: Buffer): PeAnomaly[] {
  const out: PeAnomaly[] = [];
  const auth = pe.authenticode;
  for (const e of auth?.entries ?? []) {
    if (e.signature && (e.appendedBytes > 7 || e.appendedNonZero)) {
      out.push({
        id: 'authenticode-appended-data',
        title: `Data appended inside the Authenticode signature block (${e.appendedBytes} bytes after the PKCS#7 structure; CVE-2013-3900 padding)`,
        severity: 'high',
        offset: e.offset + e.length - e.appendedBytes,
        size: e.appendedBytes,
        details: {
          winCertificateOffset: e.offset,
          winCertificateLength: e.length,
          appendedBytes: e.appendedBytes,
          nonZero: e.appendedNonZero,
          signer: e.signature.signer,
        },
      });
    }
  }
  if (auth?.digestMatches === false) {
    const sig = auth.entries.find((e) => e.signature)?.signature;
    out.push({
      id: 'authenticode-digest-mismatch',
      title: 'Authenticode digest does not match the signed digest (file modified after signing)',
      severity: 'high',
      offset: auth.offset,
      details: {
        algorithm: sig?.digestAlgorithm,
        signed: sig?.signedDigest,
        computed: auth.computedDigest,
        signer: sig?.signer,
      },
    });
  }
  if (pe.afterCertificate && !isPadding(buf, pe.afterCertificate.offset, pe.afterCertificate.size)) {
    out.push({
      id: 'data-after-certificate-table',
      title: `Data after the certificate table of a signed PE (${pe.afterCertificate.size} bytes, not covered by the signature)`,
      severity: 'high',
      offset: pe.afterCertificate.offset,
      size: pe.afterCertificate.size,
      details: { ...pe.afterCertificate },
    });
  }
  if (pe.overlay && !isPadding(buf, pe.overlay.offset, pe.overlay.size)) {
    out.push({
      id: 'overlay',
      title: `PE overlay: ${pe.overlay.size} bytes after the last section${auth ? ' (before the certificate table)' : ''}`,
      severity: 'info',
      offset: pe.overlay.offset,
      size: pe.overlay.size,
      details: { ...pe.overlay, signed: auth !== undefined },
    });
  }
  return out;
}
