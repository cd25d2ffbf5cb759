/** Differential test against rpm itself: `rpm.ver` of rpm's Python bindings (Debian python3-rpm). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { rpmVersion } from '../__fixtures__/arbitraries.js';
import { oracle } from '../__fixtures__/oracle.js';
import { rpmComparator as c } from './index.js';

const SCRIPT = `
import json, sys, rpm
out = []
for a, b in json.load(sys.stdin):
    x, y = rpm.ver(a), rpm.ver(b)
    out.append(-1 if x < y else (1 if x > y else 0))
print(json.dumps(out))
`;

describe('rpm against rpm.ver (rpmvercmp)', () => {
  it('agrees with rpm on 3000 generated pairs', () => {
    const pairs = fc.sample(fc.tuple(rpmVersion, rpmVersion), { numRuns: 3000, seed: 7070 });
    const native = oracle('/usr/bin/python3', 'python3-rpm', ['-c', SCRIPT], pairs);
    const diffs = pairs
      .map(([a, b], i) => ({ a, b, rpm: native[i], ours: Math.sign(c.compare(a, b)) }))
      .filter((d) => d.rpm !== d.ours);
    expect(native).toContain(-1);
    expect(native).toContain(1);
    expect(diffs.slice(0, 10)).toEqual([]);
  });
});
