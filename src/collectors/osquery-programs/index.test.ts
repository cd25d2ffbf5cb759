import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput } from '../../../test/fixtures.js';
import type { AppObserved } from '../app-common.js';
import { osqueryProgramsCollector as c } from './index.js';
import { parseOsqueryResults } from './parse.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const P = 'host/programs.json';
const corrupted = [
  'osquery-programs-truncated.json',
  'osquery-programs-empty.json',
  'osquery-programs-wrong-encoding.json',
  'osquery-programs-garbage.json',
];
const collect = (p: string, content: Buffer | string) => c.collect(collectorInput(p, content));

describe('osquery-programs collector', () => {
  it('maps osqueryi --json rows, with scope from the install location or uninstall command', () => {
    const r = collect(P, readFileSync(fx('programs.json')));
    expect(r.issues).toEqual([]);
    const apps = r.observations as AppObserved[];
    // One row per line after "[": rows start on lines 2..6.
    expect(apps.map((a) => [a.name, a.version, a.scope, a.user ?? null, a.source.line])).toEqual([
      ['3CX Desktop App', '18.12.422', 'machine', null, 2],
      ['Google Chrome', '111.0.5563.65', 'machine', null, 3],
      ['7-Zip 22.01 (x64)', '22.01', 'machine', null, 4],
      ['Microsoft Teams', '1.6.00.4472', 'user', 'carol', 5],
      [
        'Microsoft Visual C++ 2015-2022 Redistributable (x64) - 14.34.31931',
        '14.34.31931.0',
        'unknown',
        null,
        6,
      ],
    ]);
    expect(apps[0]).toMatchObject({
      publisher: '3CX Ltd',
      productId: '{9A1F3B2C-5D4E-4F60-8A7B-1C2D3E4F5A42}',
      installLocation: 'C:\\Program Files\\3CXDesktopApp\\',
      platform: 'windows',
    });
    // Empty identifying_number / install_location are left out, not kept as "".
    expect(apps[1]?.productId).toBeUndefined();
    expect(apps[3]?.installLocation).toBeUndefined();
  });

  it('accepts numbers as column values and rejects other tables', () => {
    const ok = collect(
      'p.json',
      '[{"name":"X","version":1,"identifying_number":"{G}","install_location":"D:\\\\Tools"}]',
    );
    expect(ok.observations).toEqual([
      {
        kind: 'app',
        name: 'X',
        version: '1',
        productId: '{G}',
        installLocation: 'D:\\Tools',
        platform: 'windows',
        scope: 'unknown',
        source: { file: 'p.json', line: 1 },
      },
    ]);
    const other = collect('p.json', '[{"pid":"4","name":"System"}]');
    expect(other.observations).toEqual([]);
    expect(other.issues.map((i) => i.code)).toEqual(['parse-error']);
  });

  it('reports rows without a name', () => {
    const r = collect('p.json', '[\n{"name":"","identifying_number":"{G}"}\n]');
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['invalid-value', 2]]);
  });

  it('every corrupted fixture yields issues with file and position', () => {
    for (const name of corrupted) {
      const r = collect(`c/${name}`, readFileSync(fx('corrupted', name)));
      expect(r.issues.length, name).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.file).toBe(`c/${name}`);
        if (name !== 'osquery-programs-empty.json') expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
  });
});

describe('parseOsqueryResults (results logs)', () => {
  it('replays snapshot, added/removed events and diffResults per query', () => {
    const log = readFileSync(
      path.join(fx(), '..', '..', 'osquery-apps', '__fixtures__', 'osqueryd.results.log'),
    );
    const r = parseOsqueryResults(log, 'osqueryd.results.log', 'collectors/osquery-programs');
    expect(r.issues).toEqual([]);
    expect(r.layout).toBe('results-log');
    // Snapshot (Safari, Slack) + added 3CX + VS Code added then removed + 2 programs from diffResults.
    expect(r.rows.map((x) => [x.columns['name'], x.query, x.line])).toEqual([
      ['Safari.app', 'pack_inventory_apps', 1],
      ['Slack.app', 'pack_inventory_apps', 1],
      ['3CX Desktop App.app', 'pack_inventory_apps', 2],
      ['3CX Desktop App', 'pack_win_programs', 5],
      ['7-Zip 22.01 (x64)', 'pack_win_programs', 5],
    ]);
    const programs = collect('osqueryd.results.log', log);
    expect((programs.observations as AppObserved[]).map((a) => a.name)).toEqual([
      '3CX Desktop App',
      '7-Zip 22.01 (x64)',
    ]);
    expect(programs.issues).toEqual([]);
  });

  it('reports a truncated last line and bad lines, keeping the good ones', () => {
    const good = JSON.stringify({
      name: 'q',
      hostIdentifier: 'h',
      columns: { name: 'A', identifying_number: '{A}' },
      action: 'added',
    });
    const r = parseOsqueryResults(
      Buffer.from(`${good}\n[1]\n{"name":"q","columns":{"name":"B"`),
      'l.log',
      'x',
    );
    expect(r.rows.map((x) => x.columns['name'])).toEqual(['A']);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['parse-error', 2],
      ['truncated', 3],
    ]);
  });
});

runCollectorContract(c, {
  validSample: { path: P, content: readFileSync(fx('programs.json')) },
  matchingPaths: [
    'h/osquery-programs-2023-03-30.json',
    'h/osquery/osqueryd.results.log',
    'h/inventory.programs.json',
  ],
  nonMatchingPaths: ['h/apps.json', 'h/package.json', 'h/programs.txt'],
  corrupted: corrupted.map((n) => ({ path: `c/${n}`, content: readFileSync(fx('corrupted', n)) })),
});
