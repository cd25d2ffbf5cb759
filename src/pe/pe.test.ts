import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildPe } from './__fixtures__/build-pe.js';
import { appendInsideCertificate, makeSigner, signPe, tool } from './__fixtures__/sign.js';
import { peAnomalies } from './anomalies.js';
import { parsePe } from './parse.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-pe-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const SIGNING_TIME = 1680000000; // 2023-03-28T10:40:00Z
let signer: { dir: string; serial: string };
let certSerial = '';

beforeAll(() => {
  signer = makeSigner();
  certSerial = signer.serial;
});
afterAll(() => rmSync(signer.dir, { recursive: true, force: true }));

function sign(image: Buffer, name: string): Buffer {
  return signPe(signer, image, name, SIGNING_TIME);
}

/** osslsigncode's own digest computation (the oracle). */
function osslDigests(file: Buffer, name: string): { current: string; calculated: string } {
  const p = path.join(tmp, `${name}.verify.exe`);
  writeFileSync(p, file);
  const out = tool('osslsigncode', ['verify', '-in', p]);
  const cur = /Current message digest\s*:\s*([0-9A-F]+)/.exec(out)?.[1] ?? '';
  const calc = /Calculated message digest\s*:\s*([0-9A-F]+)/.exec(out)?.[1] ?? '';
  return { current: cur.toLowerCase(), calculated: calc.toLowerCase() };
}

describe('PE reader', () => {
  it('reads sections, imports, exports and the version resource of a built image', () => {
    const { image } = buildPe({
      dll: true,
      imports: [
        { dll: 'KERNEL32.dll', functions: ['ExitProcess', 'GetTickCount'] },
        { dll: 'USER32.dll', functions: ['MessageBoxW'] },
      ],
      exports: { dllName: 'probe.dll', names: ['Alpha', 'Beta'] },
      version: {
        CompanyName: '3CX Ltd',
        ProductName: '3CX Desktop App',
        ProductVersion: '18.12.416',
        OriginalFilename: '3CXDesktopApp.exe',
      },
    });
    const { pe, issues } = parsePe(image, 'probe.dll');
    expect(issues).toEqual([]);
    expect(pe!.is64).toBe(true);
    expect(pe!.isDll).toBe(true);
    expect(pe!.sections.map((s) => s.name)).toEqual(['.text', '.idata', '.edata', '.rsrc']);
    expect(pe!.imports).toEqual([
      { dll: 'KERNEL32.dll', functions: ['ExitProcess', 'GetTickCount'] },
      { dll: 'USER32.dll', functions: ['MessageBoxW'] },
    ]);
    expect(pe!.exports).toEqual({ dllName: 'probe.dll', names: ['Alpha', 'Beta'] });
    expect(pe!.version).toEqual({
      CompanyName: '3CX Ltd',
      ProductName: '3CX Desktop App',
      ProductVersion: '18.12.416',
      OriginalFilename: '3CXDesktopApp.exe',
    });
    expect(pe!.overlay).toBeUndefined();
    expect(peAnomalies(pe!, image)).toEqual([]);
  });

  it('parses a PE with a COFF symbol table (MinGW style) and does not count the table as overlay', () => {
    const { image } = buildPe({ coffSymbols: 12, imports: [{ dll: 'msvcrt.dll', functions: ['printf'] }] });
    const { pe, issues } = parsePe(image, 'mingw.exe');
    expect(issues).toEqual([]);
    expect(pe!.coffSymbols).toMatchObject({ count: 12, end: image.length });
    expect(pe!.imports[0]!.functions).toEqual(['printf']);
    expect(pe!.overlay).toBeUndefined();
  });

  it('an overlay after the last section is a finding', () => {
    const overlay = Buffer.from('appended installer payload '.repeat(10));
    const { image } = buildPe({ overlay });
    const { pe } = parsePe(image, 'setup.exe');
    expect(pe!.overlay).toEqual({ offset: image.length - overlay.length, size: overlay.length });
    expect(peAnomalies(pe!, image).map((a) => a.id)).toEqual(['overlay']);
  });

  it('truncated and malformed PEs give issues, never throw', () => {
    const { image } = buildPe({
      imports: [{ dll: 'KERNEL32.dll', functions: ['ExitProcess'] }],
      version: { ProductName: 'x' },
    });
    for (const cut of [2, 0x3c, 0x41, 0x60, 0x100, 0x200, 0x300, image.length - 1]) {
      const r = parsePe(image.subarray(0, cut), 'cut.exe');
      if (cut < 0x200) expect(r.issues.length, `cut at ${cut}`).toBeGreaterThan(0);
    }
    expect(parsePe(image.subarray(0, 0x100), 'cut.exe').issues[0]!.code).toBe('truncated');
    const badLfanew = Buffer.from(image);
    badLfanew.writeUInt32LE(0x7fffffff, 0x3c);
    expect(parsePe(badLfanew, 'x.exe')).toMatchObject({ pe: null, issues: [{ code: 'truncated' }] });
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(image.length - 1), fc.integer({ min: 0, max: 255 })), { maxLength: 40 }),
        (edits) => {
          const b = Buffer.from(image);
          for (const [o, v] of edits) b[o] = v;
          const r = parsePe(b, 'fuzz.exe');
          if (r.pe) peAnomalies(r.pe, b);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('Authenticode (osslsigncode as the oracle)', () => {
  it("reads signer, issuer, serial, signing time and digest algorithm; the digest matches osslsigncode's", () => {
    const built = buildPe({ text: Buffer.from('harmless code') });
    const signed = sign(built.image, 'plain');
    const { pe, issues } = parsePe(signed, 'signed.exe');
    expect(issues).toEqual([]);
    const sig = pe!.authenticode!.entries[0]!.signature!;
    expect(sig.signer).toBe('CN=Chainhunt Test Signer, O=Chainhunt Tests');
    expect(sig.issuer).toBe('CN=Chainhunt Test Signer, O=Chainhunt Tests');
    expect(sig.serial).toBe(certSerial);
    expect(sig.signingTime).toBe(new Date(SIGNING_TIME * 1000).toISOString().replace('.000', ''));
    expect(sig.digestAlgorithm).toBe('sha256');
    const oracle = osslDigests(signed, 'plain');
    expect(sig.signedDigest).toBe(oracle.current);
    expect(pe!.authenticode!.computedDigest).toBe(oracle.calculated);
    expect(pe!.authenticode!.digestMatches).toBe(true);
    expect(peAnomalies(pe!, signed)).toEqual([]);
  });

  it('bytes appended inside WIN_CERTIFICATE: the digest still matches (CVE-2013-3900), and it is flagged', () => {
    const built = buildPe({ text: Buffer.from('harmless code') });
    const signed = sign(built.image, 'pad');
    const padded = appendInsideCertificate(signed, built.certDirOffset, Buffer.alloc(4096, 0x41));
    const oracle = osslDigests(padded, 'pad');
    expect(oracle.current).toBe(oracle.calculated); // why the trick works
    const { pe } = parsePe(padded, 'd3dcompiler_47.dll');
    expect(pe!.authenticode!.digestMatches).toBe(true);
    const a = peAnomalies(pe!, padded);
    expect(a.map((x) => x.id)).toEqual(['authenticode-appended-data']);
    expect(a[0]!.size).toBeGreaterThanOrEqual(4096);
    expect(a[0]!.details['nonZero']).toBe(true);
  });

  it('data after the certificate table and a modified image are flagged', () => {
    const built = buildPe({ text: Buffer.from('harmless code') });
    const signed = sign(built.image, 'after');
    const after = Buffer.concat([signed, Buffer.from('tail data after the signature')]);
    const pa = parsePe(after, 'a.exe').pe!;
    // Bytes after the certificate table are hashed (only the table itself is skipped), so the digest breaks too.
    expect(pa.authenticode!.digestMatches).toBe(false);
    writeFileSync(path.join(tmp, 'after.exe'), after);
    expect(tool('osslsigncode', ['verify', '-in', path.join(tmp, 'after.exe')])).toMatch(
      /not at the end of the file/,
    ); // independent: it rejects the layout
    expect(
      peAnomalies(pa, after)
        .map((x) => x.id)
        .sort(),
    ).toEqual(['authenticode-digest-mismatch', 'data-after-certificate-table']);
    const modified = Buffer.from(signed);
    modified[0x200 + 3] = 0x90; // inside .text
    const { pe } = parsePe(modified, 'm.exe');
    expect(pe!.authenticode!.digestMatches).toBe(false);
    expect(osslDigests(modified, 'mod').calculated).toBe(pe!.authenticode!.computedDigest);
    expect(peAnomalies(pe!, modified).map((x) => x.id)).toEqual(['authenticode-digest-mismatch']);
  });

  it('a truncated signature is an issue, not a crash', () => {
    const built = buildPe({});
    const signed = sign(built.image, 'trunc');
    const certOff = signed.readUInt32LE(built.certDirOffset);
    const cut = Buffer.from(signed);
    cut.fill(0xff, certOff + 8 + 2, certOff + 8 + 6); // corrupt the DER length
    const r = parsePe(cut, 't.exe');
    expect(r.issues.some((i) => /Authenticode|PKCS#7|SignedData|WIN_CERTIFICATE/.test(i.message))).toBe(true);
  });
});
