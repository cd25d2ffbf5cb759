/**
 * Test helper: signs a built PE with Debian's osslsigncode and a throw-away self-signed certificate
 * made by openssl (fixed argument arrays, no shell). Fails clearly when a tool is missing.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Runs a tool; stdout even when it exits non-zero (verify does on self-signed chains). */
export function tool(cmd: string, args: string[]): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { code?: string; stdout?: string; status?: number };
    if (e.code === 'ENOENT') throw new Error(`\`${cmd}\` is required for the Authenticode tests (apt-get install -y ${cmd}; listed in scripts/apt-packages.txt)`);
    if (typeof e.stdout === 'string' && e.status !== undefined) return e.stdout;
    throw err;
  }
}

/** A signer: a temp folder with key.pem and cert.pem. */
export function makeSigner(subject = '/CN=Chainhunt Test Signer/O=Chainhunt Tests'): { dir: string; serial: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'chainhunt-sign-'));
  tool('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', path.join(dir, 'key.pem'), '-out', path.join(dir, 'cert.pem'), '-days', '2', '-subj', subject]);
  const serial = tool('openssl', ['x509', '-in', path.join(dir, 'cert.pem'), '-noout', '-serial']).trim().replace(/^serial=/, '').toLowerCase();
  return { dir, serial };
}

/** Signs `image` (SHA-256, fixed signing time) and returns the signed bytes. */
export function signPe(signer: { dir: string }, image: Buffer, name: string, time = 1680000000): Buffer {
  const inp = path.join(signer.dir, `${name}.in.exe`);
  const out = path.join(signer.dir, `${name}.signed.exe`);
  writeFileSync(inp, image);
  tool('osslsigncode', ['sign', '-certs', path.join(signer.dir, 'cert.pem'), '-key', path.join(signer.dir, 'key.pem'), '-h', 'sha256', '-time', String(time), '-in', inp, '-out', out]);
  return readFileSync(out);
}

/** Appends `extra` inside the (single) WIN_CERTIFICATE: dwLength and the directory size grow. */
export function appendInsideCertificate(signed: Buffer, certDirOffset: number, extra: Buffer): Buffer {
  const certOff = signed.readUInt32LE(certDirOffset);
  const certSize = signed.readUInt32LE(certDirOffset + 4);
  const out = Buffer.concat([signed.subarray(0, certOff + certSize), extra, signed.subarray(certOff + certSize)]);
  out.writeUInt32LE(certSize + extra.length, certDirOffset + 4);
  out.writeUInt32LE(out.readUInt32LE(certOff) + extra.length, certOff);
  return out;
}
