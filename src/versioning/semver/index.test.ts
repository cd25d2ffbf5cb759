import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { semverComparator as c } from './index.js';

describe('semver', () => {
  it('follows the SemVer 2.0.0 §11 precedence example', () => {
    // https://semver.org/#spec-item-11
    expectAscending(c, [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-alpha.beta',
      '1.0.0-beta',
      '1.0.0-beta.2',
      '1.0.0-beta.11',
      '1.0.0-rc.1',
      '1.0.0',
      '2.0.0',
      '2.1.0',
      '2.1.1',
    ]);
  });
  it('ignores build metadata and a leading v (Go +incompatible is build metadata)', () => {
    expectAllEqual(c, ['1.0.0', 'v1.0.0', '1.0.0+build.5', '1.0.0+incompatible']);
  });
  it('orders Go pseudo-versions by their timestamp prerelease, before the next release', () => {
    expectAscending(c, [
      'v0.0.0-20191109021931-daa7c04131f5',
      'v0.0.0-20200101000000-aaaaaaaaaaaa',
      'v0.1.0',
      'v1.2.4-0.20200101000000-abcdefabcdef',
      'v1.2.4',
    ]);
  });
  it('compares numbers of any length numerically', () => {
    expectAscending(c, [
      '1.2.3',
      '1.2.10',
      '1.10.0',
      '99999999999999999999.0.0',
      '100000000000000000000.0.0',
    ]);
  });
  it('rejects what is not SemVer-like', () => {
    expectInvalid(
      c,
      ['', 'abc', '1..2', '1.2.3-', '1.2.3+', '1.2.3-a..b', '1.2.3_4', ' 1.2.3', 'x'.repeat(300)],
      '1.0.0',
    );
  });
});
