/**
 * Checks indicator patterns without ever running a backtracking engine on them: regexes are
 * compiled with re2js (RE2 semantics, linear-time matching), so a pattern RE2 cannot express
 * (backreferences, lookaround) is reported instead of approximated.
 */
import { RE2JS } from 're2js';

/** Longest pattern accepted (bounds compile time and memory). */
export const MAX_PATTERN_LENGTH = 4096;

/** Outcome of checking one pattern. */
export type PatternCheck = { ok: true } | { ok: false; reason: string };

/** Whether `pattern` is usable in `syntax`. Globs (`*`, `?`) are always usable when non-empty. */
export function checkPattern(syntax: 'glob' | 'regex', pattern: string): PatternCheck {
  if (pattern.length === 0) return { ok: false, reason: 'empty pattern' };
  if (pattern.length > MAX_PATTERN_LENGTH)
    return { ok: false, reason: `pattern longer than ${MAX_PATTERN_LENGTH} characters` };
  if (syntax === 'glob') return { ok: true };
  try {
    RE2JS.compile(pattern);
    return { ok: true };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    return { ok: false, reason: `regex not supported by RE2 (linear-time engine): ${msg}` };
  }
}
