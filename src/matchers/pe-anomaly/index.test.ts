import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildPe } from '../../pe/__fixtures__/build-pe.js';
import { appendInsideCertificate, makeSigner, signPe } from '../../pe/__fixtures__/sign.js';
import { runScan } from '../../scan/runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-pe-scan-'));
const signer = makeSigner('/CN=3CX Ltd Test/O=Chainhunt Tests');
afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
  rmSync(signer.dir, { recursive: true, force: true });
});

describe('PE evidence through the runner', () => {
  it('flags the padding trick and an overlay, reports a truncated PE, and matches a PE version resource against the 3CX advisory', async () => {
    const ev = path.join(tmp, 'host1', 'Program Files', '3CXDesktopApp');
    mkdirSync(ev, { recursive: true });
    const d3d = buildPe({ dll: true, text: Buffer.from('harmless') });
    const signed = signPe(signer, d3d.image, 'd3d');
    writeFileSync(
      path.join(ev, 'd3dcompiler_47.dll'),
      appendInsideCertificate(signed, d3d.certDirOffset, Buffer.from('FEEDFACE'.repeat(200))),
    );
    writeFileSync(path.join(ev, 'setup.exe'), buildPe({ overlay: Buffer.from('payload'.repeat(50)) }).image);
    writeFileSync(path.join(ev, 'cut.dll'), buildPe({}).image.subarray(0, 0x90));
    writeFileSync(
      path.join(ev, '3CXDesktopApp.exe'),
      buildPe({
        version: {
          CompanyName: '3CX Ltd',
          ProductName: '3CX Desktop App',
          ProductVersion: '18.12.416',
          FileVersion: '18.12.416.0',
          OriginalFilename: '3CXDesktopApp.exe',
        },
      }).image,
    );
    const out = await runScan({ paths: [path.join(tmp, 'host1')] });
    const pe = out.findings.filter((f) => f.kind === 'pe-anomaly');
    const byFile = (name: string) =>
      pe.filter((f) => f.subject.type === 'file' && f.subject.path.endsWith(name)).map((f) => f.rule?.title);
    expect(byFile('d3dcompiler_47.dll')).toEqual(['authenticode-appended-data']);
    expect(byFile('setup.exe')).toEqual(['overlay']);
    expect(pe.find((f) => f.rule?.title === 'authenticode-appended-data')!.title).toMatch(
      /Authenticode.*CVE-2013-3900/,
    );
    expect(pe.find((f) => f.rule?.title === 'authenticode-appended-data')!.subject).toMatchObject({
      path: path.join(ev, 'd3dcompiler_47.dll'),
    });
    expect(
      out.issues.some(
        (i) =>
          i.file === path.join(ev, 'cut.dll') &&
          i.pluginId === 'matchers/pe-anomaly' &&
          i.code === 'truncated',
      ),
    ).toBe(true);
    const app = out.findings.filter((f) => f.kind === 'app');
    expect(app.length).toBeGreaterThan(0);
    expect(app[0]!.subject).toMatchObject({
      type: 'app',
      name: '3CX Desktop App',
      version: '18.12.416',
      platform: 'windows',
    });
    expect(app[0]!.advisory?.id).toBe('CVE-2023-29059');
  });
});
