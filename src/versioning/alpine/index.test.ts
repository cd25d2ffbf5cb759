import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { alpineComparator as c } from './index.js';

// apk-package(5): number{.number}...{letter}{_suffix{number}}...{~hash}{-r#}
describe('alpine', () => {
  it('orders suffixes alpha < beta < pre < rc < (none) < cvs < svn < git < hg < p', () => {
    expectAscending(c, [
      '1.0_alpha',
      '1.0_beta',
      '1.0_pre',
      '1.0_rc',
      '1.0',
      '1.0_cvs',
      '1.0_svn',
      '1.0_git',
      '1.0_hg',
      '1.0_p1',
    ]);
  });
  it('orders letters and build numbers', () => {
    expectAscending(c, ['1.0', '1.0a', '1.0b', '1.0b-r1', '1.0b-r10', '1.0.1']);
    expectAllEqual(c, ['1.0-r1', '1.0-r01', '1.0~abc123-r1']);
  });
  it('compares numbers numerically', () => {
    expectAscending(c, ['1.9', '1.10', '2.0', '10.0']);
  });
  it('rejects empty and whitespace input', () => {
    expectInvalid(c, ['', '1.0 -r1'], '1.0');
  });
});
