import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCidr, ipBytes } from './cidr.js';
import { base64, base64offset, utf16, utf16be, wide } from './encoding.js';
import { compileNumeric, parseNumber } from './numeric.js';
import { compileRegex } from './regex.js';
import { compileParts, contains, endsWith, expand, parseSigmaString, startsWith, windash } from './string.js';
import { compileTimePart, timePart } from './time.js';
import { ANY, ONE, UnsupportedRule, type SigmaValue } from './types.js';

const str = (s: string): SigmaValue => ({ t: 'str', parts: [s] });
const text = (v: SigmaValue): string =>
  v.t === 'str' ? v.parts.map((p) => (typeof p === 'string' ? p : '')).join('') : '';
const m = (pattern: string, cased = false) => {
  const t = compileParts(parseSigmaString(pattern), cased);
  return (s: string) => t(cased ? s : s.toLowerCase());
};

describe('string: wildcards and escapes', () => {
  it('parses * and ? and their escapes like pySigma', () => {
    expect(parseSigmaString('a*b?c')).toEqual(['a', ANY, 'b', ONE, 'c']);
    expect(parseSigmaString('a\\*b')).toEqual(['a*b']);
    expect(parseSigmaString('a\\?b')).toEqual(['a?b']);
    expect(parseSigmaString('a\\\\*')).toEqual(['a\\', ANY]);
    // a backslash before an ordinary character stays literal
    expect(parseSigmaString('C:\\Windows\\x')).toEqual(['C:\\Windows\\x']);
  });
  it('matches case-insensitively unless cased', () => {
    // `\\*` in Sigma is a literal backslash followed by a wildcard; `\*` alone is a literal star
    expect(m('C:\\Windows\\\\*.EXE')('c:\\windows\\system32\\cmd.exe')).toBe(true);
    expect(m('C:\\Windows\\*.EXE')('c:\\windows\\system32\\cmd.exe')).toBe(false);
    expect(m('C:\\Windows\\*.EXE')('c:\\windows*.exe')).toBe(true);
    expect(m('*.exe', true)('CMD.EXE')).toBe(false);
    expect(m('*.EXE', true)('CMD.EXE')).toBe(true);
    expect(m('a?c')('abc')).toBe(true);
    expect(m('a?c')('abbc')).toBe(false);
    expect(m('a\\*c')('abc')).toBe(false);
    expect(m('a\\*c')('a*c')).toBe(true);
  });
  it('general wildcard matching agrees with a reference regex on random inputs', () => {
    const alpha = fc.constantFrom('a', 'b', '*', '?');
    fc.assert(
      fc.property(
        fc.array(alpha, { maxLength: 7 }),
        fc.array(fc.constantFrom('a', 'b'), { maxLength: 9 }),
        (pat, s) => {
          const p = pat.join('');
          const ref = new RegExp('^' + p.replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 's');
          expect(m(p)(s.join(''))).toBe(ref.test(s.join('')));
        },
      ),
      { numRuns: 2000 },
    );
  });
  it('contains/startswith/endswith wrap with *', () => {
    expect(contains(['x'])).toEqual([ANY, 'x', ANY]);
    expect(startsWith(['x', ANY])).toEqual(['x', ANY]);
    expect(endsWith(['x'])).toEqual([ANY, 'x']);
  });
  it('windash allows -, /, en dash, em dash, horizontal bar only where a flag starts', () => {
    const t = compileParts(contains(windash(parseSigmaString(' -enc '))), false);
    for (const d of ['-', '/', '\u2013', '\u2014', '\u2015']) expect(t(`powershell ${d}enc abc`)).toBe(true);
    expect(t('powershell +enc abc')).toBe(false);
    // a dash inside a word is not a flag
    const t2 = compileParts(windash(parseSigmaString('a-b')), false);
    expect(t2('a-b')).toBe(true);
    expect(t2('a/b')).toBe(false);
  });
  it('expand substitutes placeholders and reports unresolved ones', () => {
    const out = expand(parseSigmaString('%dc%\\admin$'), new Map([['dc', ['DC1', 'DC2']]]));
    expect(out).toEqual([['DC1\\admin$'], ['DC2\\admin$']]);
    expect(() => expand(parseSigmaString('%nope%'), new Map())).toThrow(/unresolved placeholder %nope%/);
  });
});

describe('encoding', () => {
  it('base64 encodes utf8 and utf16 forms', () => {
    expect(text(base64(str('ping')))).toBe(Buffer.from('ping').toString('base64'));
    expect(text(base64(wide(str('ab'))))).toBe(Buffer.from('a\0b\0', 'latin1').toString('base64'));
    const be = utf16be(str('a'));
    expect(be.t === 'bytes' && [...be.bytes]).toEqual([0, 0x61]);
    const bom = utf16(str('a'));
    expect(bom.t === 'bytes' && [...bom.bytes]).toEqual([0xff, 0xfe, 0x61, 0]);
  });
  it('rejects wildcards under an encoding', () => {
    expect(() => base64({ t: 'str', parts: ['a', ANY] })).toThrow(UnsupportedRule);
  });
  it('base64offset: some variant occurs in the base64 of any text containing the value (values of 3+ bytes)', () => {
    fc.assert(
      fc.property(
        fc.string({ maxLength: 8 }),
        fc.string({ minLength: 3, maxLength: 12 }),
        fc.string({ maxLength: 8 }),
        (pre, val, post) => {
          const variants = base64offset(str(val))
            .map(text)
            .filter((v) => v.length > 0);
          const whole = Buffer.from(pre + val + post).toString('base64');
          expect(variants.some((v) => whole.includes(v))).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('regex (RE2)', () => {
  it('searches unanchored, honours i/m/s', () => {
    expect(compileRegex(str('\\d+\\.exe$'), new Set())('a123.exe')).toBe(true);
    expect(compileRegex(str('ABC'), new Set())('xabc')).toBe(false);
    expect(compileRegex(str('ABC'), new Set(['i']))('xabc')).toBe(true);
    expect(compileRegex(str('^b'), new Set())('a\nb')).toBe(false);
    expect(compileRegex(str('^b'), new Set(['m']))('a\nb')).toBe(true);
    expect(compileRegex(str('a.b'), new Set())('a\nb')).toBe(false);
    expect(compileRegex(str('a.b'), new Set(['s']))('a\nb')).toBe(true);
  });
  it('reports lookarounds and backreferences as unsupported, never approximates', () => {
    expect(() => compileRegex(str('(?=a)b'), new Set())).toThrow(/re: .*not approximated/);
    expect(() => compileRegex(str('(a)\\1'), new Set())).toThrow(UnsupportedRule);
  });
  it('is linear on a classic catastrophic pattern', () => {
    const t = compileRegex(str('^(a+)+$'), new Set());
    expect(t('a'.repeat(5000) + 'b')).toBe(false);
  });
});

describe('numeric, cidr, time', () => {
  it('compares numbers, decimal and hex', () => {
    expect(parseNumber('0x10')).toBe(16);
    expect(compileNumeric('gt', str('10'))('11')).toBe(true);
    expect(compileNumeric('gte', str('10'))('10')).toBe(true);
    expect(compileNumeric('lt', str('10'))('abc')).toBe(false);
    expect(compileNumeric('lte', str('0x10'))('16')).toBe(true);
    expect(() => compileNumeric('lt', str('ten'))).toThrow(UnsupportedRule);
  });
  it('matches IPv4 and IPv6 networks', () => {
    const v4 = compileCidr(str('10.0.0.0/8'));
    expect(v4('10.200.3.4')).toBe(true);
    expect(v4('11.0.0.1')).toBe(false);
    expect(v4('::ffff:10.1.1.1')).toBe(true);
    expect(v4('not-an-ip')).toBe(false);
    const v6 = compileCidr(str('fe80::/10'));
    expect(v6('fe80::1')).toBe(true);
    expect(v6('febf:ffff::1')).toBe(true);
    expect(v6('fec0::1')).toBe(false);
    expect(v6('10.0.0.1')).toBe(false);
    expect(ipBytes('::1')?.bytes[15]).toBe(1);
    expect(() => compileCidr(str('10.0.0.0/33'))).toThrow(/prefix/);
  });
  it('extracts UTC time parts', () => {
    expect(timePart('hour', '2024-02-29T23:59:00Z')).toBe(23);
    expect(timePart('month', '2024-02-29 23:59:00.123')).toBe(2);
    expect(timePart('week', '2021-01-03T00:00:00Z')).toBe(53); // ISO week of 2020
    expect(compileTimePart('hour', str('3'), undefined)('2024-01-01T03:15:00Z')).toBe(true);
    expect(compileTimePart('hour', str('20'), 'gte')('2024-01-01T03:15:00Z')).toBe(false);
  });
});

describe('regex required literal (prefilter)', () => {
  it('finds a literal every match contains, or none', async () => {
    const { requiredLiteral } = await import('./regex.js');
    expect(requiredLiteral('\\\\Temp\\\\[a-z]+\\.exe$')).toBe('\\temp\\');
    expect(requiredLiteral('abc|defg')).toBeUndefined();
    expect(requiredLiteral('(a|b)cdef')).toBe('cdef');
    expect(requiredLiteral('abcx?')).toBe('abc');
    expect(requiredLiteral('abcx+')).toBe('abcx');
    expect(requiredLiteral('ab{0,2}cd')).toBe('cd');
    expect(requiredLiteral('\\x41BCD')).toBeUndefined();
    expect(requiredLiteral('[0-9]{3}')).toBeUndefined();
  });
  it('is necessary: whenever the regex matches, the literal occurs (random patterns and inputs)', async () => {
    const { requiredLiteral } = await import('./regex.js');
    const atom = fc.constantFrom(
      'a',
      'b',
      'ab',
      '.',
      'a?',
      'b*',
      'a+',
      '(a|b)',
      '[ab]',
      'a{0,2}',
      'b{2}',
      '\\.',
      '|',
    );
    fc.assert(
      fc.property(
        fc.array(atom, { minLength: 1, maxLength: 6 }),
        fc.array(fc.constantFrom('a', 'b', '.'), { maxLength: 10 }),
        (ps, cs) => {
          const p = ps.join('');
          const s = cs.join('');
          let re: RegExp;
          try {
            re = new RegExp(p);
          } catch {
            return;
          }
          const lit = requiredLiteral(p);
          if (lit !== undefined && re.test(s)) expect(s.toLowerCase()).toContain(lit);
        },
      ),
      { numRuns: 3000 },
    );
  });
});
