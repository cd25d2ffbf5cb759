import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { rubygemsComparator as c } from './index.js';

// Gem::Version documentation (https://docs.ruby-lang.org/en/master/Gem/Version.html)
describe('rubygems', () => {
  it('sorts prereleases (any letter) before the release', () => {
    expectAscending(c, ['1.0.a.2', '1.0.b1', '1.0.rc1', '1.0', '1.0.1', '1.1', '1.10']);
  });
  it('drops trailing zeros and reads - as .pre.', () => {
    expectAllEqual(c, ['1', '1.0', '1.0.0']);
    expectAllEqual(c, ['1.0-1', '1.0.pre.1']);
    expectAllEqual(c, ['1.0.a2', '1.0.a.2']);
  });
  it('rejects malformed versions', () => {
    expectInvalid(c, ['', 'junk', '1..2', '1.2.', '.1', '1.0 beta'], '1.0');
  });
});
