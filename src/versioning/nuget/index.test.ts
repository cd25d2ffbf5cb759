import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { nugetComparator as c } from './index.js';

// https://learn.microsoft.com/nuget/concepts/package-versioning
describe('nuget', () => {
  it('orders SemVer 2 prereleases and four-part legacy versions', () => {
    expectAscending(c, [
      '1.0.0-alpha',
      '1.0.0-alpha.1',
      '1.0.0-beta',
      '1.0.0-rc.1',
      '1.0.0',
      '1.0.0.1',
      '1.0.1',
      '1.1',
    ]);
  });
  it('ignores metadata and case, and pads missing parts with zeros', () => {
    expectAllEqual(c, ['1.0', '1.0.0', '1.0.0.0', '1.0.0+build', '1.0.00']);
    expectAllEqual(c, ['1.0.0-BETA', '1.0.0-beta', '1.0.0-Beta+x']);
  });
  it('rejects more than four parts and bad labels', () => {
    expectInvalid(c, ['', '1.0.0.0.0', '1.0.0-', 'a.b', '1.0.0-be_ta', 'v1.0.0'], '1.0.0');
  });
});
