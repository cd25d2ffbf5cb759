/**
 * Guards shared by the exchange-format importers (STIX, MISP, OpenIOC, CSV feeds): decoding with
 * issues, refusal of multi-megabyte lines, a JSON nesting-depth check run before `JSON.parse`
 * (linear scan, no recursion), and an XML DOCTYPE/ENTITY refusal. Never throws.
 */
import { issue, type Issue } from '../core/issue.js';
import { decodeText, hasNul } from '../util/text.js';

/** Longest physical line accepted (bytes of UTF-16 code units); longer lines refuse the file. */
export const MAX_LINE_LENGTH = 1024 * 1024;
/** Deepest JSON nesting accepted (objects plus arrays). */
export const MAX_JSON_DEPTH = 64;

/** Where issues are reported. */
export interface Where {
  file: string;
  pluginId: string;
}

/** Decoded text or the issues that refused it. */
export type Guarded = { ok: true; text: string } | { ok: false; issues: Issue[] };

/**
 * Decodes `content` as UTF-8/UTF-16 text and refuses empty input, binary input and any line longer
 * than {@link MAX_LINE_LENGTH}. `singleLineOk` lets minified JSON through (its depth is checked
 * separately), since JSON producers often write one line.
 */
export function guardText(content: Buffer, where: Where, opts: { singleLineOk?: boolean } = {}): Guarded {
  const fail = (code: Issue['code'], message: string): Guarded => ({
    ok: false,
    issues: [issue(code, message, where)],
  });
  if (content.length === 0) return fail('empty', 'file is empty');
  const decoded = decodeText(content);
  if (decoded === null || (decoded.encoding === 'utf-8' && hasNul(content)))
    return fail('encoding', 'file is not UTF-8/UTF-16 text');
  const text = decoded.text;
  if (!opts.singleLineOk) {
    const long = longestLine(text);
    if (long.length > MAX_LINE_LENGTH) {
      return fail(
        'limit-exceeded',
        `line ${long.line} is ${long.length} characters long (limit ${MAX_LINE_LENGTH}); file refused`,
      );
    }
  }
  return { ok: true, text };
}

/** Length and 1-based number of the longest line. */
export function longestLine(text: string): { length: number; line: number } {
  let best = 0;
  let bestLine = 1;
  let start = 0;
  let line = 1;
  for (let i = 0; i <= text.length; i++) {
    const c = i < text.length ? text.charCodeAt(i) : 10;
    if (c === 10 || c === 13) {
      if (i - start > best) {
        best = i - start;
        bestLine = line;
      }
      if (c === 13 && text.charCodeAt(i + 1) === 10) i++;
      start = i + 1;
      line++;
    }
  }
  return { length: best, line: bestLine };
}

/**
 * Maximum nesting depth of JSON text, computed by a linear scan that skips strings. Stops early
 * (returning `limit + 1`) as soon as the depth exceeds `limit`.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 123 || c === 91) {
      depth++;
      if (depth > max) {
        max = depth;
        if (max > limit) return max;
      }
    } else if (c === 125 || c === 93) depth--;
  }
  return max;
}

/** Parses JSON after the depth check; issues instead of exceptions. */
export function parseJsonGuarded(
  text: string,
  where: Where,
  what: string,
): { ok: true; value: unknown } | { ok: false; issues: Issue[] } {
  const depth = jsonDepth(text);
  if (depth > MAX_JSON_DEPTH) {
    return {
      ok: false,
      issues: [issue('limit-exceeded', `${what} nests deeper than ${MAX_JSON_DEPTH} levels; refused`, where)],
    };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const pos = /at position (\d+)/.exec(msg);
    const truncated =
      /end of JSON input|Unterminated string/i.test(msg) ||
      (pos !== null && Number(pos[1]) >= text.trimEnd().length);
    return {
      ok: false,
      issues: [issue(truncated ? 'truncated' : 'parse-error', `${what} is not valid JSON: ${msg}`, where)],
    };
  }
}

/** Refuses XML that declares a DOCTYPE or ENTITY (entity-expansion and external-entity attacks). */
export function refuseXmlDtd(text: string, where: Where): Issue | undefined {
  const probe = text.slice(0, 1 << 20);
  if (/<!DOCTYPE/i.test(probe) || /<!ENTITY/i.test(probe) || /<!DOCTYPE|<!ENTITY/i.test(text)) {
    return issue(
      'unsupported',
      'XML with a DOCTYPE or ENTITY declaration is refused (entity expansion and external entities are not processed)',
      where,
    );
  }
  return undefined;
}

/** Decodes the first bytes of a file for sniffing (UTF-8, or UTF-16LE when NULs show). */
export function headText(head: Buffer): string {
  const probe = head.subarray(0, 4096);
  if (probe.length >= 2 && probe[0] === 0xfe && probe[1] === 0xff)
    return Buffer.from(probe.subarray(2, 2 + ((probe.length - 2) & ~1)))
      .swap16()
      .toString('utf16le');
  return probe.includes(0) ? probe.toString('utf16le') : probe.toString('utf8');
}
