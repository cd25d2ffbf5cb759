import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { debianComparator as c } from './index.js';

// Debian Policy § 5.6.12 "Version" (https://www.debian.org/doc/debian-policy/ch-controlfields.html#version)
describe('debian', () => {
  it('sorts ~ before everything, even the end of the string', () => {
    expectAscending(c, ['1.0~~', '1.0~~a', '1.0~', '1.0', '1.0a', '1.0+b1', '1.0.1']);
  });
  it('compares the epoch first', () => {
    expectAscending(c, ['9.9-9', '1:0.1', '1:1.0-1', '2:0.0']);
  });
  it('compares the revision after the upstream version; a missing revision is 0', () => {
    expectAscending(c, ['1.2.3-1~deb12u1', '1.2.3-1', '1.2.3-1+deb12u1', '1.2.3-2', '1.2.4-0']);
    expectAllEqual(c, ['1.0', '1.0-0', '0:1.0-0']);
  });
  it('rejects versions dpkg refuses', () => {
    expectInvalid(c, ['', 'a1.0', 'x:1.0', ':1.0', '1.0-', '1.0-a:b', '1.0 1', '1.0_1'], '1.0');
  });
});
