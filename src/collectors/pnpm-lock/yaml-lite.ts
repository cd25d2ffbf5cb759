/**
 * A fast reader for the YAML subset pnpm writes (block mappings by indentation, plain / quoted
 * scalars, one-line flow collections, `- scalar` sequences), recording the line of every
 * second-level key. Anything outside the subset (block scalars, anchors, tags, multi-line flow,
 * several documents) makes it return `undefined`, and the caller falls back to the full `yaml`
 * parser. All scalars stay strings (like YAML's failsafe schema) so `1.10` is never `1.1`.
 */

/** A parsed YAML node: string scalars, arrays, null-prototype objects. */
export type YamlValue = string | null | YamlValue[] | YamlMap;
/** A mapping with a null prototype (a `__proto__` key is plain data). */
export interface YamlMap {
  [key: string]: YamlValue;
}

/** Result of {@link parseYamlLite}: the document and `top\u0000second` → 1-based line. */
export interface YamlLiteResult {
  value: YamlMap;
  lines: Map<string, number>;
}

const MAX_DEPTH = 64;

interface Frame {
  indent: number;
  /** Container once known; undefined while the key's value kind is still open. */
  obj: YamlMap | YamlValue[] | undefined;
  parent: YamlMap | undefined;
  key: string;
  top: string;
  /** Indentation of this container's entries, fixed by the first one. */
  childIndent?: number;
}

function newMap(): YamlMap {
  return Object.create(null) as YamlMap;
}

/** Parses `text`, or returns undefined when it uses YAML outside pnpm's subset. */
export function parseYamlLite(text: string): YamlLiteResult | undefined {
  const root = newMap();
  const lines = new Map<string, number>();
  const stack: Frame[] = [{ indent: -1, obj: root, parent: undefined, key: '', top: '' }];
  let pos = 0;
  let lineNo = 0;
  let started = false;
  const n = text.length;
  while (pos < n) {
    let end = text.indexOf('\n', pos);
    if (end < 0) end = n;
    lineNo++;
    let line = text.slice(pos, end);
    pos = end + 1;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    let indent = 0;
    while (indent < line.length && line.charCodeAt(indent) === 32) indent++;
    if (indent === line.length) continue;
    const c0 = line.charCodeAt(indent);
    if (c0 === 35) continue; // comment
    if (c0 === 9) return undefined; // tab indentation
    if (indent === 0 && (line.startsWith('---') || line.startsWith('...'))) {
      if (started || line.trim() !== '---') return undefined;
      continue;
    }
    started = true;
    const content = line.slice(indent);
    if (content.charCodeAt(0) === 45 && (content.length === 1 || content.charCodeAt(1) === 32)) {
      // sequence item: `- scalar` only
      const item = content.slice(1).trim();
      while (stack.length > 1 && stack[stack.length - 1]!.indent > indent) stack.pop();
      let top = stack[stack.length - 1]!;
      if (top.obj === undefined && top.indent <= indent) {
        const arr: YamlValue[] = [];
        top.obj = arr;
        top.parent![top.key] = arr;
      } else if (top.indent === indent && !Array.isArray(top.obj)) {
        return undefined;
      }
      top = stack[stack.length - 1]!;
      if (!Array.isArray(top.obj)) return undefined;
      if (top.childIndent === undefined) top.childIndent = indent;
      else if (top.childIndent !== indent) return undefined;
      const v = scalarOrFlow(item);
      if (v === undefined || (typeof v === 'string' && isMappingLike(item))) return undefined;
      top.obj.push(v);
      continue;
    }
    // mapping entry
    let key: string;
    let rest: string;
    if (c0 === 34 || c0 === 39) {
      const q = readQuoted(content, 0);
      if (!q) return undefined;
      key = q.value;
      let i = q.end;
      while (i < content.length && content.charCodeAt(i) === 32) i++;
      if (content.charCodeAt(i) !== 58) return undefined;
      rest = content.slice(i + 1);
    } else {
      const sep = content.indexOf(': ');
      if (sep >= 0) {
        key = content.slice(0, sep);
        rest = content.slice(sep + 1);
      } else if (content.endsWith(':')) {
        key = content.slice(0, -1);
        rest = '';
      } else {
        return undefined;
      }
      if (key.includes(' #') || /^[&*!|>%@`{[]/.test(key)) return undefined;
      key = key.trimEnd();
    }
    rest = stripComment(rest).trim();
    while (stack.length > 1 && stack[stack.length - 1]!.indent >= indent) stack.pop();
    const top = stack[stack.length - 1]!;
    if (top.obj === undefined) {
      const m = newMap();
      top.obj = m;
      top.parent![top.key] = m;
    }
    if (Array.isArray(top.obj)) return undefined;
    if (top.childIndent === undefined) top.childIndent = indent;
    else if (top.childIndent !== indent) return undefined;
    const map = top.obj;
    const depth = stack.length;
    if (depth === 2) lines.set(`${stack[1]!.key}\u0000${key}`, lineNo);
    if (rest === '') {
      if (depth > MAX_DEPTH) return undefined;
      map[key] = '';
      stack.push({ indent, obj: undefined, parent: map, key, top: depth === 1 ? key : top.top });
      continue;
    }
    const v = scalarOrFlow(rest);
    if (v === undefined) return undefined;
    map[key] = v;
  }
  return { value: root, lines };
}

function isMappingLike(s: string): boolean {
  return s.includes(': ') || (s.endsWith(':') && !s.startsWith('"') && !s.startsWith("'"));
}

function stripComment(s: string): string {
  if (s.indexOf('#') < 0) return s;
  // a comment starts at ` #` outside quotes
  let q = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (q === 0 && (c === 34 || c === 39)) q = c;
    else if (q !== 0 && c === q) q = 0;
    else if (q === 0 && c === 35 && (i === 0 || s.charCodeAt(i - 1) === 32)) return s.slice(0, i);
  }
  return s;
}

/** A value on one line: quoted, flow, or plain scalar; undefined when outside the subset. */
function scalarOrFlow(s: string): YamlValue | undefined {
  const c = s.charCodeAt(0);
  if (c === 34 || c === 39) {
    const q = readQuoted(s, 0);
    if (!q || s.slice(q.end).trim() !== '') return undefined;
    return q.value;
  }
  if (c === 123 || c === 91) {
    const p = { s, i: 0 };
    const v = readFlow(p, 0);
    if (v === undefined) return undefined;
    skipWs(p);
    return p.i === s.length ? v : undefined;
  }
  // block scalars, anchors, aliases, tags, directives
  if (c === 124 || c === 62 || c === 38 || c === 42 || c === 33 || c === 37 || c === 64 || c === 96)
    return undefined;
  return s;
}

function readQuoted(s: string, start: number): { value: string; end: number } | undefined {
  const q = s.charCodeAt(start);
  let out = '';
  let i = start + 1;
  if (q === 39) {
    for (;;) {
      const j = s.indexOf("'", i);
      if (j < 0) return undefined;
      out += s.slice(i, j);
      if (s.charCodeAt(j + 1) === 39) {
        out += "'";
        i = j + 2;
        continue;
      }
      return { value: out, end: j + 1 };
    }
  }
  for (;;) {
    if (i >= s.length) return undefined;
    const c = s.charCodeAt(i);
    if (c === 34) return { value: out, end: i + 1 };
    if (c === 92) {
      const e = s[i + 1];
      if (e === undefined) return undefined;
      const simple: Record<string, string> = {
        n: '\n',
        t: '\t',
        r: '\r',
        '"': '"',
        '\\': '\\',
        '/': '/',
        '0': '\0',
        ' ': ' ',
      };
      if (simple[e] !== undefined) {
        out += simple[e];
        i += 2;
      } else if (e === 'u' || e === 'x') {
        const len = e === 'u' ? 4 : 2;
        const hex = s.slice(i + 2, i + 2 + len);
        if (!/^[0-9a-fA-F]+$/.test(hex) || hex.length !== len) return undefined;
        out += String.fromCharCode(parseInt(hex, 16));
        i += 2 + len;
      } else {
        return undefined;
      }
      continue;
    }
    out += s[i];
    i++;
  }
}

interface Cursor {
  s: string;
  i: number;
}

function skipWs(p: Cursor): void {
  while (p.i < p.s.length && p.s.charCodeAt(p.i) === 32) p.i++;
}

function readFlow(p: Cursor, depth: number): YamlValue | undefined {
  if (depth > MAX_DEPTH) return undefined;
  skipWs(p);
  const c = p.s.charCodeAt(p.i);
  if (c === 123) {
    p.i++;
    const m = newMap();
    for (;;) {
      skipWs(p);
      if (p.s.charCodeAt(p.i) === 125) {
        p.i++;
        return m;
      }
      const k = readFlowScalar(p, true);
      if (k === undefined) return undefined;
      skipWs(p);
      let v: YamlValue = '';
      if (p.s.charCodeAt(p.i) === 58) {
        p.i++;
        const x = readFlow(p, depth + 1);
        if (x === undefined) return undefined;
        v = x;
      }
      m[k] = v;
      skipWs(p);
      const d = p.s.charCodeAt(p.i);
      if (d === 44) p.i++;
      else if (d !== 125) return undefined;
    }
  }
  if (c === 91) {
    p.i++;
    const a: YamlValue[] = [];
    for (;;) {
      skipWs(p);
      if (p.s.charCodeAt(p.i) === 93) {
        p.i++;
        return a;
      }
      const x = readFlow(p, depth + 1);
      if (x === undefined) return undefined;
      a.push(x);
      skipWs(p);
      const d = p.s.charCodeAt(p.i);
      if (d === 44) p.i++;
      else if (d !== 93) return undefined;
    }
  }
  return readFlowScalar(p, false);
}

function readFlowScalar(p: Cursor, isKey: boolean): string | undefined {
  skipWs(p);
  const c = p.s.charCodeAt(p.i);
  if (c === 34 || c === 39) {
    const q = readQuoted(p.s, p.i);
    if (!q) return undefined;
    p.i = q.end;
    return q.value;
  }
  if (c === 123 || c === 91 || c === 38 || c === 42 || c === 33 || Number.isNaN(c)) return undefined;
  const start = p.i;
  while (p.i < p.s.length) {
    const d = p.s.charCodeAt(p.i);
    if (d === 44 || d === 125 || d === 93) break;
    if (
      d === 58 &&
      (p.i + 1 >= p.s.length || p.s.charCodeAt(p.i + 1) === 32 || (isKey && p.s.charCodeAt(p.i + 1) !== 47))
    )
      break;
    p.i++;
  }
  return p.s.slice(start, p.i).trim();
}
