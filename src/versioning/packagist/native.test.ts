/**
 * Differential test against PHP's `version_compare` (Debian php-cli), on versions without the
 * leading `v` Composer strips and without `#` (see readme.md for both deliberate differences).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packagistVersion } from '../__fixtures__/arbitraries.js';
import { oracle } from '../__fixtures__/oracle.js';
import { packagistComparator as c } from './index.js';

const SCRIPT =
  '$o = []; foreach (json_decode(stream_get_contents(STDIN)) as $p) { $o[] = version_compare($p[0], $p[1]); } echo json_encode($o);';

describe('packagist against PHP version_compare', () => {
  it('agrees with PHP on 3000 generated pairs', () => {
    const pairs = fc.sample(fc.tuple(packagistVersion, packagistVersion), { numRuns: 3000, seed: 8080 });
    const native = oracle('php', 'php-cli', ['-r', SCRIPT], pairs);
    const diffs = pairs
      .map(([a, b], i) => ({ a, b, php: native[i], ours: Math.sign(c.compare(a, b)) }))
      .filter((d) => d.php !== d.ours);
    expect(native).toContain(-1);
    expect(native).toContain(1);
    expect(diffs.slice(0, 10)).toEqual([]);
  });
});
