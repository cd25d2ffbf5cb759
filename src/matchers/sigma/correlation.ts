/**
 * Sigma correlation rules (`event_count`, `value_count`, `temporal`, `temporal_ordered`) with
 * `group-by`, `timespan` and `aliases`. Base-rule matches are recorded compactly during the scan
 * (time, group key, value) and evaluated in `finish()`: one finding per (rule, group, window).
 * Windows are greedy and non-overlapping: a window starts at the earliest unconsumed match,
 * spans `timespan`, and is consumed when the condition holds.
 */
import type { SigmaCorrelation, SigmaYaml } from '../../intel/sigma/types.js';
import { parseNumber } from './modifiers/numeric.js';
import { unsupported } from './modifiers/types.js';

/** One recorded base-rule match. */
export interface CorrEvent {
  t: number;
  /** Index of the referenced rule in the correlation's `rules`. */
  rule: number;
  value?: string;
  ref: { time?: string; recordId?: number; file?: string };
}

/** A correlation window that satisfied the condition. */
export interface CorrWindow {
  group: string;
  events: CorrEvent[];
  count: number;
}

const UNITS: Record<string, number> = {
  s: 1e3,
  m: 60e3,
  h: 3600e3,
  d: 86400e3,
  w: 7 * 86400e3,
  M: 30 * 86400e3,
  y: 365 * 86400e3,
};

/** Parses a Sigma timespan (`30s`, `5m`, `1h`, `2d`, `1w`, `1M`, `1y`) into milliseconds. */
export function parseTimespan(s: string | undefined): number {
  const m = /^\s*(\d+)\s*([smhdwMy])\s*$/.exec(s ?? '');
  if (!m) unsupported(`correlation: invalid timespan ${JSON.stringify(s)}`);
  return Number(m[1]) * UNITS[m[2]!]!;
}

/** A compiled count condition (`gte: 10`, `{gt: 2, lt: 5}`, `field` for value_count). */
export interface CountCondition {
  test: (n: number) => boolean;
  field?: string;
  text: string;
}

/** Compiles a correlation condition. */
export function compileCountCondition(
  cond: SigmaYaml | undefined,
  type: string,
  ruleCount: number,
): CountCondition {
  if (cond === undefined || cond === null) {
    if (type === 'temporal' || type === 'temporal_ordered')
      return { test: (n) => n >= ruleCount, text: `gte ${ruleCount}` };
    unsupported(`correlation ${type}: missing condition`);
  }
  if (typeof cond !== 'object' || Array.isArray(cond))
    unsupported('correlation: condition must be a mapping');
  const tests: ((n: number) => boolean)[] = [];
  let field: string | undefined;
  for (const [k, v] of Object.entries(cond)) {
    if (k === 'field') {
      if (typeof v !== 'string') unsupported('correlation: condition field must be a string');
      field = v;
      continue;
    }
    const n = typeof v === 'string' ? parseNumber(v) : Number.NaN;
    if (Number.isNaN(n)) unsupported(`correlation: condition ${k} needs a number`);
    switch (k) {
      case 'gt':
        tests.push((x) => x > n);
        break;
      case 'gte':
        tests.push((x) => x >= n);
        break;
      case 'lt':
        tests.push((x) => x < n);
        break;
      case 'lte':
        tests.push((x) => x <= n);
        break;
      case 'eq':
        tests.push((x) => x === n);
        break;
      case 'neq':
        tests.push((x) => x !== n);
        break;
      default:
        unsupported(`correlation: unknown condition operator ${k}`);
    }
  }
  if (tests.length === 0) unsupported('correlation: condition without an operator');
  if (type === 'value_count' && field === undefined)
    unsupported('correlation value_count: condition needs field');
  const out: CountCondition = { test: (x) => tests.every((t) => t(x)), text: JSON.stringify(cond) };
  if (field !== undefined) out.field = field;
  return out;
}

/** The correlation types supported. */
export const CORRELATION_TYPES = ['event_count', 'value_count', 'temporal', 'temporal_ordered'] as const;

/** Validates a correlation block at compile time. */
export function checkCorrelation(c: SigmaCorrelation): { span: number; cond: CountCondition } {
  if (!(CORRELATION_TYPES as readonly string[]).includes(c.type))
    unsupported(`correlation: unknown type ${c.type}`);
  if (c.rules.length === 0) unsupported('correlation: no rules');
  return {
    span: parseTimespan(c.timespan),
    cond: compileCountCondition(c.condition, c.type, c.rules.length),
  };
}

function windowValue(type: string, evs: CorrEvent[], nRules: number): number {
  switch (type) {
    case 'event_count':
      return evs.length;
    case 'value_count':
      return new Set(evs.map((e) => e.value).filter((v) => v !== undefined)).size;
    case 'temporal':
      return new Set(evs.map((e) => e.rule)).size;
    default: {
      // temporal_ordered: how many of the rules appear in order (as a subsequence)
      let next = 0;
      for (const e of evs) if (e.rule === next && next < nRules) next++;
      return next;
    }
  }
}

/** Evaluates one group's matches (any order); returns the windows satisfying the condition. */
export function evaluateGroup(
  type: string,
  group: string,
  events: CorrEvent[],
  span: number,
  cond: CountCondition,
  nRules: number,
): CorrWindow[] {
  const evs = [...events].sort((a, b) => a.t - b.t || a.rule - b.rule);
  const out: CorrWindow[] = [];
  let i = 0;
  while (i < evs.length) {
    const start = evs[i]!.t;
    let j = i;
    while (j < evs.length && evs[j]!.t - start <= span) j++;
    const win = evs.slice(i, j);
    const n = windowValue(type, win, nRules);
    if (cond.test(n)) {
      out.push({ group, events: win, count: n });
      i = j;
    } else {
      i++;
    }
  }
  return out;
}
