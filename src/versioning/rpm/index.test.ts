import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { rpmComparator as c } from './index.js';

// rpm's rpmvercmp semantics (rpm.org "RPM version comparison": ~ pre-release, ^ post-release).
describe('rpm', () => {
  it('handles tilde (pre-release) and caret (post-release snapshots)', () => {
    expectAscending(c, ['1.0~rc1', '1.0~rc2', '1.0', '1.0^git1', '1.0^git2', '1.0.1']);
  });
  it('treats separators as equivalent and numbers beat letters', () => {
    expectAllEqual(c, ['2.0', '2_0', '2+0', '02.00']);
    expectAscending(c, ['1.0a', '1.0.1']);
  });
  it('compares epoch, version, then release; a missing release sorts first', () => {
    expectAscending(c, ['1.0', '1.0-1', '1.0-1.el9', '1.0-2', '1.1-0', '1:0.5']);
    expectAllEqual(c, ['1.0-1', '0:1.0-1']);
  });
  it('rejects empty and whitespace input', () => {
    expectInvalid(c, ['', '1.0 -1', '\u0001'], '1.0');
  });
});
