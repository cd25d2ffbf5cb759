/**
 * Refanging of defanged indicators, for every intel importer: `hxxp://`, `hxxps[:]//`,
 * `evil[.]com`, `evil(.)com`, `evil{.}com`, `evil[dot]com`, `1.2.3[.]4`, `user[@]x`, `[:]`,
 * `[://]`, `[/]`. Pure and linear-time; no regexes built from input; never throws.
 */

/** Bracketed forms and their plain equivalents, longest first so `[://]` wins over `[:]`. */
const BRACKETED: readonly (readonly [string, string])[] = [
  ['[://]', '://'],
  ['(://)', '://'],
  ['[dot]', '.'],
  ['(dot)', '.'],
  ['{dot}', '.'],
  ['[at]', '@'],
  ['(at)', '@'],
  ['[.]', '.'],
  ['(.)', '.'],
  ['{.}', '.'],
  ['[:]', ':'],
  ['(:)', ':'],
  ['[/]', '/'],
  ['[@]', '@'],
];

/** Defanged URL schemes (case-insensitive) and their real forms. */
const SCHEMES: readonly (readonly [string, string])[] = [
  ['hxxps', 'https'],
  ['hxxp', 'http'],
  ['hxtps', 'https'],
  ['hxtp', 'http'],
  ['htxps', 'https'],
  ['htxp', 'http'],
  ['fxp', 'ftp'],
  ['meow', 'http'],
];

/**
 * Returns the indicator with defanging undone and surrounding whitespace removed. A scheme is
 * only rewritten at the start of the value or of a whitespace-separated word, and only when
 * `:` or a bracketed `[:]` follows, so `hxxp` inside a path or a domain label is kept.
 *
 * @example refang('hxxps[:]//evil[.]com/a') // 'https://evil.com/a'
 * @example refang('10.0.0[.]1') // '10.0.0.1'
 */
export function refang(value: string): string {
  const s = value.trim();
  let out = '';
  let i = 0;
  while (i < s.length) {
    const ch = s[i] as string;
    if (ch === '[' || ch === '(' || ch === '{') {
      let done = false;
      for (const [from, to] of BRACKETED) {
        if (s.length - i >= from.length && s.slice(i, i + from.length).toLowerCase() === from) {
          out += to;
          i += from.length;
          done = true;
          break;
        }
      }
      if (done) continue;
    }
    const wordStart = i === 0 || /\s/.test(s[i - 1] as string);
    if (wordStart) {
      let done = false;
      for (const [from, to] of SCHEMES) {
        const n = from.length;
        if (s.length - i > n && s.slice(i, i + n).toLowerCase() === from) {
          const next = s[i + n];
          const nextBracket = s.slice(i + n, i + n + 3);
          if (
            next === ':' ||
            nextBracket === '[:]' ||
            nextBracket === '(:)' ||
            s.slice(i + n, i + n + 5) === '[://]'
          ) {
            out += to;
            i += n;
            done = true;
            break;
          }
        }
      }
      if (done) continue;
    }
    // A backslash-escaped dot (`evil\.com`), as some feeds write it.
    if (ch === '\\' && s[i + 1] === '.') {
      out += '.';
      i += 2;
      continue;
    }
    out += ch;
    i++;
  }
  return out;
}

/** True when the value shows a defanging marker (so importers can note they refanged it). */
export function isDefanged(value: string): boolean {
  return refang(value) !== value.trim();
}
