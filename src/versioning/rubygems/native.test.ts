/** Differential test against RubyGems itself: `Gem::Version#<=>` (Debian ruby). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gemVersion } from '../__fixtures__/arbitraries.js';
import { oracle } from '../__fixtures__/oracle.js';
import { rubygemsComparator as c } from './index.js';

const SCRIPT =
  'require "json"; puts JSON.generate(JSON.parse(STDIN.read).map { |a, b| Gem::Version.new(a) <=> Gem::Version.new(b) })';

describe('rubygems against Gem::Version', () => {
  it('agrees with Ruby on 3000 generated pairs', () => {
    const pairs = fc.sample(fc.tuple(gemVersion, gemVersion), { numRuns: 3000, seed: 2323 });
    const native = oracle('ruby', 'ruby', ['-e', SCRIPT], pairs);
    const diffs = pairs
      .map(([a, b], i) => ({ a, b, ruby: native[i], ours: Math.sign(c.compare(a, b)) }))
      .filter((d) => d.ruby !== d.ours);
    expect(native).toContain(-1);
    expect(native).toContain(1);
    expect(diffs.slice(0, 10)).toEqual([]);
  });
});
