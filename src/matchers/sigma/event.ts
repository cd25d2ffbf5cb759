/**
 * One event prepared for matching: every field flattened once into a map keyed by the lower-cased
 * field name, with the raw and lower-cased string value computed once per event.
 *
 * Accepts the evtx_dump JSON layout (`{Event:{System, EventData|UserData}}`) and flat events
 * (fields at top level, e.g. Sysmon-like JSON from other tools).
 */

/** A field's value: raw text, lower-cased text (computed once, on first use), and for multi-valued fields every element. */
export interface FieldValue {
  readonly raw: string;
  readonly lower: string;
  /** The source value was JSON null (an empty element). */
  isNull: boolean;
  /** For arrays (unnamed `<Data>` lists): the elements; `raw`/`lower` are then the first element. */
  list?: FieldValue[];
}

/** A prepared event. */
export interface SigmaEvent {
  /** Fields by lower-cased name. */
  fields: Map<string, FieldValue>;
  channel: string;
  eventId: string;
  time?: string;
  computer?: string;
  recordId?: number;
  /** The event came in evtx_dump layout (Windows event log). */
  windows: boolean;
}

const MAX_FIELDS = 4096;
const MAX_DEPTH = 16;

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  return undefined;
}

/** A field value whose lower-cased text is computed on first use, then kept. */
class Value implements FieldValue {
  private low: string | undefined;
  list?: FieldValue[];
  constructor(
    readonly raw: string,
    readonly isNull: boolean,
  ) {}
  get lower(): string {
    return (this.low ??= this.raw.toLowerCase());
  }
}

const NULL_TEXT = '';

function makeValue(v: unknown): FieldValue | undefined {
  if (v === null || v === undefined) return new Value(NULL_TEXT, true);
  const s = scalarText(v);
  if (s !== undefined) return new Value(s, false);
  if (Array.isArray(v)) {
    const list: FieldValue[] = [];
    for (const x of v) {
      const fv = makeValue(x);
      if (fv && !fv.list) list.push(fv);
    }
    const first = list[0];
    const out = new Value(first?.raw ?? NULL_TEXT, first?.isNull ?? true);
    out.list = list;
    return out;
  }
  if (typeof v === 'object') {
    const t = (v as Record<string, unknown>)['#text'];
    if (t !== undefined) return makeValue(t);
  }
  return undefined;
}

/** Field names repeat across events: lower-case each once (bounded cache, no per-event garbage). */
const keyCache = new Map<string, string>();
function lowerKey(name: string): string {
  let k = keyCache.get(name);
  if (k === undefined) {
    k = name.toLowerCase();
    if (keyCache.size < 20_000) keyCache.set(name, k);
  }
  return k;
}

const attrKeyCache = new Map<string, Map<string, string>>();
function attrKey(k: string, a: string): string {
  let m = attrKeyCache.get(k);
  if (!m) {
    m = new Map();
    if (attrKeyCache.size < 1_000) attrKeyCache.set(k, m);
  }
  let out = m.get(a);
  if (out === undefined) {
    out = `${k}_${a}`;
    if (m.size < 1_000) m.set(a, out);
  }
  return out;
}

function put(fields: Map<string, FieldValue>, name: string, v: unknown, overwrite: boolean): void {
  if (fields.size >= MAX_FIELDS) return;
  const key = lowerKey(name);
  if (!overwrite && fields.has(key)) return;
  const fv = makeValue(v);
  if (!fv) return;
  fields.set(key, fv);
  // Defender and some other providers name data with spaces ("Threat Name"); Sigma rules write
  // them without ("ThreatName"). Register the space-less spelling too, never overwriting.
  if (key.includes(' ')) {
    const k2 = key.replace(/ /g, '');
    if (!fields.has(k2)) fields.set(k2, fv);
  }
}

/** Flattens a data section: scalars by name, nested objects by leaf name (Hayabusa-style). */
function flattenData(fields: Map<string, FieldValue>, obj: Record<string, unknown>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const k in obj) {
    if (k === '#attributes') continue;
    const v = obj[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && !('#text' in v)) {
      flattenData(fields, v as Record<string, unknown>, depth + 1);
    } else {
      put(fields, k, v, depth === 0);
    }
  }
}

/** Flattens `System`: scalars by name, `X.#attributes.Y` as `X_Y` (Provider_Name, Security_UserID). */
function flattenSystem(fields: Map<string, FieldValue>, sys: Record<string, unknown>): void {
  for (const k in sys) {
    const v = sys[k];
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      if ('#text' in o) put(fields, k, o['#text'], true);
      const attrs = o['#attributes'];
      if (attrs !== null && typeof attrs === 'object') {
        for (const a in attrs as Record<string, unknown>)
          put(fields, attrKey(k, a), (attrs as Record<string, unknown>)[a], true);
      }
    } else {
      put(fields, k, v, true);
    }
  }
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** Hints from the observation that wrap the event (they win over what the event says). */
export interface EventHints {
  channel?: string | undefined;
  eventId?: number | undefined;
  time?: string | undefined;
  computer?: string | undefined;
  recordId?: number | undefined;
}

/** Prepares an event for matching. Never throws. */
export function prepareEvent(raw: Record<string, unknown>, hints: EventHints = {}): SigmaEvent {
  const fields = new Map<string, FieldValue>();
  const ev = asRecord(raw['Event']);
  let windows = false;
  if (ev) {
    windows = true;
    const data = asRecord(ev['EventData']);
    if (data) flattenData(fields, data, 0);
    else if (ev['EventData'] !== undefined) put(fields, 'EventData', ev['EventData'], true);
    const user = asRecord(ev['UserData']);
    if (user) flattenData(fields, user, 1);
    // System last so EventID/Channel/... are authoritative.
    const sys = asRecord(ev['System']);
    if (sys) flattenSystem(fields, sys);
  } else {
    flattenData(fields, raw, 0);
  }
  const get = (k: string): string | undefined => fields.get(k)?.raw;
  const channel = hints.channel ?? get('channel') ?? '';
  const eventId = hints.eventId !== undefined ? String(hints.eventId) : (get('eventid') ?? '');
  const out: SigmaEvent = { fields, channel, eventId, windows };
  const time = hints.time ?? get('timecreated_systemtime') ?? get('utctime') ?? get('ts') ?? get('timestamp');
  if (time !== undefined) out.time = time;
  const computer = hints.computer ?? get('computer');
  if (computer !== undefined) out.computer = computer;
  const rid =
    hints.recordId ?? (get('eventrecordid') !== undefined ? Number(get('eventrecordid')) : undefined);
  if (rid !== undefined && Number.isFinite(rid)) out.recordId = rid;
  return out;
}

/** Adds alias fields (mapping Sigma names to this log's names); existing fields are kept. */
export function applyAliases(ev: SigmaEvent, aliases: ReadonlyMap<string, string>): void {
  for (const [sigmaName, logName] of aliases) {
    if (ev.fields.has(sigmaName)) continue;
    const v = ev.fields.get(logName);
    if (v) ev.fields.set(sigmaName, v);
  }
}
