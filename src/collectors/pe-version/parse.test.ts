import { describe, expect, it } from 'vitest';
import { collectorInput } from '../../../test/fixtures.js';
import { buildPe } from '../../pe/__fixtures__/build-pe.js';
import { peVersionCollector } from './index.js';
import { normaliseVersion, parsePeVersion } from './parse.js';

describe('collectors/pe-version', () => {
  it('claims .exe/.dll/.sys by name and PEs by sniff', () => {
    const img = buildPe({}).image;
    expect(peVersionCollector.matches(collectorInput('/x/A.DLL', '').file)).toBe(true);
    expect(peVersionCollector.matches(collectorInput('/x/a.txt', '').file)).toBe(false);
    expect(peVersionCollector.sniff(img.subarray(0, 4096))).toBe(true);
    expect(peVersionCollector.sniff(Buffer.from('MZ not a pe'))).toBe(false);
  });

  it('turns the version resource into an app observation', () => {
    const img = buildPe({
      version: {
        CompanyName: '3CX Ltd',
        ProductName: '3CX Desktop App',
        FileVersion: '18, 12, 416, 0',
        OriginalFilename: '3CXDesktopApp.exe',
      },
    }).image;
    const r = parsePeVersion(img, 'C:/Users/u/AppData/Local/Programs/3CXDesktopApp/3CXDesktopApp.exe');
    expect(r.observations).toEqual([
      {
        kind: 'app',
        name: '3CX Desktop App',
        version: '18.12.416.0',
        publisher: '3CX Ltd',
        platform: 'windows',
        scope: 'unknown',
        installLocation: 'C:/Users/u/AppData/Local/Programs/3CXDesktopApp',
        source: { file: 'C:/Users/u/AppData/Local/Programs/3CXDesktopApp/3CXDesktopApp.exe' },
      },
    ]);
  });

  it('falls back to OriginalFilename; no version resource or no PE gives nothing', () => {
    const img = buildPe({ version: { OriginalFilename: 'Tool.exe' } }).image;
    expect(parsePeVersion(img, 'a/Tool.exe').observations[0]).toMatchObject({ name: 'Tool' });
    expect(parsePeVersion(buildPe({}).image, 'a/b.exe')).toEqual({ observations: [], issues: [] });
    expect(parsePeVersion(Buffer.from('garbage'), 'a/b.exe')).toEqual({ observations: [], issues: [] });
    expect(normaliseVersion(' 1, 2 ,3 ')).toBe('1.2.3');
  });
});
