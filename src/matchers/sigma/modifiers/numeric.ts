/** Numeric comparison modifiers `lt`, `lte`, `gt`, `gte` (decimal or 0x-hex on both sides). */
import { plainText } from './string.js';
import { unsupported, type SigmaValue } from './types.js';

/** A numeric comparison operator. */
export type NumericOp = 'lt' | 'lte' | 'gt' | 'gte';

/** Parses a decimal (or 0x hexadecimal) number; NaN when it is not one. */
export function parseNumber(s: string): number {
  const t = s.trim();
  if (/^[-+]?0x[0-9a-f]+$/i.test(t)) {
    const neg = t.startsWith('-');
    const n = parseInt(t.replace(/^[-+]?0x/i, ''), 16);
    return neg ? -n : n;
  }
  if (!/^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/.test(t)) return Number.NaN;
  return Number(t);
}

/** Builds a test comparing a field's number with the rule's. Non-numeric field values never match. */
export function compileNumeric(op: NumericOp, v: SigmaValue): (s: string) => boolean {
  if (v.t !== 'str' || !v.parts.every((p) => typeof p === 'string'))
    unsupported(`${op}: value is not a number`);
  const ref = parseNumber(plainText(v.parts));
  if (Number.isNaN(ref)) unsupported(`${op}: value ${JSON.stringify(plainText(v.parts))} is not a number`);
  switch (op) {
    case 'lt':
      return (s) => parseNumber(s) < ref;
    case 'lte':
      return (s) => parseNumber(s) <= ref;
    case 'gt':
      return (s) => parseNumber(s) > ref;
    case 'gte':
      return (s) => parseNumber(s) >= ref;
  }
}
