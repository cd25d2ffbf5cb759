/**
 * Sigma condition parser: `and`, `or`, `not`, parentheses, `1 of x*`, `all of x*`, `1 of them`,
 * `all of them` (precedence not > and > or). Aggregations (`| count() ...`) and `near` are
 * unsupported (replaced by correlation rules in Sigma v2) and reported.
 */
import { unsupported } from './modifiers/types.js';

/** Condition syntax tree. */
export type CondNode =
  | { k: 'id'; name: string }
  | { k: 'of'; all: boolean; pattern: string }
  | { k: 'and'; items: CondNode[] }
  | { k: 'or'; items: CondNode[] }
  | { k: 'not'; item: CondNode };

function tokenize(s: string): string[] {
  const out: string[] = [];
  const re = /\s*(\(|\)|[^\s()]+)/gy;
  let m: RegExpExecArray | null;
  let end = 0;
  while ((m = re.exec(s)) !== null) {
    out.push(m[1]!);
    end = re.lastIndex;
  }
  if (s.slice(end).trim() !== '') unsupported(`condition: cannot tokenize ${JSON.stringify(s)}`);
  return out;
}

/** Parses one condition string. */
export function parseCondition(text: string): CondNode {
  if (text.length > 10_000) unsupported('condition: too long');
  if (text.includes('|'))
    unsupported(`condition: aggregation expressions are not supported (${JSON.stringify(text)})`);
  const toks = tokenize(text);
  let i = 0;
  let depth = 0;
  const peek = (): string | undefined => toks[i];
  const lower = (t: string | undefined): string => (t ?? '').toLowerCase();

  function parseOr(): CondNode {
    const items = [parseAnd()];
    while (lower(peek()) === 'or') {
      i++;
      items.push(parseAnd());
    }
    return items.length === 1 ? items[0]! : { k: 'or', items };
  }
  function parseAnd(): CondNode {
    const items = [parseNot()];
    while (lower(peek()) === 'and') {
      i++;
      items.push(parseNot());
    }
    return items.length === 1 ? items[0]! : { k: 'and', items };
  }
  function parseNot(): CondNode {
    if (lower(peek()) === 'not') {
      i++;
      return { k: 'not', item: parseNot() };
    }
    return parseAtom();
  }
  function parseAtom(): CondNode {
    const t = peek();
    if (t === undefined) unsupported(`condition: unexpected end of ${JSON.stringify(text)}`);
    if (t === '(') {
      if (++depth > 100) unsupported('condition: nested too deeply');
      i++;
      const n = parseOr();
      if (peek() !== ')') unsupported(`condition: missing ) in ${JSON.stringify(text)}`);
      i++;
      depth--;
      return n;
    }
    if (t === ')') unsupported(`condition: unexpected ) in ${JSON.stringify(text)}`);
    const lt = lower(t);
    if (lower(toks[i + 1]) === 'of') {
      if (lt !== '1' && lt !== 'all' && lt !== 'any')
        unsupported(`condition: "${t} of" is not supported (only 1 of / all of)`);
      const target = toks[i + 2];
      if (target === undefined || target === '(' || target === ')')
        unsupported(`condition: "${t} of" without a target`);
      i += 3;
      return { k: 'of', all: lt === 'all', pattern: target };
    }
    if (['and', 'or', 'not', 'of', 'near'].includes(lt))
      unsupported(`condition: unexpected keyword "${t}" in ${JSON.stringify(text)}`);
    i++;
    return { k: 'id', name: t };
  }
  const node = parseOr();
  if (i !== toks.length) unsupported(`condition: unexpected "${toks[i] ?? ''}" in ${JSON.stringify(text)}`);
  return node;
}

/** Matches a search-identifier pattern (`*` wildcard) against a name. */
export function identifierMatches(pattern: string, name: string): boolean {
  if (!pattern.includes('*')) return pattern === name;
  const parts = pattern.split('*');
  let pos = 0;
  for (let j = 0; j < parts.length; j++) {
    const p = parts[j]!;
    if (j === 0) {
      if (!name.startsWith(p)) return false;
      pos = p.length;
    } else if (j === parts.length - 1) {
      return name.length - p.length >= pos && name.endsWith(p);
    } else {
      const at = name.indexOf(p, pos);
      if (at < 0) return false;
      pos = at + p.length;
    }
  }
  return true;
}

/** A compiled predicate over some context. */
export type Pred<T> = (x: T) => boolean;

/** Compiles a condition tree against compiled search identifiers. */
export function compileCondition<T>(node: CondNode, ids: ReadonlyMap<string, Pred<T>>): Pred<T> {
  switch (node.k) {
    case 'id': {
      const p = ids.get(node.name);
      if (!p) unsupported(`condition: unknown search identifier "${node.name}"`);
      return p;
    }
    case 'of': {
      const names =
        node.pattern === 'them'
          ? [...ids.keys()].filter((n) => !n.startsWith('_'))
          : [...ids.keys()].filter((n) => identifierMatches(node.pattern, n));
      if (names.length === 0) unsupported(`condition: "${node.pattern}" matches no search identifier`);
      const preds = names.map((n) => ids.get(n)!);
      return node.all ? all(preds) : any(preds);
    }
    case 'and':
      return all(node.items.map((n) => compileCondition(n, ids)));
    case 'or':
      return any(node.items.map((n) => compileCondition(n, ids)));
    case 'not': {
      const p = compileCondition(node.item, ids);
      return (x) => !p(x);
    }
  }
}

/** AND of predicates (short-circuit), specialised for small arities. */
export function all<T>(ps: Pred<T>[]): Pred<T> {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred<T>, Pred<T>];
    return (x) => a(x) && b(x);
  }
  return (x) => {
    for (const p of ps) if (!p(x)) return false;
    return true;
  };
}

/** OR of predicates (short-circuit), specialised for small arities. */
export function any<T>(ps: Pred<T>[]): Pred<T> {
  if (ps.length === 1) return ps[0]!;
  if (ps.length === 2) {
    const [a, b] = ps as [Pred<T>, Pred<T>];
    return (x) => a(x) || b(x);
  }
  return (x) => {
    for (const p of ps) if (p(x)) return true;
    return false;
  };
}
