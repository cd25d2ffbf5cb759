import { describe, expect, it } from 'vitest';
import { vendorComparator as v } from './index.js';

describe('vendor versioning', () => {
  const ordered = [
    '1.0-beta',
    '1.0-rc1',
    '1.0-rc2',
    '1.0',
    '1.0.1',
    '10.0.19045.2846',
    '18.10.461',
    '18.11.1213',
    '18.12.402',
    '18.12.407',
    '18.12.416',
    '18.12.422',
    '18.12.425',
    '20.0',
  ];
  it('orders a chain in both directions', () => {
    for (let i = 0; i + 1 < ordered.length; i++) {
      const a = ordered[i]!;
      const b = ordered[i + 1]!;
      expect(v.compare(a, b), `${a} < ${b}`).toBeLessThan(0);
      expect(v.compare(b, a), `${b} > ${a}`).toBeGreaterThan(0);
    }
  });
  it('treats missing trailing parts as zero', () => {
    expect(v.compare('18.12', '18.12.0')).toBe(0);
    expect(v.compare('v18.12.0.0', '18.12')).toBe(0);
  });
  it('compares numerically, not lexically', () => {
    expect(v.compare('18.12.99', '18.12.100')).toBeLessThan(0);
  });
  it('accepts build suffixes as numeric parts', () => {
    expect(v.compare('7.1 build 5', '7.1.5')).toBe(0);
  });
  it('rejects invalid versions explicitly', () => {
    for (const bad of ['', 'abc', '1..2', '.1', '1.2.', 'x'.repeat(200)]) {
      expect(v.isValid(bad), bad).toBe(false);
      expect(() => v.compare(bad, '1.0')).toThrow(/vendor/);
    }
  });
});
