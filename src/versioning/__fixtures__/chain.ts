/** Test helpers shared by the comparator tests (not built into dist/). */
import { expect } from 'vitest';
import type { Comparator } from '../types.js';

/** Asserts that `versions` is strictly increasing, checking every pair in both directions. */
export function expectAscending(cmp: Comparator, versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = i + 1; j < versions.length; j++) {
      const a = versions[i]!;
      const b = versions[j]!;
      expect(Math.sign(cmp.compare(a, b)), `${a} < ${b}`).toBe(-1);
      expect(Math.sign(cmp.compare(b, a)), `${b} > ${a}`).toBe(1);
    }
  }
}

/** Asserts that every version in `versions` is equal to every other. */
export function expectAllEqual(cmp: Comparator, versions: string[]): void {
  for (const a of versions) for (const b of versions) expect(cmp.compare(a, b), `${a} = ${b}`).toBe(0);
}

/** Asserts that every string is rejected by `isValid`, `parse` and `compare`. */
export function expectInvalid(cmp: Comparator, versions: string[], valid: string): void {
  for (const v of versions) {
    expect(cmp.isValid(v), JSON.stringify(v)).toBe(false);
    expect(cmp.parse(v), JSON.stringify(v)).toBeNull();
    expect(() => cmp.compare(v, valid), JSON.stringify(v)).toThrow(new RegExp(`^${cmp.scheme}:`));
    expect(() => cmp.compare(valid, v), JSON.stringify(v)).toThrow(/not a valid version/);
  }
}
