/**
 * Compiles a Sigma `detection` block once into closures over a {@link SigmaEvent}. Modifiers come
 * from one module per family under `modifiers/`; anything unknown throws UnsupportedRule at
 * compile time (never per event), which the caller turns into an `unsupported` issue.
 */
import type { SigmaYaml } from '../../intel/sigma/types.js';
import { all, any, compileCondition, parseCondition, type Pred } from './condition.js';
import type { SigmaEvent } from './event.js';
import { compileCidr } from './modifiers/cidr.js';
import { base64, base64offset, utf16, utf16be, wide } from './modifiers/encoding.js';
import { compileFieldref, type FieldrefMode } from './modifiers/fieldref.js';
import { compileNumeric, type NumericOp } from './modifiers/numeric.js';
import { compileRegex, requiredLiteral, type RegexFlag } from './modifiers/regex.js';
import {
  compileParts,
  contains,
  endsWith,
  expand,
  isPlain,
  parseSigmaString,
  plainText,
  startsWith,
  windash,
  type StringTest,
} from './modifiers/string.js';
import { compileTimePart, type TimePart } from './modifiers/time.js';
import { conditionNeed, longestLiteral, needAnd, needOr, type Need } from './prefilter.js';
import { ANY, unsupported, type Part, type SigmaValue, type ValueTest } from './modifiers/types.js';

/** Options for compiling. */
export interface CompileOptions {
  /** Values for `expand` placeholders (`%name%` → values). */
  placeholders?: ReadonlyMap<string, readonly string[]>;
}

/** A compiled detection: the predicate and the field names it reads (for evidence). */
export interface CompiledDetection {
  test: Pred<SigmaEvent>;
  /** Field names as written in the rule (first spelling), keyed by lower-case name. */
  fields: Map<string, string>;
  /** Necessary literals (see prefilter.ts); null when unknown. */
  need: Need;
}

const TRANSFORMS = new Set([
  'contains',
  'startswith',
  'endswith',
  'windash',
  'base64',
  'base64offset',
  'wide',
  'utf16le',
  'utf16be',
  'utf16',
  'expand',
]);
const NUMERIC = new Set(['lt', 'lte', 'gt', 'gte']);
const TIMEPARTS = new Set(['minute', 'hour', 'day', 'week', 'month', 'year']);
const REFLAGS = new Set(['i', 'm', 's']);
const FLAGS = new Set([
  'all',
  'cased',
  'exists',
  'fieldref',
  're',
  'cidr',
  ...NUMERIC,
  ...TIMEPARTS,
  ...REFLAGS,
]);

interface Mods {
  transforms: string[];
  all: boolean;
  cased: boolean;
  exists: boolean;
  fieldref: boolean;
  re: boolean;
  reFlags: Set<RegexFlag>;
  cidr: boolean;
  numeric?: NumericOp;
  timePart?: TimePart;
}

function parseMods(list: string[]): Mods {
  const m: Mods = {
    transforms: [],
    all: false,
    cased: false,
    exists: false,
    fieldref: false,
    re: false,
    reFlags: new Set(),
    cidr: false,
  };
  for (const raw of list) {
    const x = raw.toLowerCase();
    if (TRANSFORMS.has(x)) m.transforms.push(x);
    else if (!FLAGS.has(x)) unsupported(`unknown modifier "${raw}"`);
    else if (x === 'all') m.all = true;
    else if (x === 'cased') m.cased = true;
    else if (x === 'exists') m.exists = true;
    else if (x === 'fieldref') m.fieldref = true;
    else if (x === 're') m.re = true;
    else if (x === 'cidr') m.cidr = true;
    else if (REFLAGS.has(x)) {
      if (!m.re) unsupported(`modifier "${raw}" without re`);
      m.reFlags.add(x as RegexFlag);
    } else if (NUMERIC.has(x)) m.numeric = x as NumericOp;
    else if (TIMEPARTS.has(x)) m.timePart = x as TimePart;
  }
  const kinds = [
    m.re,
    m.cidr,
    m.exists,
    m.fieldref,
    m.numeric !== undefined && m.timePart === undefined,
    m.timePart !== undefined,
  ].filter(Boolean).length;
  if (kinds > 1) unsupported(`incompatible modifiers ${list.join('|')}`);
  if ((m.re || m.cidr || m.exists || m.numeric || m.timePart) && m.transforms.length > 0) {
    unsupported(
      `modifiers ${list.join('|')}: string transforms cannot combine with re/cidr/exists/comparisons`,
    );
  }
  return m;
}

function scalarToValue(v: SigmaYaml, raw: boolean): SigmaValue {
  if (v === null) return { t: 'null' };
  if (typeof v === 'boolean')
    return raw ? { t: 'str', parts: [String(v)] } : { t: 'str', parts: [String(v)] };
  if (typeof v === 'string') return { t: 'str', parts: raw ? (v === '' ? [] : [v]) : parseSigmaString(v) };
  unsupported('nested list or map as a value');
}

/** Applies the string/encoding transforms in rule order. */
function transform(values: SigmaValue[], m: Mods, opts: CompileOptions): SigmaValue[] {
  let vs = values;
  for (const t of m.transforms) {
    const next: SigmaValue[] = [];
    for (const v of vs) {
      if (v.t === 'null') unsupported(`modifier ${t} on a null value`);
      switch (t) {
        case 'contains':
        case 'startswith':
        case 'endswith':
        case 'windash': {
          if (v.t !== 'str') unsupported(`${t} after an encoding without base64`);
          const f =
            t === 'contains'
              ? contains
              : t === 'startswith'
                ? startsWith
                : t === 'endswith'
                  ? endsWith
                  : windash;
          next.push({ t: 'str', parts: f(v.parts) });
          break;
        }
        case 'expand':
          if (v.t !== 'str') unsupported('expand on a non-string value');
          for (const p of expand(v.parts, opts.placeholders ?? new Map())) next.push({ t: 'str', parts: p });
          break;
        case 'base64':
          next.push(base64(v));
          break;
        case 'base64offset':
          next.push(...base64offset(v));
          break;
        case 'wide':
        case 'utf16le':
          next.push(wide(v));
          break;
        case 'utf16be':
          next.push(utf16be(v));
          break;
        case 'utf16':
          next.push(utf16(v));
          break;
      }
    }
    vs = next;
  }
  for (const v of vs)
    if (v.t === 'bytes') unsupported('utf16 encoding without a following base64/base64offset');
  return vs;
}

/** Case-insensitive string tests grouped by kind so a long OR list costs one Set lookup or a tight loop. */
function orOfStrings(partsList: Part[][], cased: boolean): StringTest {
  const eq = new Set<string>();
  const inc: string[] = [];
  const sw: string[] = [];
  const ew: string[] = [];
  const other: StringTest[] = [];
  for (const p0 of partsList) {
    const p = cased ? p0 : p0.map((x) => (typeof x === 'string' ? x.toLowerCase() : x));
    const [a, b, c] = p;
    if (isPlain(p)) eq.add(plainText(p));
    else if (p.length === 3 && a === ANY && typeof b === 'string' && c === ANY) inc.push(b);
    else if (p.length === 2 && typeof a === 'string' && b === ANY) sw.push(a);
    else if (p.length === 2 && a === ANY && typeof b === 'string') ew.push(b);
    else other.push(compileParts(p, true));
  }
  const tests: StringTest[] = [];
  if (eq.size === 1) {
    const [only] = eq;
    tests.push((s) => s === only);
  } else if (eq.size > 1) tests.push((s) => eq.has(s));
  if (inc.length === 1) {
    const x = inc[0]!;
    tests.push((s) => s.includes(x));
  } else if (inc.length > 1)
    tests.push((s) => {
      for (const x of inc) if (s.includes(x)) return true;
      return false;
    });
  if (sw.length)
    tests.push((s) => {
      for (const x of sw) if (s.startsWith(x)) return true;
      return false;
    });
  if (ew.length)
    tests.push((s) => {
      for (const x of ew) if (s.endsWith(x)) return true;
      return false;
    });
  tests.push(...other);
  return any(tests);
}

/** Builds the test for one group of alternative values (the variants of one rule value). */
function groupTest(values: SigmaValue[], m: Mods): ValueTest | undefined {
  const nonNull = values.filter((v): v is Extract<SigmaValue, { t: 'str' }> => v.t === 'str');
  if (nonNull.length === 0) return undefined;
  let tests: ((s: string) => boolean)[];
  if (m.re) tests = nonNull.map((v) => compileRegex(v, m.reFlags));
  else if (m.cidr) tests = nonNull.map((v) => compileCidr(v));
  else if (m.timePart) {
    const tp = m.timePart;
    tests = nonNull.map((v) => compileTimePart(tp, v, m.numeric));
  } else if (m.numeric) {
    const op = m.numeric;
    tests = nonNull.map((v) => compileNumeric(op, v));
  } else {
    const t = orOfStrings(
      nonNull.map((v) => v.parts),
      m.cased,
    );
    return m.cased ? (fv) => t(fv.raw) : (fv) => t(fv.lower);
  }
  const t = any(tests);
  return (fv) => t(fv.raw);
}

/**
 * The prefilter literal of a regex (matched on raw text, prefiltered on lower-cased text). The
 * literal is cut at non-ASCII characters (`toLowerCase` is context-dependent for some, e.g. final
 * sigma) and, for case-insensitive patterns, at `s` (RE2 also folds it with U+017F, which
 * `toLowerCase` keeps apart; ASCII `k` is safe since the Kelvin sign lower-cases to `k`).
 */
function regexAtom(pattern: string, flagI: boolean): string | undefined {
  const lit = requiredLiteral(pattern);
  if (!lit) return undefined;
  const ci = flagI || /\(\?[a-z]*i/.test(pattern);
  let best = '';
  for (const piece of lit.split(ci ? /[s\u0080-\uffff]+/ : /[\u0080-\uffff]+/))
    if (piece.length > best.length) best = piece;
  return best || undefined;
}

/** Compiles the values of one field item into a value test. */
function compileValues(
  rawValues: SigmaYaml[],
  m: Mods,
  opts: CompileOptions,
): { test: ValueTest; nullOk: boolean; lits: string[] | null } {
  if (rawValues.length === 0) unsupported('empty value list');
  if (m.exists) {
    if (rawValues.length !== 1) unsupported('exists needs one boolean');
    const v = rawValues[0];
    const want =
      v === true || v === 'true'
        ? true
        : v === false || v === 'false'
          ? false
          : unsupported('exists needs true or false');
    return { test: () => want, nullOk: !want, lits: null };
  }
  if (m.fieldref) {
    const mode: FieldrefMode = m.transforms.includes('contains')
      ? 'contains'
      : m.transforms.includes('startswith')
        ? 'startswith'
        : m.transforms.includes('endswith')
          ? 'endswith'
          : 'equals';
    if (
      m.transforms.some((t) => !['contains', 'startswith', 'endswith'].includes(t)) ||
      m.transforms.length > 1
    ) {
      unsupported(`fieldref with modifiers ${m.transforms.join('|')}`);
    }
    const tests = rawValues.map((v) => compileFieldref(scalarToValue(v, true), mode, m.cased));
    return { test: m.all ? allValues(tests) : anyValue(tests), nullOk: false, lits: null };
  }
  const raw = m.re || m.cidr || m.numeric !== undefined || m.timePart !== undefined;
  const groups = rawValues.map((v) => transform([scalarToValue(v, raw)], m, opts));
  const nullOk = groups.some((g) => g.some((v) => v.t === 'null'));
  // Necessary literals for the prefilter: only for case-insensitive wildcard/literal matching.
  const literalsOf = (g: SigmaValue[]): string[] | null => {
    if (nullOk || m.cidr || m.numeric !== undefined || m.timePart !== undefined || (m.cased && !m.re))
      return null;
    const out: string[] = [];
    for (const v of g) {
      const l =
        v.t !== 'str'
          ? undefined
          : m.re
            ? regexAtom(plainText(v.parts), m.reFlags.has('i'))
            : longestLiteral(v.parts);
      if (!l) return null;
      out.push(l);
    }
    return out.length ? out : null;
  };
  if (m.all) {
    const tests = groups.map((g) => groupTest(g, m)).filter((t): t is ValueTest => t !== undefined);
    if (tests.length === 0) return { test: () => false, nullOk, lits: null };
    // every value is necessary: keep the group with the longest shortest literal
    let lits: string[] | null = null;
    for (const g of groups) {
      const l = literalsOf(g);
      if (l && (!lits || Math.min(...l.map((x) => x.length)) > Math.min(...lits.map((x) => x.length))))
        lits = l;
    }
    return { test: allValues(tests), nullOk, lits };
  }
  // OR over every variant of every value: one grouped test.
  const t = groupTest(groups.flat(), m);
  return { test: t ?? (() => false), nullOk, lits: literalsOf(groups.flat()) };
}

function allValues(ts: ValueTest[]): ValueTest {
  if (ts.length === 1) return ts[0]!;
  return (fv, ev) => {
    for (const t of ts) if (!t(fv, ev)) return false;
    return true;
  };
}

function anyValue(ts: ValueTest[]): ValueTest {
  if (ts.length === 1) return ts[0]!;
  return (fv, ev) => {
    for (const t of ts) if (t(fv, ev)) return true;
    return false;
  };
}

/** A compiled predicate with its necessary condition (for the prefilter). */
interface Compiled {
  pred: Pred<SigmaEvent>;
  need: Need;
}

/** Compiles `Field|mods: values` into an event predicate. */
function compileFieldItem(
  key: string,
  value: SigmaYaml,
  opts: CompileOptions,
  fields: Map<string, string>,
): Compiled {
  const [name0, ...modList] = key.split('|');
  const name = (name0 ?? '').trim();
  const m = parseMods(modList);
  const values = Array.isArray(value) ? value : [value];
  for (const v of values) if (typeof v === 'object' && v !== null) unsupported(`field ${name}: nested value`);
  if (name === '') return { pred: compileKeywords(values, m, opts), need: null };
  const k = name.toLowerCase();
  if (!fields.has(k)) fields.set(k, name);
  if (m.exists) {
    const { nullOk } = compileValues(values, m, opts);
    const want = !nullOk;
    return { pred: (ev) => ev.fields.has(k) === want, need: null };
  }
  const { test, nullOk, lits } = compileValues(values, m, opts);
  const pred: Pred<SigmaEvent> = (ev) => {
    const fv = ev.fields.get(k);
    if (fv === undefined || fv.isNull) {
      if (nullOk) return true;
      if (fv === undefined) return false;
    }
    if (fv.list) {
      for (const x of fv.list) if (test(x, ev)) return true;
      return false;
    }
    return test(fv, ev);
  };
  return { pred, need: lits ? lits.map((lit) => ({ field: k, lit })) : null };
}

/** Keyword (field-less) search: each value is searched as a substring of any field value. */
function compileKeywords(values: SigmaYaml[], m: Mods, opts: CompileOptions): Pred<SigmaEvent> {
  if (m.exists || m.fieldref) unsupported('exists/fieldref on a keyword search');
  const plainSearch = !m.re && !m.cidr && m.numeric === undefined && m.timePart === undefined;
  const mm: Mods = plainSearch && m.transforms.length === 0 ? { ...m, transforms: ['contains'] } : m;
  const { test } = compileValues(values, mm, opts);
  return (ev) => {
    for (const fv of ev.fields.values()) {
      if (fv.list) {
        for (const x of fv.list) if (test(x, ev)) return true;
      } else if (test(fv, ev)) return true;
    }
    return false;
  };
}

/** Compiles one search identifier's definition. */
function compileSearch(def: SigmaYaml, opts: CompileOptions, fields: Map<string, string>): Compiled {
  if (def !== null && typeof def === 'object' && !Array.isArray(def)) {
    const items = Object.entries(def).map(([k, v]) => compileFieldItem(k, v, opts, fields));
    if (items.length === 0) unsupported('empty search identifier');
    return { pred: all(items.map((i) => i.pred)), need: needAnd(items.map((i) => i.need)) };
  }
  if (Array.isArray(def)) {
    if (def.length === 0) unsupported('empty search identifier list');
    const maps = def.filter((d) => d !== null && typeof d === 'object' && !Array.isArray(d));
    const scalars = def.filter((d) => d === null || typeof d !== 'object');
    if (def.some((d) => Array.isArray(d))) unsupported('nested list in a search identifier');
    const parts = maps.map((d) => compileSearch(d, opts, fields));
    if (scalars.length) parts.push({ pred: compileKeywords(scalars, parseMods([]), opts), need: null });
    return { pred: any(parts.map((p) => p.pred)), need: needOr(parts.map((p) => p.need)) };
  }
  if (typeof def === 'string') return { pred: compileKeywords([def], parseMods([]), opts), need: null };
  unsupported(`search identifier of type ${def === null ? 'null' : typeof def}`);
}

/** Compiles a `detection` block (search identifiers plus `condition`). */
export function compileDetection(
  detection: Record<string, SigmaYaml>,
  opts: CompileOptions = {},
): CompiledDetection {
  const fields = new Map<string, string>();
  const ids = new Map<string, Pred<SigmaEvent>>();
  const needs = new Map<string, Need>();
  for (const [name, def] of Object.entries(detection)) {
    if (name === 'condition' || name === 'timeframe') continue;
    const c = compileSearch(def, opts, fields);
    ids.set(name, c.pred);
    needs.set(name, c.need);
  }
  if (detection['timeframe'] !== undefined)
    unsupported('timeframe (Sigma v1 aggregation window) is not supported');
  const cond = detection['condition'];
  const conds = Array.isArray(cond) ? cond : [cond];
  const condNeeds: Need[] = [];
  const preds = conds.map((c) => {
    if (typeof c !== 'string') unsupported('condition is not a string');
    const tree = parseCondition(c);
    condNeeds.push(conditionNeed(tree, needs));
    return compileCondition(tree, ids);
  });
  if (preds.length === 0) unsupported('empty condition');
  return { test: any(preds), fields, need: needOr(condNeeds) };
}
