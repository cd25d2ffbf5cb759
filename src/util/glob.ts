/**
 * Safe wildcard matching (`*` any run, `?` one character) without building regexes from
 * untrusted input: a linear-time two-pointer algorithm.
 */
export function wildcardMatch(pattern: string, text: string): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    const pc = pattern[p];
    if (pc === '?' || (pc !== undefined && pc !== '*' && pc === text[t])) {
      p++;
      t++;
    } else if (pc === '*') {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (pattern[p] === '*') p++;
  return p === pattern.length;
}
