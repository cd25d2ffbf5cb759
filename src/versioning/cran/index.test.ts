import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { cranComparator as c } from './index.js';

// R's ?package_version: at least two integers separated by '.' or '-'.
describe('cran', () => {
  it('compares integer lists; the longer list wins a tie', () => {
    expectAscending(c, ['0.1-2', '0.2', '0.2-1', '0.2.1.0', '0.10', '1.0']);
    expectAllEqual(c, ['1.0-1', '1.0.1', '01.00.01']);
  });
  it('rejects single numbers and non-numeric parts', () => {
    expectInvalid(c, ['', '1', '1.0a', '1..0', 'a.b'], '1.0');
  });
});
