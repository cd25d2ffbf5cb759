import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import type { AppObserved } from '../app-common.js';
import { windowsUninstallJsonCollector as c } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const PS5 = 'host/uninstall-ps5.json';
const corrupted = [
  'uninstall-truncated.json',
  'uninstall-empty.json',
  'uninstall-wrong-encoding.json',
  'uninstall-garbage.json',
];

const collect = (p: string, content: Buffer | string) => c.collect(collectorInput(p, content));

describe('windows-uninstall-json collector', () => {
  it('reads a Windows PowerShell 5.1 export (UTF-16LE, BOM) with HKLM, WOW6432Node, HKU and HKCU entries', () => {
    const r = collect(PS5, readFileSync(fx('uninstall-ps5.json')));
    expect(r.issues).toEqual([]);
    const apps = r.observations as AppObserved[];
    // AddressBook has no DisplayName and is skipped; SystemComponent=1 (VC++ runtime) is kept.
    expect(apps.map((a) => [a.name, a.version, a.scope, a.user ?? null])).toEqual([
      ['3CX Phone System', '18.0.7.312', 'machine', null],
      ['Microsoft Visual C++ 2022 X86 Additional Runtime - 14.34.31931', '14.34.31931', 'machine', null],
      ['Microsoft Teams', '1.6.00.4472', 'user', 'S-1-5-21-3623811015-3361044348-30300820-1013'],
      ['3CX Desktop App', '18.12.407', 'user', 'current'],
    ]);
    expect(apps[0]).toMatchObject({
      publisher: '3CX',
      productId: '{A6B2E5C1-4F1D-4E63-9C55-2B9A1E3CF0D7}',
      platform: 'windows',
      source: { file: PS5, line: 2 },
    });
    // The empty InstallLocation of the VC++ runtime is left out rather than kept as "".
    expect(apps[1]?.installLocation).toBeUndefined();
    expect(apps[3]?.installLocation).toBe('C:\\Users\\bob\\AppData\\Local\\Programs\\3CXDesktopApp\\');
  });

  it('reads a PowerShell 7 single-object export (UTF-8, no BOM)', () => {
    const r = collect('h/one.json', readFileSync(fx('uninstall-ps7-single.json')));
    expect(r.issues).toEqual([]);
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({
      name: '3CX Desktop App',
      version: '18.12.407',
      scope: 'user',
      user: 'current',
      source: { line: 1 },
    });
  });

  it('accepts the PS 5 {value, Count} wrapper and entries without PSPath (scope unknown)', () => {
    const text = JSON.stringify({
      value: [{ DisplayName: 'Tool', DisplayVersion: '1.0', PSChildName: 'ToolKey' }],
      Count: 1,
    });
    const r = collect('w.json', text);
    expect(r.issues).toEqual([]);
    expect(r.observations).toEqual([
      {
        kind: 'app',
        name: 'Tool',
        version: '1.0',
        platform: 'windows',
        scope: 'unknown',
        productId: 'ToolKey',
        source: { file: 'w.json' },
      },
    ]);
  });

  it('skips entries of other registry keys and reports wrongly typed fields with their line', () => {
    const text = JSON.stringify(
      [
        {
          DisplayName: 'Other',
          PSPath: 'Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Vendor\\Other',
        },
        {
          DisplayName: 42,
          PSPath:
            'Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X',
        },
        'not an object',
      ],
      null,
      2,
    );
    const r = collect('t.json', text);
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['invalid-value', 6],
      ['invalid-value', 10],
    ]);
  });

  it('reports JSON that is not an uninstall export', () => {
    expect(collect('n.json', '[{"a":1}]').issues.map((i) => i.code)).toEqual(['parse-error']);
    expect(collect('n.json', '42').issues.map((i) => i.code)).toEqual(['parse-error']);
  });

  it('every corrupted fixture yields issues with file and position', () => {
    for (const name of corrupted) {
      const r = collect(`c/${name}`, readFileSync(fx('corrupted', name)));
      expect(r.issues.length, name).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.file).toBe(`c/${name}`);
        if (name !== 'uninstall-empty.json') expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
    const t = collect('t.json', readFileSync(fx('corrupted', 'uninstall-truncated.json')));
    expect(t.issues[0]?.code).toBe('truncated');
  });

  it('sniffs PowerShell exports but not osquery or unrelated JSON', () => {
    expect(c.sniff(readFileSync(fx('uninstall-ps5.json')).subarray(0, 4096))).toBe(true);
    expect(c.sniff(Buffer.from('[{"name":"x","identifying_number":"{G}","version":"1"}]'))).toBe(false);
    expect(c.sniff(Buffer.from('{"name":"pkg","version":"1.0.0","dependencies":{}}'))).toBe(false);
  });
});

runCollectorContract(c, {
  validSample: { path: PS5, content: readFileSync(fx('uninstall-ps5.json')) },
  matchingPaths: ['h/HKLM-Uninstall.json', 'h/installed-programs.json', 'h/Installed_Programs_2023.JSON'],
  nonMatchingPaths: ['h/package.json', 'h/programs.json', 'h/uninstall.reg', 'h/apps.json'],
  corrupted: corrupted.map((n) => ({ path: `c/${n}`, content: readFileSync(fx('corrupted', n)) })),
});

describe('sniff-only recognition', () => {
  it('recognises an export under an arbitrary name by content', () => {
    const content = readFileSync(fx('uninstall-ps5.json'));
    expect(c.matches(fileRef('h/export-2023-03-30.json'))).toBe(false);
    expect(c.sniff(content.subarray(0, 4096))).toBe(true);
  });
});
