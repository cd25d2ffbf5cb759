/**
 * Renders a resolved Binary XML tree as evtx_dump JSON (the layout of omerbenamram/evtx and of
 * Sigma's regression data):
 * - an element with only text becomes its value (string text is trimmed, as evtx_dump does); a single integer/boolean value stays a number;
 * - attributes (those with a non-empty value) go under `#attributes`, text beside them under `#text`;
 * - an element without attributes, children or text is `null`;
 * - repeated child names get `_1`, `_2` … suffixes;
 * - inside `EventData`/`UserData`, `Data` elements with a `Name` attribute become `{Name: value}`
 *   pairs (`""` when empty); unnamed `Data` become `Data: {"#text": value | [values]}`.
 */
import type { XElement, XNode, XNum } from './binxml.js';

/** Substitution values of a template instance being rendered (fast path), or none. */
type Vals = readonly (string | XNum | null)[] | undefined;

const NO_VALS: readonly (string | XNum | null)[] = [];

/** A JSON value as produced by the renderer. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
type JsonObject = { [key: string]: JsonValue };

function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** A node with substitutions resolved (XSubst → its scalar value, or null). */
function at(n: XNode, vals: Vals): XNode | null {
  if (typeof n !== 'string' && n.k === 's') return (vals ?? NO_VALS)[n.i] ?? null;
  return n;
}

function hasText(nodes: XNode[], vals: Vals): boolean {
  for (const x of nodes) {
    const n = at(x, vals);
    if (n === null) continue;
    if (typeof n === 'string') {
      if (n.length > 0) return true;
    } else if (n.k === 'n') return true;
  }
  return false;
}

function hasElement(nodes: XNode[]): boolean {
  for (const n of nodes) if (typeof n !== 'string' && n.k === 'e') return true;
  return false;
}

/** Text content (elements skipped); a single scalar keeps its JSON type. */
function content(nodes: XNode[], vals: Vals): JsonValue {
  let single: XNode | undefined;
  let count = 0;
  for (const x of nodes) {
    const n = at(x, vals);
    if (n === null) continue;
    if (typeof n === 'string') {
      if (n.length === 0) continue;
    } else if (n.k !== 'n') continue;
    single = n;
    count++;
  }
  if (count === 1 && single !== undefined && typeof single !== 'string' && single.k === 'n') return single.j;
  let s = '';
  for (const x of nodes) {
    const n = at(x, vals);
    if (n === null) continue;
    if (typeof n === 'string') s += n;
    else if (n.k === 'n') s += n.s;
  }
  return s.trim();
}

function textOf(nodes: XNode[], vals: Vals): string {
  let s = '';
  for (const x of nodes) {
    const n = at(x, vals);
    if (n === null) continue;
    if (typeof n === 'string') s += n;
    else if (n.k === 'n') s += n.s;
  }
  return s;
}

function isContainer(name: string): boolean {
  return name === 'EventData' || name === 'UserData';
}

function nameAttr(el: XElement, vals: Vals): string | undefined {
  for (const a of el.attrs) if (a.name === 'Name') return textOf(a.value, vals);
  return undefined;
}

function elementValue(el: XElement, container: boolean, vals: Vals): JsonValue {
  const text = hasText(el.children, vals);
  const elem = hasElement(el.children);
  let attrText = false;
  for (const a of el.attrs) {
    if (hasText(a.value, vals)) {
      attrText = true;
      break;
    }
  }
  if (!elem && !text && !attrText) return null;
  if (!elem && !attrText) return content(el.children, vals);
  return body(el, container, vals);
}

function dataValue(el: XElement, vals: Vals): JsonValue {
  const elem = hasElement(el.children);
  if (!elem && !hasText(el.children, vals)) return '';
  if (elem) return body(el, false, vals);
  return content(el.children, vals);
}

function body(el: XElement, container: boolean, vals: Vals): JsonObject {
  const obj: JsonObject = {};
  let attrs: JsonObject | undefined;
  for (const a of el.attrs) {
    if (!hasText(a.value, vals)) continue;
    attrs ??= {};
    setKey(attrs, a.name, content(a.value, vals));
  }
  if (attrs) obj['#attributes'] = attrs;
  if (hasText(el.children, vals)) obj['#text'] = content(el.children, vals);

  let flatten = false;
  let positional = 0;
  if (container) {
    for (const c of el.children) {
      if (typeof c === 'string' || c.k !== 'e' || c.name !== 'Data') continue;
      positional++;
      const n = nameAttr(c, vals);
      if (n !== undefined && n.length > 0) flatten = true;
    }
  }
  let positionalDone = false;
  let counts: Map<string, number> | undefined;
  for (const c of el.children) {
    if (typeof c === 'string' || c.k !== 'e') continue;
    if (container && c.name === 'Data') {
      if (flatten) {
        const n = nameAttr(c, vals);
        if (n === undefined || n.length === 0) continue;
        setKey(obj, n, dataValue(c, vals));
      } else if (!positionalDone) {
        positionalDone = true;
        if (positional === 1) {
          obj['Data'] = { '#text': dataValue(c, vals) };
        } else {
          const list: JsonValue[] = [];
          for (const d of el.children) {
            if (typeof d !== 'string' && d.k === 'e' && d.name === 'Data') list.push(dataValue(d, vals));
          }
          obj['Data'] = { '#text': list };
        }
      }
      continue;
    }
    counts ??= new Map();
    const seen = counts.get(c.name) ?? 0;
    counts.set(c.name, seen + 1);
    setKey(obj, seen === 0 ? c.name : `${c.name}_${seen}`, elementValue(c, isContainer(c.name), vals));
  }
  return obj;
}

/**
 * `<EventID Qualifiers="16384">7036</EventID>` (classic providers) would render as
 * `EventID: {"#attributes": {Qualifiers}, "#text": 7036}`. Consumers key on a plain
 * `Event.System.EventID`, so we use evtx_dump's `--separate-json-attributes` form for this one
 * element: `EventID: 7036, EventID_attributes: {Qualifiers: 16384}`.
 */
function splitEventIdAttributes(obj: JsonObject): void {
  const ev = obj['Event'];
  if (ev === null || typeof ev !== 'object' || Array.isArray(ev)) return;
  const sys = ev['System'];
  if (sys === null || typeof sys !== 'object' || Array.isArray(sys)) return;
  const id = sys['EventID'];
  if (id === null || typeof id !== 'object' || Array.isArray(id) || !('#text' in id)) return;
  const keys = Object.keys(id);
  if (keys.some((k) => k !== '#text' && k !== '#attributes')) return;
  const rebuilt: JsonObject = {};
  for (const [k, v] of Object.entries(sys)) {
    if (k === 'EventID') {
      rebuilt['EventID'] = id['#text'] ?? null;
      if (id['#attributes'] !== undefined) rebuilt['EventID_attributes'] = id['#attributes'];
    } else setKey(rebuilt, k, v);
  }
  ev['System'] = rebuilt;
}

/** Renders the root nodes of a record (normally one `Event` element) as an evtx_dump JSON object. */
export function renderRecord(nodes: XNode[]): JsonObject {
  const obj: JsonObject = {};
  const counts = new Map<string, number>();
  const top = (list: XNode[], vals: Vals): void => {
    for (const n of list) {
      if (typeof n === 'string') continue;
      if (n.k === 't') {
        top(n.nodes, n.vals);
        continue;
      }
      if (n.k !== 'e') continue;
      const seen = counts.get(n.name) ?? 0;
      counts.set(n.name, seen + 1);
      setKey(obj, seen === 0 ? n.name : `${n.name}_${seen}`, elementValue(n, isContainer(n.name), vals));
    }
  };
  top(nodes, undefined);
  splitEventIdAttributes(obj);
  return obj;
}
