import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { cargoLockCollector } from './index.js';
import { parseCargoLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'rust', 'cargolock', 'testdata', f);
const run = (f: string) => parseCargoLock(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('cargo-lock', () => {
  it('claims Cargo.lock', () => {
    expect(cargoLockCollector.matches(fileRef('w/Cargo.lock'))).toBe(true);
  });

  it('reads every [[package]], including two versions of one crate', () => {
    const r = pk(run('many-packages.lock'));
    expect(r.map((o) => `${o.name}@${o.version}`).sort()).toEqual([
      'aho-corasick@0.7.18',
      'libc@0.2.140',
      'memchr@2.4.1',
      'syn@1.0.109',
      'syn@2.0.15',
      'zstd@0.11.2',
    ]);
    expect(r.find((o) => o.name === 'zstd')).toMatchObject({
      ecosystem: 'crates.io',
      purl: 'pkg:cargo/zstd@0.11.2',
      locations: [{ line: 5 }],
    });
  });

  it('keeps build metadata and records git sources', () => {
    expect(pk(run('package-with-build-string.lock'))[0]).toMatchObject({
      name: 'wasi',
      version: '0.10.2+wasi-snapshot-preview1',
    });
    const syn = pk(run('package-with-comments.lock')).find((o) => o.name === 'syn')!;
    expect(syn.version).toBe('1.0.73');
    expect(syn.purl).toContain('vcs_url=');
    expect(pk(run('one-package.lock'))).toMatchObject([{ name: 'addr2line', version: '0.15.2' }]);
  });

  it('handles a lock with no packages and broken input', () => {
    expect(run('empty.lock')).toEqual({ observations: [], issues: [] });
    expect(run('not-toml.txt').issues[0]!.code).toBe('parse-error');
  });
});
