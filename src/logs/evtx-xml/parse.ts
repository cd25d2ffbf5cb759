/**
 * Windows XML event exports (`wevtutil qe /f:xml`, Event Viewer "Save as XML", `Get-WinEvent |
 * ForEach-Object ToXml`): every `<Event>` element, with or without an `<Events>` root, becomes an
 * event in the evtx_dump JSON layout (same rules as the binary reader). XML carries no value types,
 * so System fields that are integers in EVTX (EventID, Version, Level, Task, Opcode,
 * EventRecordID, Execution ProcessID/ThreadID) are converted to numbers, GUIDs lose their braces
 * and are upper-cased, and SystemTime becomes `YYYY-MM-DDTHH:MM:SS.ffffffZ` (microseconds); EventData values stay strings
 * except braced GUIDs, which take the EVTX GUID form.
 */
import { XMLParser } from 'fast-xml-parser';
import { issue } from '../../core/issue.js';
import { decodeText } from '../../util/text.js';
import type { XElement, XNode } from '../evtx/binxml.js';
import { renderRecord } from '../evtx/render.js';
import type { LogReadOptions, LogReader, LogRecord } from '../types.js';

const PLUGIN_ID = 'logs/evtx-xml';
/** Largest single `<Event>` element accepted (characters). */
export const MAX_EVENT_CHARS = 16 * 1024 * 1024;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: true,
  htmlEntities: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

type Ordered = Record<string, unknown>;

function toNodes(list: unknown, depth: number): XNode[] {
  const out: XNode[] = [];
  if (!Array.isArray(list) || depth > 64) return out;
  for (const item of list as Ordered[]) {
    if (item === null || typeof item !== 'object') continue;
    for (const key of Object.keys(item)) {
      if (key === ':@') continue;
      const v = item[key];
      if (key === '#text') {
        // Indentation between elements is not content.
        if (typeof v === 'string' && v.trim().length > 0) out.push(v);
        continue;
      }
      if (key.startsWith('?') || key === '#comment') continue;
      const el: XElement = { k: 'e', name: key, attrs: [], children: toNodes(v, depth + 1) };
      const attrs = item[':@'];
      if (attrs && typeof attrs === 'object') {
        for (const [name, value] of Object.entries(attrs as Record<string, unknown>)) {
          el.attrs.push({ name, value: [typeof value === 'string' ? value : String(value)] });
        }
      }
      out.push(el);
    }
  }
  return out;
}

const INT = /^\d{1,15}$/;
const GUID = /^\{([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})\}$/;
const TIME = /^(\d{4}-\d\d-\d\d)[T ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z?$/;

function intOf(v: unknown): unknown {
  return typeof v === 'string' && INT.test(v) ? Number(v) : v;
}

/** Applies the EVTX value types XML loses (see the module comment). */
function normaliseSystem(sys: Record<string, unknown>): void {
  for (const k of ['EventID', 'Version', 'Level', 'Task', 'Opcode', 'EventRecordID']) {
    if (!(k in sys)) continue;
    const v = sys[k];
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if ('#text' in o) o['#text'] = intOf(o['#text']);
    } else sys[k] = intOf(v);
  }
  const q = sys['EventID_attributes'] as Record<string, unknown> | undefined;
  if (q && typeof q === 'object' && 'Qualifiers' in q) q['Qualifiers'] = intOf(q['Qualifiers']);
  const attrsOf = (k: string): Record<string, unknown> | undefined => {
    const v = sys[k];
    return v !== null && typeof v === 'object'
      ? ((v as Record<string, unknown>)['#attributes'] as Record<string, unknown> | undefined)
      : undefined;
  };
  const exec = attrsOf('Execution');
  if (exec) for (const k of ['ProcessID', 'ThreadID']) if (k in exec) exec[k] = intOf(exec[k]);
  for (const [el, names] of [
    ['Provider', ['Guid']],
    ['Correlation', ['ActivityID', 'RelatedActivityID']],
  ] as const) {
    const a = attrsOf(el);
    if (!a) continue;
    for (const k of names) {
      const v = a[k];
      const m = typeof v === 'string' ? GUID.exec(v) : null;
      if (m) a[k] = m[1]!.toUpperCase();
    }
  }
  const tc = attrsOf('TimeCreated');
  if (tc && typeof tc['SystemTime'] === 'string') {
    const m = TIME.exec(tc['SystemTime']);
    if (m) tc['SystemTime'] = `${m[1]}T${m[2]}.${(m[3] ?? '').padEnd(6, '0').slice(0, 6)}Z`;
  }
}

/** Reads every `<Event>` of a Windows XML event export. */
export function* parseEvtxXml(
  content: Uint8Array | string,
  options: LogReadOptions = {},
): Generator<LogRecord> {
  let text: string;
  if (typeof content === 'string') text = content;
  else {
    const d = decodeText(content);
    if (d === null) {
      options.onIssue?.(
        issue('encoding', 'not valid UTF-8/UTF-16 text', { file: options.file, pluginId: PLUGIN_ID }),
      );
      return;
    }
    text = d.text;
  }
  if (/<!DOCTYPE/i.test(text.slice(0, 4096))) {
    options.onIssue?.(
      issue('unsupported', 'XML with a DOCTYPE is not read (entity expansion)', {
        file: options.file,
        line: 1,
        pluginId: PLUGIN_ID,
      }),
    );
    return;
  }
  let pos = 0;
  let line = 1;
  let counted = 0;
  for (;;) {
    let start = text.indexOf('<Event', pos);
    while (start >= 0) {
      const c = text.charCodeAt(start + 6);
      if (c === 32 || c === 62 || c === 9 || c === 10 || c === 13) break;
      start = text.indexOf('<Event', start + 6);
    }
    if (start < 0) return;
    for (let i = counted; i < start; i++) if (text.charCodeAt(i) === 10) line++;
    counted = start;
    const close = text.indexOf('</Event>', start);
    if (close < 0) {
      options.onIssue?.(
        issue('truncated', '<Event> not closed before end of file', {
          file: options.file,
          line,
          pluginId: PLUGIN_ID,
        }),
      );
      return;
    }
    pos = close + 8;
    if (pos - start > MAX_EVENT_CHARS) {
      options.onIssue?.(
        issue('too-large', `<Event> larger than ${MAX_EVENT_CHARS} characters`, {
          file: options.file,
          line,
          pluginId: PLUGIN_ID,
        }),
      );
      continue;
    }
    let parsed: unknown;
    try {
      parsed = parser.parse(text.slice(start, pos), true);
    } catch (e) {
      options.onIssue?.(
        issue('parse-error', `invalid XML: ${e instanceof Error ? e.message : String(e)}`, {
          file: options.file,
          line,
          pluginId: PLUGIN_ID,
        }),
      );
      continue;
    }
    const event = renderRecord(toNodes(parsed, 0)) as Record<string, unknown>;
    const ev = event['Event'];
    if (ev === null || typeof ev !== 'object') {
      options.onIssue?.(
        issue('invalid-value', '<Event> without content', { file: options.file, line, pluginId: PLUGIN_ID }),
      );
      continue;
    }
    const sys = (ev as Record<string, unknown>)['System'];
    if (sys !== null && typeof sys === 'object') normaliseSystem(sys as Record<string, unknown>);
    const data = (ev as Record<string, unknown>)['EventData'];
    if (data !== null && typeof data === 'object' && !Array.isArray(data)) {
      const d = data as Record<string, unknown>;
      for (const k of Object.keys(d)) {
        const v = d[k];
        const m = typeof v === 'string' ? GUID.exec(v) : null;
        if (m) d[k] = m[1]!.toUpperCase();
      }
    }
    yield { event, line };
  }
}

/** True when the first bytes look like a Windows XML event export. */
export function sniffEvtxXml(head: Uint8Array): boolean {
  const d = decodeText(head.subarray(0, Math.min(head.length, 4096)));
  const t =
    d?.text ?? Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 4096)).toString('latin1');
  const s = t.replace(/^\uFEFF/, '').trimStart();
  return s.startsWith('<') && s.includes('http://schemas.microsoft.com/win/2004/08/events/event');
}

/** The Windows XML event export reader. */
export const evtxXmlReader = {
  id: PLUGIN_ID,
  sniff: sniffEvtxXml,
  read: (content: Uint8Array, options?: LogReadOptions) => parseEvtxXml(content, options),
} satisfies LogReader;
