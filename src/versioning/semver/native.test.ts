/** Differential test against npm's own `semver` package on generated strict SemVer versions. */
import fc from 'fast-check';
import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { semverComparator as c } from './index.js';

const part = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(Number.MAX_SAFE_INTEGER)).map(String);
const ident = fc.oneof(
  fc.integer({ min: 0, max: 30 }).map(String),
  fc.constantFrom('alpha', 'beta', 'rc', 'a-b', 'Alpha', 'x1', '0a'),
);
const version = fc
  .tuple(
    part,
    part,
    part,
    fc.array(ident, { maxLength: 4 }),
    fc.array(fc.constantFrom('build', '001', 'x-y'), { maxLength: 2 }),
  )
  .map(
    ([a, b, p, pre, build]) =>
      `${a}.${b}.${p}${pre.length ? '-' + pre.join('.') : ''}${build.length ? '+' + build.join('.') : ''}`,
  );

describe('semver against the semver package', () => {
  it('agrees with semver.compare on generated versions', () => {
    fc.assert(
      fc.property(version, version, (a, b) => {
        expect(semver.valid(a), a).toBeTruthy();
        return Math.sign(c.compare(a, b)) === semver.compare(a, b);
      }),
      { numRuns: 5000 },
    );
  });
});
