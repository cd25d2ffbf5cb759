/**
 * A small reader of STIX 2.1 patterns, enough for indicator exchange: one or more observation
 * expressions `[path = 'value' OR path = 'value']` joined by `OR`. Each equality on a supported
 * object path becomes one value. `AND`, `FOLLOWEDBY`, qualifiers (`WITHIN`, `REPEATS`, `START`),
 * other operators (`LIKE`, `MATCHES`, `!=`, `IN`) and unknown paths are reported, never
 * approximated. Linear-time, no regexes over the whole pattern, never throws.
 */
import type { IndicatorType } from '../../core/intel.js';

/** One value a pattern names. */
export interface PatternValue {
  type: IndicatorType;
  value: string;
}

/** What a pattern yields: values, or the reason it cannot be used. */
export type PatternRead = { ok: true; values: PatternValue[] } | { ok: false; reason: string };

type Tok = { k: 'lb' | 'rb' | 'lp' | 'rp' } | { k: 'str'; v: string } | { k: 'word'; v: string };

const MAX_PATTERN = 64 * 1024;

function tokenize(p: string): Tok[] | string {
  const out: Tok[] = [];
  let i = 0;
  while (i < p.length) {
    const c = p[i] as string;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    if (c === '[') {
      out.push({ k: 'lb' });
      i++;
      continue;
    }
    if (c === ']') {
      out.push({ k: 'rb' });
      i++;
      continue;
    }
    if (c === '(') {
      out.push({ k: 'lp' });
      i++;
      continue;
    }
    if (c === ')') {
      out.push({ k: 'rp' });
      i++;
      continue;
    }
    if (c === "'") {
      let v = '';
      i++;
      let closed = false;
      while (i < p.length) {
        const d = p[i] as string;
        if (d === '\\' && i + 1 < p.length) {
          v += p[i + 1];
          i += 2;
          continue;
        }
        if (d === "'") {
          closed = true;
          i++;
          break;
        }
        v += d;
        i++;
      }
      if (!closed) return 'unterminated string literal';
      out.push({ k: 'str', v });
      continue;
    }
    // A word: an object path (with quoted segments after a dot), an operator or a keyword.
    let w = '';
    while (i < p.length) {
      const d = p[i] as string;
      if (d === "'" && w.endsWith('.')) {
        const end = p.indexOf("'", i + 1);
        if (end < 0) return 'unterminated quoted path segment';
        w += p.slice(i, end + 1);
        i = end + 1;
        continue;
      }
      if (
        d === ' ' ||
        d === '\t' ||
        d === '\n' ||
        d === '\r' ||
        d === '[' ||
        d === ']' ||
        d === '(' ||
        d === ')' ||
        d === "'"
      )
        break;
      w += d;
      i++;
    }
    if (w === '') return `unexpected character ${JSON.stringify(c)}`;
    out.push({ k: 'word', v: w });
  }
  return out;
}

/** The indicator type of a STIX object path, or undefined. */
export function typeOfPath(path: string): IndicatorType | 'ip-or-cidr' | undefined {
  const p = path.replace(/'/g, '').toLowerCase();
  switch (p) {
    case 'file:hashes.sha-256':
    case 'file:hashes.sha256':
      return 'sha256';
    case 'file:hashes.sha-1':
    case 'file:hashes.sha1':
      return 'sha1';
    case 'file:hashes.md5':
      return 'md5';
    case 'file:name':
      return 'filename';
    case 'domain-name:value':
      return 'domain';
    case 'ipv4-addr:value':
    case 'ipv6-addr:value':
      return 'ip-or-cidr';
    case 'url:value':
      return 'url';
    case 'email-addr:value':
    case 'email-message:from_ref.value':
    case 'email-message:sender_ref.value':
      return 'email';
    default:
      return undefined;
  }
}

/** Reads a STIX 2.1 pattern. */
export function readStixPattern(pattern: string): PatternRead {
  if (pattern.length > MAX_PATTERN)
    return { ok: false, reason: `pattern longer than ${MAX_PATTERN} characters` };
  const toks = tokenize(pattern);
  if (typeof toks === 'string') return { ok: false, reason: toks };
  const values: PatternValue[] = [];
  let i = 0;
  let expectObs = true;
  while (i < toks.length) {
    const t = toks[i] as Tok;
    if (t.k === 'lp' || t.k === 'rp') {
      i++;
      continue;
    }
    if (expectObs) {
      if (t.k !== 'lb') return { ok: false, reason: 'expected [ at the start of an observation expression' };
      i++;
      let expectCmp = true;
      for (;;) {
        const u = toks[i];
        if (u === undefined) return { ok: false, reason: 'unterminated observation expression (missing ])' };
        i++;
        if (u.k === 'rb') break;
        if (u.k === 'lp' || u.k === 'rp') continue;
        if (expectCmp) {
          const op = toks[i];
          const lit = toks[i + 1];
          if (u.k !== 'word' || op?.k !== 'word' || lit === undefined)
            return { ok: false, reason: 'malformed comparison expression' };
          let negated = false;
          let opWord = op.v.toUpperCase();
          let litTok = lit;
          let step = 2;
          if (opWord === 'NOT') {
            negated = true;
            const real = toks[i + 1];
            if (real?.k !== 'word') return { ok: false, reason: 'malformed NOT comparison' };
            opWord = real.v.toUpperCase();
            litTok = toks[i + 2] as Tok;
            step = 3;
          }
          if (negated || opWord !== '=')
            return {
              ok: false,
              reason: `comparison operator ${negated ? 'NOT ' : ''}${opWord} is not supported (only =)`,
            };
          if (litTok?.k !== 'str')
            return { ok: false, reason: `comparison on ${u.v} has a non-string value` };
          const type = typeOfPath(u.v);
          if (type === undefined) return { ok: false, reason: `object path ${u.v} is not supported` };
          values.push({
            type: type === 'ip-or-cidr' ? (litTok.v.includes('/') ? 'cidr' : 'ip') : type,
            value: litTok.v,
          });
          i += step;
          expectCmp = false;
        } else {
          if (u.k !== 'word') return { ok: false, reason: 'expected OR between comparisons' };
          const w = u.v.toUpperCase();
          if (w !== 'OR')
            return { ok: false, reason: `${w} inside an observation expression is not supported (only OR)` };
          expectCmp = true;
        }
      }
      expectObs = false;
    } else {
      if (t.k !== 'word') return { ok: false, reason: 'expected OR between observation expressions' };
      const w = t.v.toUpperCase();
      if (w !== 'OR')
        return { ok: false, reason: `${w} between observation expressions is not supported (only OR)` };
      i++;
      expectObs = true;
    }
  }
  if (expectObs) return { ok: false, reason: values.length === 0 ? 'empty pattern' : 'pattern ends with OR' };
  return { ok: true, values };
}
