import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import type { AppObserved } from '../app-common.js';
import { rpmQaCollector as c } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const Q = 'host/rpm-qa.txt';
const corrupted = [
  'rpm-qa-truncated.txt',
  'rpm-qa-empty.txt',
  'rpm-qa-wrong-encoding.txt',
  'rpm-qa-garbage.txt',
];
const collect = (p: string, content: Buffer | string) => c.collect(collectorInput(p, content));
const rows = (r: { observations: unknown[] }) =>
  (r.observations as AppObserved[]).map((a) => [a.name, a.version, a.publisher ?? null, a.source.line]);

describe('rpm-qa collector', () => {
  it('reads the 6-field queryformat, with epochs and (none) values, skipping gpg-pubkey', () => {
    const r = collect(Q, readFileSync(fx('rpm-qa.txt')));
    expect(r.issues).toEqual([]);
    expect(rows(r)).toEqual([
      ['bash', '5.1.8-6.el9_1', 'Rocky Enterprise Software Foundation', 1],
      ['openssl', '1:3.0.7-6.el9_2', 'Rocky Enterprise Software Foundation', 2],
      ['openssl-libs', '1:3.0.7-6.el9_2', 'Rocky Enterprise Software Foundation', 3],
      ['tzdata', '2023c-1.el9', 'Rocky Enterprise Software Foundation', 5],
      ['google-chrome-stable', '111.0.5563.64-1', 'Google Inc.', 6],
      ['code', '1.76.2-1678817801.el7', 'Microsoft Corporation', 7],
      ['local-tool', '0.3-1', null, 8],
    ]);
    expect(r.observations[0]).toMatchObject({
      kind: 'app',
      platform: 'linux',
      scope: 'machine',
      productId: 'bash',
    });
  });

  it('reads default name-version-release.arch lines', () => {
    const r = collect('h/rpm-packages-default.txt', readFileSync(fx('rpm-packages-default.txt')));
    expect(r.issues).toEqual([]);
    expect(rows(r)).toEqual([
      ['kernel-core', '5.14.0-284.11.1.el9_2', null, 1],
      ['glibc', '2.34-60.el9', null, 2],
      ['perl-Net-SSLeay', '1.92-2.el9', null, 3],
      ['python3-pip-wheel', '21.2.3-6.el9', null, 4],
      ['libgcc', '11.3.1-4.3.el9', null, 6],
      ['legacy-tool', '1.0-3', null, 7],
    ]);
  });

  it('reports malformed lines and keeps the good ones', () => {
    const r = collect(
      'q.txt',
      'a\t(none)\t1\t2\tx86_64\tV\nb\tx\t1\t2\tnoarch\nc\t1\t2\nnodashes\nd e f\nok-1.0-1.noarch\n',
    );
    expect(rows(r).map((x) => x[0])).toEqual(['a', 'ok']);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['invalid-value', 2],
      ['parse-error', 3],
      ['parse-error', 4],
      ['parse-error', 5],
    ]);
  });

  it('caps issues per file and says where reading stopped', () => {
    const r = collect('q.txt', 'not an rpm line\n'.repeat(200));
    expect(r.issues).toHaveLength(51);
    expect(r.issues[49]).toMatchObject({ code: 'parse-error', line: 50 });
    expect(r.issues[50]).toMatchObject({ code: 'limit-exceeded', line: 51 });
  });

  it('every corrupted fixture yields issues with file and position', () => {
    for (const name of corrupted) {
      const r = collect(`c/${name}`, readFileSync(fx('corrupted', name)));
      expect(r.issues.length, name).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.file).toBe(`c/${name}`);
        if (name !== 'rpm-qa-empty.txt') expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
  });

  it('matches conventional names and sniffs the tab format', () => {
    expect(c.matches(fileRef('h/rpm-qa.txt'))).toBe(true);
    expect(c.matches(fileRef('h/rpm_packages_2023-03-30.txt'))).toBe(true);
    expect(c.matches(fileRef('h/rpmqa'))).toBe(true);
    expect(c.matches(fileRef('h/rpm-qa.json'))).toBe(false);
    expect(c.sniff(readFileSync(fx('rpm-qa.txt')))).toBe(true);
    expect(c.sniff(Buffer.from('name\tvalue\n'))).toBe(false);
  });
});

runCollectorContract(c, {
  validSample: { path: Q, content: readFileSync(fx('rpm-qa.txt')) },
  matchingPaths: ['h/rpm-packages.txt', 'h/RPM-QA.TXT'],
  nonMatchingPaths: ['h/packages.txt', 'h/rpm.log', 'h/var/lib/rpm/Packages'],
  corrupted: corrupted.map((n) => ({ path: `c/${n}`, content: readFileSync(fx('corrupted', n)) })),
});
