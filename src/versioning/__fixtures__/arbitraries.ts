/** fast-check generators of well-formed versions per scheme (shared by property and oracle tests). */
import fc from 'fast-check';

export const num = fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.constantFrom('0', '00', '007', '10', '99999999999999999999'));
const word = (words: string[]) => fc.constantFrom(...words);
const opt = (a: fc.Arbitrary<string>) => fc.option(a, { nil: '' });
const dotted = (min: number, max: number) => fc.array(num, { minLength: min, maxLength: max }).map((a) => a.join('.'));

/** PEP 440 versions in many spellings. */
export const pep440Version = fc
  .tuple(
    opt(word(['1!', '2!'])),
    dotted(1, 4),
    opt(fc.tuple(word(['a', 'b', 'rc', 'alpha', 'c', '.pre', '-beta', 'preview']), opt(num)).map((p) => p.join(''))),
    opt(fc.tuple(word(['.post', '-', 'r', '.rev', 'post']), num).map((p) => p.join(''))),
    opt(fc.tuple(word(['.dev', 'dev', '-dev']), opt(num)).map((p) => p.join(''))),
    opt(fc.array(fc.oneof(num, word(['ubuntu', 'a', 'z9', 'Abc'])), { minLength: 1, maxLength: 3 }).map((a) => '+' + a.join('.'))),
  )
  .map((p) => p.join(''));

/** Debian versions with epochs, tildes, pluses and revisions. */
export const debianVersion = fc
  .tuple(
    opt(fc.integer({ min: 0, max: 3 }).map((e) => `${e}:`)),
    num,
    fc.array(fc.oneof(num, word(['.', '~', '+', 'a', 'rc', '~rc', 'dfsg', 'A', 'z'])), { maxLength: 4 }),
    opt(fc.array(fc.oneof(num, word(['deb', 'u', 'ubuntu', '~', '+', '.', 'a'])), { minLength: 1, maxLength: 4 }).map((a) => '-' + a.join(''))),
  )
  .filter(([, , , rev]) => rev === '' || /[0-9A-Za-z]/.test(rev.slice(1)))
  .map(([e, n, u, r]) => e + n + u.join('') + r);

/** RPM EVRs: tildes, carets, letters, separators, optional epoch and release. */
export const rpmVersion = fc
  .tuple(
    opt(fc.integer({ min: 0, max: 3 }).map((e) => `${e}:`)),
    fc.array(fc.oneof(num, word(['.', '_', '+', 'a', 'rc', '~', '^', 'git', 'el', 'B'])), { minLength: 1, maxLength: 6 }),
    opt(fc.array(fc.oneof(num, word(['.', 'el', '_', '~', '^', 'fc'])), { minLength: 1, maxLength: 4 }).map((a) => '-' + a.join(''))),
  )
  .map(([e, v, r]) => e + v.join('') + r);

/** Gem versions: numeric segments, letter segments, `-` prereleases. */
export const gemVersion = fc
  .tuple(
    dotted(1, 4),
    fc.array(fc.oneof(num, word(['a', 'b', 'pre', 'rc', 'A', 'beta', 'b2', 'rc10'])), { maxLength: 3 }),
    opt(word(['-1', '-pre', '-rc.1', '-x-y'])),
  )
  .map(([r, t, d]) => r + t.map((x) => '.' + x).join('') + d);

const smallNum = fc.oneof(fc.integer({ min: 0, max: 12 }).map(String), fc.constantFrom('00', '007', '10', '2024'));

/** Packagist versions without a `v` prefix or `#` (where we follow Composer, not raw version_compare). */
export const packagistVersion = fc
  .tuple(
    fc.array(smallNum, { minLength: 1, maxLength: 4 }).map((a) => a.join('.')),
    fc.array(
      fc.tuple(word(['.', '-', '_', '+', '']), fc.oneof(smallNum, word(['dev', 'alpha', 'a', 'beta', 'b', 'RC', 'rc', 'pl', 'p', 'patch', 'foo', 'stable', 'BETA']))).map((p) => p.join('')),
      { maxLength: 3 },
    ),
  )
  .map(([r, t]) => r + t.join(''));
