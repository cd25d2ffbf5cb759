/**
 * Differential test against the native implementation: Python's `packaging.version.Version`
 * (python3 + packaging; CI installs Debian's python3-packaging) on generated PEP 440 versions.
 */
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pep440Version } from '../__fixtures__/arbitraries.js';
import { pep440Comparator as c } from './index.js';

const ORACLE = `
import json, sys
from packaging.version import Version
out = []
for a, b in json.load(sys.stdin):
    x, y = Version(a), Version(b)
    out.append(-1 if x < y else (1 if x > y else 0))
print(json.dumps(out))
`;

function python(): string {
  for (const exe of ['python3', 'python']) {
    const r = spawnSync(exe, ['-c', 'import packaging.version'], { encoding: 'utf8' });
    if (r.status === 0) return exe;
  }
  throw new Error(
    'python3 with the "packaging" module is required for this test (apt-get install python3-packaging)',
  );
}

describe('pep440 against python packaging', () => {
  it('agrees with packaging.version.Version on 3000 generated pairs', () => {
    const exe = python();
    const pairs = fc.sample(fc.tuple(pep440Version, pep440Version), { numRuns: 3000, seed: 4401 });
    // near neighbours too: the same release with different suffixes
    const extra = fc
      .sample(fc.tuple(pep440Version, pep440Version), { numRuns: 1000, seed: 4402 })
      .map(
        ([a, b]) => [a, (/^[0-9.!]*/.exec(a)?.[0] ?? '') + b.replace(/^[0-9.!]*/, '')] as [string, string],
      );
    // equal spellings: case and leading v are normalised by PEP 440
    const same = pairs.slice(0, 200).map(([a]) => [a, 'v' + a.toUpperCase()] as [string, string]);
    const all = [...pairs, ...extra, ...same].filter(
      ([a, b]) => c.isValid(a) && c.isValid(b) && c.parse(a)!.legacy === null && c.parse(b)!.legacy === null,
    );
    expect(all.length).toBeGreaterThan(3000);
    const r = spawnSync(exe, ['-c', ORACLE], {
      input: JSON.stringify(all),
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    expect(r.status, r.stderr).toBe(0);
    const native = JSON.parse(r.stdout) as number[];
    const diffs = all
      .map(([a, b], i) => ({ a, b, native: native[i], ours: Math.sign(c.compare(a, b)) }))
      .filter((d) => d.native !== d.ours);
    expect(native).toContain(-1);
    expect(native).toContain(1);
    expect(native).toContain(0);
    expect(diffs.slice(0, 10)).toEqual([]);
  });
});
