import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { PackageObservation } from '../../core/observation.js';
import { runCollectorContract } from '../../../test/contracts/collector.contract.js';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import type { AppObserved } from '../app-common.js';
import { dpkgStatusCollector as c } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const S = 'host/var/lib/dpkg/status';
const corrupted = ['truncated', 'empty', 'wrong-encoding', 'garbage'].map((k) => `${k}/var/lib/dpkg/status`);
const collect = (p: string, content: Buffer | string) => c.collect(collectorInput(p, content));

function dpkgQuery(statusFile: string): string[] {
  let out: string;
  const dir = mkdtempSync(path.join(tmpdir(), 'chainhunt-dpkg-'));
  writeFileSync(path.join(dir, 'status'), readFileSync(statusFile));
  try {
    out = execFileSync(
      'dpkg-query',
      ['--admindir', dir, '-W', '-f', '${db:Status-Abbrev}|${Package}|${Version}|${Architecture}\\n'],
      { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] },
    );
  } catch (e) {
    throw new Error(
      `dpkg-query (Debian package "dpkg", see scripts/apt-packages.txt) is needed as the oracle: ${String(e)}`,
    );
  }
  return out.split('\n').filter((l) => l !== '');
}

describe('dpkg-status collector', () => {
  it('agrees with dpkg-query on which packages are installed (ii/hi), with versions and architectures', () => {
    const r = collect(S, readFileSync(fx('status')));
    expect(r.issues).toEqual([]);
    const oracle = dpkgQuery(fx('status'))
      .map((l) => l.split('|'))
      .filter(([abbrev]) => /^[ih]i/.test(abbrev ?? ''))
      .map(([, name, version, arch]) => `pkg:deb/debian/${name}@${version}?arch=${arch}`)
      .sort();
    const pkgs = r.observations.filter((o): o is PackageObservation => o.kind === 'package');
    expect(pkgs.map((p) => p.purl).sort()).toEqual(oracle);
    expect(oracle).toHaveLength(11); // 13 stanzas: nano (rc) and vim-tiny (half-installed) excluded, docker-ce (hold) kept
  });

  it('emits an app and a Debian package observation per installed package, at the stanza line', () => {
    const r = collect(S, readFileSync(fx('status')));
    const apps = r.observations.filter((o): o is AppObserved => o.kind === 'app');
    const docker = apps.find((a) => a.name === 'docker-ce');
    expect(docker).toMatchObject({
      version: '5:24.0.2-1~debian.12~bookworm',
      publisher: 'Docker <support@docker.com>',
      platform: 'linux',
      scope: 'machine',
      productId: 'docker-ce',
    });
    const text = readFileSync(fx('status'), 'utf8').split('\n');
    expect(text[(docker?.source.line ?? 0) - 1]).toBe('Package: docker-ce');
    const pkg = r.observations.find((o) => o.kind === 'package' && o.name === 'git');
    expect(pkg).toMatchObject({
      ecosystem: 'Debian',
      version: '1:2.39.5-0+deb12u3',
      locations: [{ file: S }],
    });
  });

  it('reports stanzas without Package / Status / Version and stray continuation lines', () => {
    const r = collect(
      's',
      ' stray\nPackage: a\nStatus: install ok installed\n\nVersion: 1\n\nPackage: b\nStatus: install ok installed\n\nPackage: c\nStatus: weird\nno colon here\n',
    );
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['parse-error', 1],
      ['parse-error', 12],
      ['invalid-value', 2],
      ['invalid-value', 5],
      ['invalid-value', 7],
      ['invalid-value', 10],
    ]);
  });

  it('drops the cut last stanza of a truncated file with an issue', () => {
    const r = collect(
      's',
      'Package: a\nStatus: install ok installed\nVersion: 1.0\n\nPackage: b\nStatus: install ok installed\nVersion: 2.',
    );
    expect(r.observations.filter((o) => o.kind === 'app').map((o) => (o as AppObserved).name)).toEqual(['a']);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['truncated', 7]]);
  });

  it('every corrupted fixture yields issues with file and position', () => {
    for (const name of corrupted) {
      const r = collect(`c/${name}`, readFileSync(fx('corrupted', name)));
      expect(r.issues.length, name).toBeGreaterThan(0);
      for (const i of r.issues) {
        expect(i.file).toBe(`c/${name}`);
        if (!name.startsWith('empty/')) expect(i.line ?? i.offset, name).toBeDefined();
      }
    }
  });

  it('sniffs status files under other names', () => {
    expect(c.matches(fileRef('h/dpkg-status.txt'))).toBe(true);
    expect(c.matches(fileRef('h/status'))).toBe(false);
    expect(c.sniff(readFileSync(fx('status')).subarray(0, 4096))).toBe(true);
    expect(c.sniff(Buffer.from('Package: x\nVersion: 1\n'))).toBe(false);
  });
});

runCollectorContract(c, {
  validSample: { path: S, content: readFileSync(fx('status')) },
  matchingPaths: ['C:\\evidence\\var\\lib\\dpkg\\status', 'h/dpkg_status'],
  nonMatchingPaths: ['h/var/lib/dpkg/status-old', 'h/status', 'h/var/lib/dpkg/available'],
  corrupted: corrupted.map((n) => ({ path: `c/${n}`, content: readFileSync(fx('corrupted', n)) })),
});
