import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput } from '../../../test/fixtures.js';
import type { AppObserved } from '../app-common.js';
import { windowsRegCollector } from './index.js';
import { classifyUninstallPath } from './uninstall.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const EXPORT = 'host/registry/uninstall-export.reg';
const SID = 'S-1-5-21-1004336348-1177238915-682003330-1001';

function collect(p: string, content: Buffer) {
  return windowsRegCollector.collect(collectorInput(p, content));
}

describe('windows-reg collector', () => {
  it('reads HKLM, WOW6432Node and HKU uninstall entries from a UTF-16LE export', () => {
    const r = collect(EXPORT, readFileSync(fx('uninstall-export.reg')));
    expect(r.issues).toEqual([]);
    const apps = r.observations as AppObserved[];
    // Entries with a DisplayName: Office component (SystemComponent=1, kept), 3CX Phone System,
    // Firefox, VC++ 2010, Notepad++, 3CX Desktop App, Teams. AddressBook and Connection Manager lack one.
    expect(apps.map((a) => a.name).sort()).toEqual([
      '3CX Desktop App',
      '3CX Phone System',
      'Microsoft Teams',
      'Microsoft Visual C++ 2010  x64 Redistributable - 10.0.40219',
      'Mozilla Firefox (x64 en-US)',
      'Notepad++ (32-bit x86)',
      'Office 16 Click-to-Run Extensibility Component',
    ]);
    const desktop = apps.find((a) => a.name === '3CX Desktop App');
    expect(desktop).toMatchObject({
      kind: 'app',
      version: '18.12.416',
      publisher: '3CX Ltd',
      platform: 'windows',
      scope: 'user',
      user: SID,
      productId: '{C0A3E3F1-75E2-4F1B-9B9A-3CD1E0A2B416}',
      installLocation: 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\',
      source: { file: EXPORT },
    });
    expect(desktop?.source.line).toBeGreaterThan(1);
    const server = apps.find((a) => a.name === '3CX Phone System');
    expect(server).toMatchObject({
      version: '18.0.7.312',
      publisher: '3CX',
      scope: 'machine',
      installLocation: 'C:\\Program Files\\3CX Phone System\\',
    });
    expect(server?.user).toBeUndefined();
    expect(apps.find((a) => a.name.startsWith('Notepad++'))).toMatchObject({
      scope: 'machine',
      productId: 'Notepad++',
      version: '8.5.1',
    });
    // InstallLocation stored as REG_EXPAND_SZ (hex(2)) is decoded and kept unexpanded.
    expect(apps.find((a) => a.name === 'Microsoft Teams')?.installLocation).toBe(
      '%LOCALAPPDATA%\\Microsoft\\Teams',
    );
  });

  it('reads a REGEDIT4 (ANSI) HKCU export and reports its malformed key line', () => {
    const r = collect('h/regedit4-hkcu.reg', readFileSync(fx('regedit4-hkcu.reg')));
    const apps = r.observations as AppObserved[];
    expect(apps.map((a) => [a.name, a.publisher, a.scope, a.user])).toEqual([
      ['Zoom', 'Zoom Video Communications, Inc.', 'user', 'current'],
      ['Outil de relevés', 'Société Générale', 'user', 'current'],
    ]);
    expect(apps[0]?.installLocation).toBe('%APPDATA%\\Zoom\\bin');
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['parse-error', 10]]); // line 10: `[HKEY_CURRENT_USER\…\Kalender` lacks its ']'
  });

  it('reports a non-string DisplayName instead of guessing', () => {
    const text = `Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Odd]\r\n"DisplayName"=dword:00000001\r\n`;
    const r = collect('x.reg', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['invalid-value', 4]]);
  });

  it('every corrupted fixture yields issues with file and position, and no observations are invented', () => {
    for (const name of ['truncated.reg', 'empty.reg', 'wrong-encoding.reg', 'garbage.reg']) {
      const p = `c/${name}`;
      const r = collect(p, readFileSync(fx('corrupted', name)));
      expect(r.issues.length, name).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.file).toBe(p);
        if (name !== 'empty.reg') expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
    // The truncated export is cut inside the 3CX Phone System entry: entries before it survive.
    const t = collect('t.reg', readFileSync(fx('corrupted', 'truncated.reg')));
    expect((t.observations as AppObserved[]).map((a) => a.name)).toContain(
      'Office 16 Click-to-Run Extensibility Component',
    );
  });

  it('sniffs both header forms', () => {
    expect(windowsRegCollector.sniff(readFileSync(fx('uninstall-export.reg')).subarray(0, 100))).toBe(true);
    expect(windowsRegCollector.sniff(Buffer.from('REGEDIT4\r\n'))).toBe(true);
    expect(windowsRegCollector.sniff(Buffer.from('{"a":1}'))).toBe(false);
  });
});

describe('classifyUninstallPath', () => {
  it('recognises the uninstall roots in regedit and PowerShell forms', () => {
    expect(
      classifyUninstallPath(
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\WOW6432Node\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X',
      ),
    ).toEqual({
      hive: 'HKLM',
      wow64: true,
      keyName: 'X',
    });
    expect(
      classifyUninstallPath(
        'Microsoft.PowerShell.Core\\Registry::HKEY_USERS\\S-1-5-21-1\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\{G}',
      ),
    ).toEqual({
      hive: 'HKU',
      wow64: false,
      user: 'S-1-5-21-1',
      keyName: '{G}',
    });
    expect(
      classifyUninstallPath('HKCU:\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\Y'),
    ).toMatchObject({ hive: 'HKCU', user: 'current' });
    // The Uninstall key itself and deeper subkeys are not entries.
    expect(
      classifyUninstallPath('HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall'),
    ).toBeNull();
    expect(
      classifyUninstallPath(
        'HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\X\\Sub',
      ),
    ).toBeNull();
    expect(classifyUninstallPath('HKEY_CLASSES_ROOT\\Installer\\Products\\X')).toBeNull();
  });
});

runCollectorContract(windowsRegCollector, {
  validSample: { path: EXPORT, content: readFileSync(fx('uninstall-export.reg')) },
  matchingPaths: ['C:/evidence/HKLM-Uninstall.REG'],
  nonMatchingPaths: ['host/registry.txt', 'host/uninstall.json', 'host/SOFTWARE'],
  corrupted: ['truncated.reg', 'empty.reg', 'wrong-encoding.reg', 'garbage.reg'].map((n) => ({
    path: `c/${n}`,
    content: readFileSync(fx('corrupted', n)),
  })),
});
