/**
 * Time-part modifiers `minute`, `hour`, `day`, `week`, `month`, `year` (UTC): the part of the
 * field's timestamp is compared with the rule value (equality, or a following `lt`/`lte`/`gt`/`gte`).
 */
import { compileNumeric, parseNumber, type NumericOp } from './numeric.js';
import { plainText } from './string.js';
import { unsupported, type SigmaValue } from './types.js';

/** A time-part modifier. */
export type TimePart = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

/** Parses event timestamps: ISO 8601 (`2024-01-02T03:04:05Z`) and `2024-01-02 03:04:05.123` (UTC). */
export function parseEventTime(s: string): number {
  const t = s.trim();
  if (/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}/.test(t))
    return Date.parse(t.replace(' ', 'T') + (/[zZ]|[+-]\d{2}:?\d{2}$/.test(t) ? '' : 'Z'));
  return Date.parse(t);
}

function isoWeek(d: Date): number {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const day = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - day);
  const y0 = new Date(Date.UTC(t.getUTCFullYear(), 0, 1));
  return Math.ceil(((t.getTime() - y0.getTime()) / 86400000 + 1) / 7);
}

/** Extracts the part from a timestamp; NaN when the text is not a time. */
export function timePart(part: TimePart, s: string): number {
  const ms = parseEventTime(s);
  if (Number.isNaN(ms)) return Number.NaN;
  const d = new Date(ms);
  switch (part) {
    case 'minute':
      return d.getUTCMinutes();
    case 'hour':
      return d.getUTCHours();
    case 'day':
      return d.getUTCDate();
    case 'week':
      return isoWeek(d);
    case 'month':
      return d.getUTCMonth() + 1;
    case 'year':
      return d.getUTCFullYear();
  }
}

/** Builds a test on timestamp text. */
export function compileTimePart(
  part: TimePart,
  v: SigmaValue,
  op: NumericOp | undefined,
): (s: string) => boolean {
  if (v.t !== 'str' || !v.parts.every((p) => typeof p === 'string'))
    unsupported(`${part}: value is not a number`);
  if (op) {
    const cmp = compileNumeric(op, v);
    return (s) => {
      const n = timePart(part, s);
      return !Number.isNaN(n) && cmp(String(n));
    };
  }
  const ref = parseNumber(plainText(v.parts));
  if (Number.isNaN(ref)) unsupported(`${part}: value ${JSON.stringify(plainText(v.parts))} is not a number`);
  return (s) => timePart(part, s) === ref;
}
