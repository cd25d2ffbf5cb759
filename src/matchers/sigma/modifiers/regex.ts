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
  const pattern = v.parts.join('');
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

/**
 * A literal every match of the regular expression must contain (the longest one found), or
 * undefined when none can be proven. Conservative: gives up on top-level alternation and on
 * escapes it does not understand; groups and classes only end the current literal run.
 */
export function requiredLiteral(pattern: string): string | undefined {
  let best = '';
  let run = '';
  const flush = (): void => {
    if (run.length > best.length) best = run;
    run = '';
  };
  const n = pattern.length;
  let i = 0;
  while (i < n) {
    const c = pattern[i]!;
    if (c === '|') return undefined; // top-level alternation (groups are skipped below)
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return undefined;
      if (/[A-Za-z0-9]/.test(e)) {
        if (!'dDwWsSbBAz'.includes(e)) return undefined;
        flush();
        i += 2;
        continue;
      }
      i += 2;
      if (quantified(pattern, i, run + e)) {
        flush();
        i = skipQuantifier(pattern, i);
      } else run += e;
      continue;
    }
    if (c === '[') {
      flush();
      let j = i + 1;
      if (pattern[j] === '^') j++;
      if (pattern[j] === ']') j++;
      while (j < n && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
      if (j >= n) return undefined;
      i = skipQuantifier(pattern, j + 1);
      continue;
    }
    if (c === '(') {
      flush();
      let depth = 0;
      let j = i;
      for (; j < n; j++) {
        const d = pattern[j];
        if (d === '\\') j++;
        else if (d === '[') {
          j++;
          if (pattern[j] === '^') j++;
          if (pattern[j] === ']') j++;
          while (j < n && pattern[j] !== ']') j += pattern[j] === '\\' ? 2 : 1;
        } else if (d === '(') depth++;
        else if (d === ')' && --depth === 0) break;
      }
      if (j >= n) return undefined;
      i = skipQuantifier(pattern, j + 1);
      continue;
    }
    if (c === ')') return undefined;
    if (c === '.' || c === '^' || c === '$') {
      flush();
      i = skipQuantifier(pattern, i + 1);
      continue;
    }
    if (c === '*' || c === '+' || c === '?' || (c === '{' && isRepeat(pattern, i))) return undefined; // quantifier without atom
    i += 1;
    if (quantified(pattern, i, run + c)) {
      flush();
      i = skipQuantifier(pattern, i);
    } else run += c;
  }
  flush();
  return best ? best.toLowerCase() : undefined;

  /** When the atom just read is quantified: keep it only if it must occur at least once. */
  function quantified(p: string, at: number, withAtom: string): boolean {
    const q = p[at];
    if (q === '*' || q === '?' || (q === '{' && isRepeat(p, at) && /^\{0[,}]/.test(p.slice(at)))) return true; // optional: drop the atom
    if (q === '+' || (q === '{' && isRepeat(p, at))) {
      run = withAtom; // required once; the run ends after it
      return true;
    }
    return false;
  }
}

function isRepeat(p: string, at: number): boolean {
  return /^\{\d+(,\d*)?\}/.test(p.slice(at, at + 24));
}

function skipQuantifier(p: string, at: number): number {
  let i = at;
  const q = p[i];
  if (q === '*' || q === '+' || q === '?') i++;
  else if (q === '{' && isRepeat(p, i)) i = p.indexOf('}', i) + 1;
  else return i;
  if (p[i] === '?') i++; // lazy
  return i;
}
