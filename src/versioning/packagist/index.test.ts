import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { packagistComparator as c } from './index.js';

// PHP version_compare documentation (https://www.php.net/manual/function.version-compare.php)
describe('packagist', () => {
  it('orders special forms dev < alpha < beta < RC < release < pl', () => {
    expectAscending(c, ['1.0-dev', '1.0alpha1', '1.0beta1', '1.0RC1', '1.0', '1.0pl1']);
  });
  it('treats a and alpha, b and beta, RC and rc, p and pl as the same form', () => {
    expectAllEqual(c, ['1.0a1', '1.0alpha1', '1.0-alpha.1', '1.0_alpha+1']);
    expectAllEqual(c, ['1.0RC1', '1.0rc1', 'v1.0rc1', 'V1.0-RC1']);
  });
  it('sorts a shorter version below a longer one that continues with a number (5.2 < 5.2.0)', () => {
    expectAscending(c, ['5.2', '5.2.0', '5.2.1', '5.10']);
  });
  it('rejects empty and whitespace input', () => {
    expectInvalid(c, ['', '1.0 beta', '-'], '1.0');
  });
});
