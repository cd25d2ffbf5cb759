import { describe, expect, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { pep440Comparator as c } from './index.js';

describe('pep440', () => {
  it('follows the PEP 440 "Summary of permitted suffixes and relative ordering" example', () => {
    // https://peps.python.org/pep-0440/#summary-of-permitted-suffixes-and-relative-ordering
    expectAscending(c, [
      '1.dev0',
      '1.0.dev456',
      '1.0a1',
      '1.0a2.dev456',
      '1.0a12.dev456',
      '1.0a12',
      '1.0b1.dev456',
      '1.0b2',
      '1.0b2.post345.dev456',
      '1.0b2.post345',
      '1.0rc1.dev456',
      '1.0rc1',
      '1.0',
      '1.0+abc.5',
      '1.0+abc.7',
      '1.0+5',
      '1.0.post456.dev34',
      '1.0.post456',
      '1.0.15',
      '1.1.dev1',
    ]);
  });
  it('normalises spellings (PEP 440 § Normalization)', () => {
    expectAllEqual(c, ['1.0a1', '1.0ALPHA1', '1.0-a1', '1.0.alpha.1', '1.0a01', 'v1.0a1', ' 1.0a1 ']);
    expectAllEqual(c, ['1.0.post1', '1.0-1', '1.0post1', '1.0.r1', '1.0-rev1']);
    expectAllEqual(c, ['1.0rc1', '1.0c1', '1.0pre1', '1.0preview1']);
    expectAllEqual(c, ['1.0', '1.0.0', '1.0.0.0']);
  });
  it('orders epochs before everything else', () => {
    expectAscending(c, ['2024.1', '1!0.1', '1!1.0', '2!0.0.1']);
  });
  it('sorts legacy (pre-PEP 440) versions before every PEP 440 version', () => {
    expect(c.isValid('0.9-fearow')).toBe(true);
    expectAscending(c, ['french toast', '0.0.1']);
  });
  it('rejects empty or control-character input', () => {
    expectInvalid(c, ['', '   ', '1.0\u0000', '1.0\n2'], '1.0');
  });
});
