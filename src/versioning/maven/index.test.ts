import { describe, it } from 'vitest';
import { expectAllEqual, expectAscending, expectInvalid } from '../__fixtures__/chain.js';
import { mavenComparator as c } from './index.js';

// Examples from the POM reference, "Version Order Specification"
// (https://maven.apache.org/pom.html#version-order-specification).
describe('maven', () => {
  it('orders known qualifiers', () => {
    expectAscending(c, ['1-alpha', '1-beta', '1-milestone', '1-rc', '1-snapshot', '1', '1-sp']);
  });
  it('treats null values as equal', () => {
    expectAllEqual(c, ['1', '1.0', '1.0.0', '1-0', '1.ga', '1-ga', '1.final', '1-FINAL', '1.release']);
  });
  it('applies the spec examples', () => {
    expectAllEqual(c, ['1-a1', '1-alpha-1']);
    expectAscending(c, ['1-ga', '1-sp']);
    expectAscending(c, ['1-ga.1', '1-sp.1']);
    expectAscending(c, ['1-sp-1', '1-ga-1']);
    expectAllEqual(c, ['1-ga-1', '1-1']);
    expectAllEqual(c, ['1-1.foo-bar1baz-.1', '1-1.foo-bar-1-baz-0.1']);
    expectAllEqual(c, ['1-cr1', '1-rc1', '1RC1']);
  });
  it('sorts unknown qualifiers after known ones, alphabetically, and numbers above qualifiers', () => {
    expectAscending(c, ['1-sp', '1-abc', '1-xyz', '1-1']);
    expectAscending(c, ['1.0-SNAPSHOT', '1.0', '1.0.1', '1.1', '1.10']);
  });
  it('rejects empty and whitespace input', () => {
    expectInvalid(c, ['', '1 0', '\t'], '1.0');
  });
});
