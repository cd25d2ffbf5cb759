/**
 * Property tests per scheme (fast-check): compare(a, a) = 0, antisymmetry and transitivity on
 * generated versions, plus "every generated version is valid" so the properties are not vacuous.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { comparatorFor, comparators } from './index.js';
import { InvalidVersionError } from './types.js';
import type { Comparator } from './types.js';

const num = fc.oneof(
  fc.integer({ min: 0, max: 12 }).map(String),
  fc.constantFrom('0', '00', '007', '10', '99999999999999999999'),
);
const word = (words: string[]) => fc.constantFrom(...words);
const dotted = (min: number, max: number) =>
  fc.array(num, { minLength: min, maxLength: max }).map((a) => a.join('.'));
const opt = (a: fc.Arbitrary<string>) => fc.option(a, { nil: '' });

const semverPre = fc
  .array(
    fc.oneof(
      num.map((n) => String(Number(n) % 20)),
      word(['alpha', 'beta', 'rc', 'a-1', 'x']),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((a) => a.join('.'));
const semver = fc
  .tuple(
    opt(fc.constant('v')),
    dotted(3, 3),
    opt(semverPre.map((p) => '-' + p)),
    opt(word(['+build', '+incompatible', '+1.2'])),
  )
  .map((p) => p.join(''));

const pep440 = fc
  .tuple(
    opt(word(['1!', '2!'])),
    dotted(1, 4),
    opt(fc.tuple(word(['a', 'b', 'rc', 'alpha', 'c', '.pre', '-beta']), opt(num)).map((p) => p.join(''))),
    opt(fc.tuple(word(['.post', '-', 'r', '.rev']), num).map((p) => p.join(''))),
    opt(fc.tuple(word(['.dev', 'dev']), opt(num)).map((p) => p.join(''))),
    opt(
      fc
        .array(fc.oneof(num, word(['ubuntu', 'a', 'z9'])), { minLength: 1, maxLength: 3 })
        .map((a) => '+' + a.join('.')),
    ),
  )
  .map((p) => p.join(''));
const pypiLegacy = fc
  .array(fc.oneof(num, word(['dev', 'pre', 'foo', 'final', '-', '.', '_'])), { minLength: 1, maxLength: 5 })
  .map((a) => 'x' + a.join(''));

const mavenToken = fc.oneof(
  num,
  word([
    'alpha',
    'a',
    'beta',
    'b',
    'm',
    'milestone',
    'rc',
    'cr',
    'SNAPSHOT',
    'ga',
    'final',
    'release',
    'sp',
    'foo',
    'Bar',
    '',
  ]),
);
// Qualifiers after '-' or attached to a number; '.qualifier' forms follow the POM spec's separator
// order, which is not transitive against null padding (known gap, see maven/readme.md).
const maven = fc
  .tuple(
    num,
    fc.array(
      fc.oneof(
        num.map((n) => '.' + n),
        num.map((n) => '-' + n),
        mavenToken.map((t) => '-' + t),
        mavenToken.filter((t) => t !== '').map((t) => t + '1'),
      ),
      {
        maxLength: 5,
      },
    ),
  )
  .map(([h, t]) => h + t.join(''));

const nuget = fc
  .tuple(dotted(1, 4), opt(semverPre.map((p) => '-' + p.toUpperCase())), opt(word(['+meta', '+A.1'])))
  .map((p) => p.join(''));

const gem = fc
  .tuple(
    dotted(1, 4),
    fc.array(fc.oneof(num, word(['a', 'b', 'pre', 'rc', 'A', 'beta'])), { maxLength: 3 }),
    opt(word(['-1', '-pre', '-rc.1'])),
  )
  .map(([r, t, d]) => r + t.map((x) => '.' + x).join('') + d);

const packagist = fc
  .tuple(
    opt(word(['v', 'V'])),
    dotted(1, 4),
    fc.array(
      fc
        .tuple(
          word(['.', '-', '_', '+', '']),
          fc.oneof(num, word(['dev', 'alpha', 'a', 'beta', 'b', 'RC', 'rc', 'pl', 'p', 'patch', 'foo'])),
        )
        .map((p) => p.join('')),
      {
        maxLength: 3,
      },
    ),
  )
  .map(([v, r, t]) => v + r + t.join(''));

const debRev = fc
  .array(fc.oneof(num, word(['deb', 'u', 'ubuntu', '~', '+', '.', 'a'])), { minLength: 1, maxLength: 4 })
  .map((a) => a.join(''));
const debian = fc
  .tuple(
    opt(fc.integer({ min: 0, max: 3 }).map((e) => `${e}:`)),
    num,
    fc.array(fc.oneof(num, word(['.', '~', '+', 'a', 'rc', '~rc', 'dfsg'])), { maxLength: 4 }),
    opt(debRev.map((r) => '-' + r)),
  )
  .map(([e, n, u, r]) => e + n + u.join('') + r);

const rpm = fc
  .tuple(
    opt(fc.integer({ min: 0, max: 3 }).map((e) => `${e}:`)),
    fc.array(fc.oneof(num, word(['.', '_', '+', 'a', 'rc', '~', '^', 'git', 'el', 'α'])), {
      minLength: 1,
      maxLength: 6,
    }),
    opt(fc.array(fc.oneof(num, word(['.', 'el', '_', '~'])), { maxLength: 4 }).map((a) => '-' + a.join(''))),
  )
  .map(([e, v, r]) => e + v.join('') + r);

const alpine = fc
  .tuple(
    dotted(1, 4),
    opt(fc.constantFrom('a', 'b', 'z')),
    fc
      .array(
        fc
          .tuple(word(['_alpha', '_beta', '_pre', '_rc', '_cvs', '_svn', '_git', '_hg', '_p']), opt(num))
          .map((p) => p.join('')),
        { maxLength: 2 },
      )
      .map((a) => a.join('')),
    opt(word(['~abc123', '~0f'])),
    opt(num.map((n) => '-r' + n)),
  )
  .map((p) => p.join(''));

const cran = fc
  .tuple(
    num,
    fc.array(
      fc.tuple(word(['.', '-']), num).map((p) => p.join('')),
      { minLength: 1, maxLength: 4 },
    ),
  )
  .map(([h, t]) => h + t.join(''));
const hackage = dotted(1, 5);
const pub = fc
  .tuple(
    semver,
    opt(
      fc
        .array(fc.oneof(num, word(['a', 'b1', 'z'])), { minLength: 1, maxLength: 2 })
        .map((a) => '+' + a.join('.')),
    ),
  )
  .map(([s, b]) => (s.includes('+') ? s : s + b));
const vendor = fc
  .tuple(
    dotted(1, 4),
    opt(fc.tuple(word(['-', ' ', '']), word(['beta', 'rc1', 'rc2', 'build 5', 'b2'])).map((p) => p.join(''))),
  )
  .map((p) => p.join(''));

const schemes: [string, fc.Arbitrary<string>][] = [
  ['npm', semver],
  ['Go', semver],
  ['PyPI', fc.oneof(pep440, pypiLegacy)],
  ['Maven', maven],
  ['NuGet', nuget],
  ['RubyGems', gem],
  ['Packagist', packagist],
  ['Debian', debian],
  ['Red Hat', rpm],
  ['Alpine', alpine],
  ['CRAN', cran],
  ['Hackage', hackage],
  ['Pub', pub],
  ['vendor', vendor],
];

const sign = (n: number) => (n < 0 ? -1 : n > 0 ? 1 : 0);

describe.each(schemes)('%s comparator properties', (eco, arb) => {
  const cmp = comparatorFor(eco) as Comparator;
  const runs = { numRuns: 2000 };
  it('accepts every generated version', () => {
    fc.assert(
      fc.property(arb, (v) => cmp.isValid(v)),
      runs,
    );
  });
  it('compare(a, a) = 0', () => {
    fc.assert(
      fc.property(arb, (a) => cmp.compare(a, a) === 0),
      runs,
    );
  });
  it('is antisymmetric', () => {
    fc.assert(
      fc.property(arb, arb, (a, b) => sign(cmp.compare(a, b)) === -sign(cmp.compare(b, a))),
      runs,
    );
  });
  it('is transitive', () => {
    fc.assert(
      fc.property(arb, arb, arb, (a, b, c) => {
        const ab = sign(cmp.compare(a, b));
        const bc = sign(cmp.compare(b, c));
        const ac = sign(cmp.compare(a, c));
        if (ab <= 0 && bc <= 0)
          return ac <= 0 && (ab === 0 && bc === 0 ? ac === 0 : true) && (ab < 0 || bc < 0 ? ac < 0 : true);
        if (ab >= 0 && bc >= 0) return ac >= 0 && (ab > 0 || bc > 0 ? ac > 0 : true);
        return true;
      }),
      runs,
    );
  });
  it('sorting with it is consistent (sorted neighbours are ordered)', () => {
    fc.assert(
      fc.property(fc.array(arb, { minLength: 2, maxLength: 30 }), (vs) => {
        const sorted = [...vs].sort((x, y) => cmp.compare(x, y));
        for (let i = 0; i + 1 < sorted.length; i++)
          if (cmp.compare(sorted[i]!, sorted[i + 1]!) > 0) return false;
        return true;
      }),
      { numRuns: 500 },
    );
  });
  it('property tests are not vacuous: generated versions are not all equal', () => {
    const sample = fc.sample(arb, { numRuns: 200, seed: 42 });
    const distinct = new Set(sample.map((v) => sample.filter((w) => cmp.compare(v, w) < 0).length));
    expect(distinct.size).toBeGreaterThan(5);
  });
});

describe('hostile input', () => {
  const hostile = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'grapheme', maxLength: 20 }),
    fc
      .array(fc.constantFrom('1', '0', '.', '-', '_', '+', '~', '^', ':', 'a', 'rc', 'v', ' ', '#', '!'), {
        maxLength: 60,
      })
      .map((a) => a.join('')),
  );
  it.each(comparators.map((c) => [c.id, c] as const))(
    '%s: parse never throws; compare returns a number or throws InvalidVersionError',
    (_id, cmp) => {
      fc.assert(
        fc.property(hostile, hostile, (a, b) => {
          cmp.parse(a);
          try {
            const d = cmp.compare(a, b);
            return typeof d === 'number' && !Number.isNaN(d) && cmp.isValid(a) && cmp.isValid(b);
          } catch (e) {
            return e instanceof InvalidVersionError && (!cmp.isValid(a) || !cmp.isValid(b));
          }
        }),
        { numRuns: 1000 },
      );
    },
  );
});
