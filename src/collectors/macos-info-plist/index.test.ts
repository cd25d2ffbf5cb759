import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import { appPathOnHost, collectInfoPlist, macosInfoPlistCollector as c } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const BIN = fx('3CX Desktop App.app', 'Contents', 'Info.plist');
const XML = fx('xml', '3CX Desktop App.app', 'Contents', 'Info.plist');
const EV = '/evidence/Applications/3CX Desktop App.app/Contents/Info.plist';
const corrupted = [
  'truncated-binary',
  'truncated-xml',
  'wrong-encoding',
  'empty',
  'garbage',
  'garbage-after-header',
].map((k) => `${k}.app/Contents/Info.plist`);

describe('macos-info-plist collector', () => {
  it('reads a binary Info.plist written by Python plistlib', () => {
    const r = c.collect(collectorInput(EV, readFileSync(BIN)));
    expect(r.issues).toEqual([]);
    expect(r.observations).toEqual([
      {
        kind: 'app',
        name: '3CX Desktop App',
        version: '18.11.1213',
        build: '18.11.1213',
        bundleId: 'com.electron.3cx-desktop-app',
        platform: 'macos',
        scope: 'machine',
        installLocation: '/Applications/3CX Desktop App.app',
        source: { file: EV },
      },
    ]);
  });

  it('reads an XML Info.plist; per-user scope under /Users/<name>/Applications', () => {
    const p = '/evidence/Users/erin/Applications/3CX Desktop App.app/Contents/Info.plist';
    const r = c.collect(collectorInput(p, readFileSync(XML)));
    expect(r.issues).toEqual([]);
    expect(r.observations[0]).toMatchObject({
      name: '3CX Desktop App',
      version: '18.12.402',
      scope: 'user',
      user: 'erin',
      installLocation: '/Users/erin/Applications/3CX Desktop App.app',
    });
  });

  it('decodes the non-ASCII (UTF-16) and typed probe values of the binary fixture', async () => {
    const { parsePlist } = await import('./parse.js');
    const { IssueSink } = await import('../app-common.js');
    const s = new IssueSink('x', 'y');
    const root = parsePlist(readFileSync(BIN), s, () => null).root as Map<string, unknown>;
    expect(s.done()).toEqual([]);
    // Values as the generator handed them to plistlib (scripts/gen-app-collector-fixtures.mjs).
    expect(root.get('NSHumanReadableCopyright')).toBe('Copyright © 2023 3CX');
    expect(root.get('ChainhuntProbeInt')).toBe(300);
    expect(root.get('ChainhuntProbeBig')).toBe(5000000000);
    expect(root.get('ChainhuntProbeNeg')).toBe(-2);
    expect(root.get('ChainhuntProbeReal')).toBe(1.5);
    expect(root.get('ChainhuntProbeDate')).toEqual(new Date('2023-03-22T10:00:00Z'));
    expect(root.get('ChainhuntProbeData')).toEqual(new Uint8Array([0, 1, 2, 255]));
    expect(root.get('ChainhuntProbeList')).toEqual(['a', 'é', 7]);
    expect(
      (root.get('ElectronAsarIntegrity') as Map<string, Map<string, string>>)
        .get('Resources/app.asar')
        ?.get('algorithm'),
    ).toBe('SHA256');
  });

  it('falls back to CFBundleName and then to the folder name', () => {
    const plist = (body: string): string =>
      `<?xml version="1.0"?><plist version="1.0"><dict>${body}</dict></plist>`;
    const p = '/e/Apps/Foo.app/Contents/Info.plist';
    const host = { root: '/e' };
    expect(
      collectInfoPlist(Buffer.from(plist('<key>CFBundleName</key><string>Bar</string>')), p, host)
        .observations[0],
    ).toMatchObject({ name: 'Bar' });
    expect(collectInfoPlist(Buffer.from(plist('')), p, host).observations[0]).toMatchObject({
      name: 'Foo',
      installLocation: '/Apps/Foo.app',
    });
    const notDict = collectInfoPlist(Buffer.from('<plist><array/></plist>'), p, host);
    expect(notDict.observations).toEqual([]);
    expect(notDict.issues.map((i) => i.code)).toEqual(['invalid-value']);
  });

  it('claims only top-level .app bundles', () => {
    expect(c.matches(fileRef('/e/Applications/Slack.app/Contents/Info.plist'))).toBe(true);
    expect(c.matches(fileRef('C:\\mac\\Applications\\Slack.app\\Contents\\Info.plist'))).toBe(true);
    expect(
      c.matches(
        fileRef('/e/Applications/Slack.app/Contents/Frameworks/Slack Helper.app/Contents/Info.plist'),
      ),
    ).toBe(false);
    expect(
      c.matches(
        fileRef(
          '/e/Applications/Slack.app/Contents/Frameworks/Electron Framework.framework/Resources/Info.plist',
        ),
      ),
    ).toBe(false);
    expect(c.matches(fileRef('/e/Library/Preferences/com.apple.dock.plist'))).toBe(false);
  });

  it('maps archive members and bundle roots to host paths', () => {
    expect(appPathOnHost('b.zip!/Applications/X.app/Contents/Info.plist', { root: 'b.zip' })).toBe(
      '/Applications/X.app',
    );
    expect(
      appPathOnHost('fleet/mac/Users/a/Applications/X.app/Contents/Info.plist', { root: 'fleet/mac' }),
    ).toBe('/Users/a/Applications/X.app');
  });

  it('every corrupted fixture yields issues with file and position', () => {
    for (const name of corrupted) {
      const p = `c/${name}`;
      const r = collectInfoPlist(readFileSync(fx('corrupted', name)), p, { root: 'c' });
      expect(r.issues.length, name).toBeGreaterThan(0);
      expect(r.observations, name).toEqual([]);
      for (const i of r.issues) {
        expect(i.file).toBe(p);
        if (!name.startsWith('empty.app')) expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
  });
});

runCollectorContract(c, {
  validSample: { path: EV, content: readFileSync(BIN) },
  matchingPaths: ['/e/Users/bob/Applications/Zoom.us.app/Contents/Info.plist'],
  nonMatchingPaths: ['/e/Info.plist', '/e/X.app/Contents/Frameworks/Y.app/Contents/Info.plist'],
  wrongEncoding: readFileSync(fx('corrupted', 'wrong-encoding.app', 'Contents', 'Info.plist')),
  corrupted: corrupted.map((n) => ({ path: `c/${n}`, content: readFileSync(fx('corrupted', n)) })),
});

runCollectorContract(c, {
  validSample: { path: EV, content: readFileSync(XML) },
});
