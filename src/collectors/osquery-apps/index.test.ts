import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import type { AppObserved } from '../app-common.js';
import { osqueryAppsCollector as c } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const A = 'host/osquery-apps.json';
const corrupted = [
  'osquery-apps-truncated.json',
  'osquery-apps-empty.json',
  'osquery-apps-wrong-encoding.json',
  'osquery-apps-garbage.json',
];
const collect = (p: string, content: Buffer | string) => c.collect(collectorInput(p, content));

describe('osquery-apps collector', () => {
  it('maps apps rows: display name, short version, build, bundle id, path and scope', () => {
    const r = collect(A, readFileSync(fx('apps.json')));
    expect(r.issues).toEqual([]);
    const apps = r.observations as AppObserved[];
    expect(apps.map((a) => [a.name, a.version, a.build, a.bundleId, a.scope, a.user ?? null])).toEqual([
      ['3CX Desktop App', '18.12.402', '18.12.402', 'com.electron.3cx-desktop-app', 'machine', null],
      ['Safari', '16.3', '18614.4.6.1.6', 'com.apple.Safari', 'machine', null],
      ['Slack', '4.31.155', '431155', 'com.tinyspeck.slackmacgap', 'machine', null],
      ['Code', '1.76.2', '1.76.2', 'com.microsoft.VSCode', 'user', 'dana'],
    ]);
    expect(apps[0]).toMatchObject({
      platform: 'macos',
      installLocation: '/Applications/3CX Desktop App.app',
      source: { file: A, line: 2 },
    });
  });

  it('takes the apps rows of a mixed results log and ignores the programs rows', () => {
    const r = collect('h/osqueryd.results.log', readFileSync(fx('osqueryd.results.log')));
    expect(r.issues).toEqual([]);
    // VS Code was added then removed; the log ends with Safari, Slack and 3CX installed.
    expect((r.observations as AppObserved[]).map((a) => a.name)).toEqual([
      'Safari',
      'Slack',
      '3CX Desktop App',
    ]);
  });

  it('falls back to the bundle folder name when display and bundle names are empty', () => {
    const r = collect(
      'a.json',
      '[{"name":"Foo Bar.app","path":"/Users/Shared/Foo Bar.app","bundle_identifier":"x.y","bundle_name":"","display_name":""}]',
    );
    expect(r.observations).toEqual([
      {
        kind: 'app',
        name: 'Foo Bar',
        bundleId: 'x.y',
        installLocation: '/Users/Shared/Foo Bar.app',
        platform: 'macos',
        scope: 'machine',
        source: { file: 'a.json', line: 1 },
      },
    ]);
  });

  it('every corrupted fixture yields issues with file and position', () => {
    for (const name of corrupted) {
      const r = collect(`c/${name}`, readFileSync(fx('corrupted', name)));
      expect(r.issues.length, name).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.file).toBe(`c/${name}`);
        if (name !== 'osquery-apps-empty.json') expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
  });

  it('sniffs apps output under any name', () => {
    expect(c.matches(fileRef('h/apps.json'))).toBe(false);
    expect(c.sniff(readFileSync(fx('apps.json')).subarray(0, 4096))).toBe(true);
    expect(c.sniff(Buffer.from('[{"name":"x","identifying_number":"{G}"}]'))).toBe(false);
  });
});

runCollectorContract(c, {
  validSample: { path: A, content: readFileSync(fx('apps.json')) },
  matchingPaths: ['h/osquery_apps.json', 'h/osqueryd.results.log', 'h/fleet.apps.json'],
  nonMatchingPaths: ['h/programs.json', 'h/Info.plist', 'h/apps.txt'],
  corrupted: corrupted.map((n) => ({ path: `c/${n}`, content: readFileSync(fx('corrupted', n)) })),
});
