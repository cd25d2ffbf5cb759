import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { hackageComparator as c } from './index.js';

// Haskell's Data.Version: lexicographic order of the integer branch.
describe('hackage', () => {
  it('compares integer lists lexicographically', () => {
    expectAscending(c, ['0', '0.11.3.0', '1', '1.0', '1.0.0', '1.1', '2.0.0.0']);
    expectAllEqual(c, ['1.0.1', '1.00.01']);
  });
  it('rejects tags and non-numeric parts', () => {
    expectInvalid(c, ['', '1.0-tag', '1.a', '1.', 'v1'], '1.0');
  });
});
