/**
 * The `re` modifier and its flags `i`, `m`, `s`, on the linear-time RE2 engine (re2js): a rule's
 * regular expression can never hang a scan. Constructs RE2 cannot express (lookarounds,
 * backreferences, possessive quantifiers, huge repeat counts) make the rule unsupported; they are
 * never approximated. Matching is an unanchored search on the raw (case-preserved) value.
 */
import { RE2JS } from 're2js';
import { unsupported, type SigmaValue } from './types.js';

/** Regex flags Sigma defines as sub-modifiers of `re`. */
export type RegexFlag = 'i' | 'm' | 's';

/** Compiles a Sigma regular expression; throws UnsupportedRule with RE2's reason. */
export function compileRegex(v: SigmaValue, flags: ReadonlySet<RegexFlag>): (s: string) => boolean {
  if (v.t !== 'str' || !v.parts.every((p) => typeof p === 'string')) unsupported('re: value is not a string');
  const pattern = (v.parts).join('');
  let f = 0;
  if (flags.has('i')) f |= RE2JS.CASE_INSENSITIVE;
  if (flags.has('m')) f |= RE2JS.MULTILINE;
  if (flags.has('s')) f |= RE2JS.DOTALL;
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern, f);
  } catch (e) {
    unsupported(`re: ${(e as Error).message} (RE2 cannot express it; not approximated)`);
  }
  return (s) => re.test(s);
}
