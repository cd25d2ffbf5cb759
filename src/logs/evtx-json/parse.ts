/**
 * evtx_dump JSON: one object per line (JSONL), pretty-printed objects one after another (Sigma's
 * regression data), a JSON array of objects, or evtx_dump's default output where each object is
 * preceded by a `Record <n>` line. Objects are cut out by a linear brace/string scanner, so one bad
 * object is an issue and the next one still parses.
 */
import { issue } from '../../core/issue.js';
import { decodeText } from '../../util/text.js';
import type { LogReadOptions, LogReader, LogRecord } from '../types.js';

const PLUGIN_ID = 'logs/evtx-json';
/** Largest single event object accepted (characters). */
export const MAX_OBJECT_CHARS = 16 * 1024 * 1024;

/** Reads evtx_dump JSON events from text or bytes. */
export function* parseEvtxJson(
  content: Uint8Array | string,
  options: LogReadOptions = {},
): Generator<LogRecord> {
  const where = (line: number): { file?: string | undefined; line: number; pluginId: string } => ({
    file: options.file,
    line,
    pluginId: PLUGIN_ID,
  });
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
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let line = 1;
  let i = 0;
  const n = text.length;
  let garbageReported = false;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) {
      line++;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 44 || c === 91 || c === 93) {
      i++; // whitespace, and the commas/brackets of a JSON array
      continue;
    }
    if (c !== 123) {
      // Skip the rest of the line (e.g. evtx_dump's "Record 12" header).
      const eol = text.indexOf('\n', i);
      const piece = text.slice(i, eol < 0 ? n : eol);
      if (!/^Record \d+\s*$/.test(piece) && !garbageReported) {
        options.onIssue?.(
          issue(
            'parse-error',
            `unexpected text outside a JSON object: ${JSON.stringify(piece.slice(0, 40))}`,
            where(line),
          ),
        );
        garbageReported = true;
      }
      i = eol < 0 ? n : eol;
      continue;
    }
    // Scan one balanced object.
    const start = i;
    const startLine = line;
    let depth = 0;
    let inStr = false;
    let j = i;
    for (; j < n; j++) {
      const d = text.charCodeAt(j);
      if (d === 10) line++;
      if (inStr) {
        if (d === 92) j++;
        else if (d === 34) inStr = false;
        continue;
      }
      if (d === 34) inStr = true;
      else if (d === 123 || d === 91) depth++;
      else if (d === 125 || d === 93) {
        depth--;
        if (depth === 0) break;
      }
      if (j - start > MAX_OBJECT_CHARS) break;
    }
    if (j - start > MAX_OBJECT_CHARS) {
      options.onIssue?.(
        issue('too-large', `JSON object larger than ${MAX_OBJECT_CHARS} characters`, where(startLine)),
      );
      return;
    }
    if (j >= n) {
      options.onIssue?.(issue('truncated', 'JSON object not closed before end of file', where(startLine)));
      return;
    }
    i = j + 1;
    let obj: unknown;
    try {
      obj = JSON.parse(text.slice(start, i));
    } catch (e) {
      options.onIssue?.(
        issue('parse-error', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`, where(startLine)),
      );
      continue;
    }
    if (
      obj === null ||
      typeof obj !== 'object' ||
      Array.isArray(obj) ||
      typeof (obj as Record<string, unknown>)['Event'] !== 'object' ||
      (obj as Record<string, unknown>)['Event'] === null
    ) {
      options.onIssue?.(issue('invalid-value', 'JSON object has no "Event" object', where(startLine)));
      continue;
    }
    yield { event: obj as Record<string, unknown>, line: startLine };
  }
}

/** True when the first bytes look like evtx_dump JSON (an object with `"Event"` and `"System"`). */
export function sniffEvtxJson(head: Uint8Array): boolean {
  const d = decodeText(head.subarray(0, Math.min(head.length, 4096)));
  // A truncated head may end inside a multi-byte character; fall back to latin1.
  const t = (
    d?.text ?? Buffer.from(head.buffer, head.byteOffset, Math.min(head.byteLength, 4096)).toString('latin1')
  ).replace(/^\uFEFF/, '');
  let s = t.trimStart();
  const rec = /^Record \d{1,20}/.exec(s);
  if (rec) s = s.slice(rec[0].length).trimStart();
  if (s.startsWith('[')) s = s.slice(1).trimStart();
  if (!s.startsWith('{')) return false;
  return /^\{\s{0,256}"Event"\s{0,256}:\s{0,256}\{/.test(s) && s.includes('"System"');
}

/** The evtx_dump JSON reader. */
export const evtxJsonReader = {
  id: PLUGIN_ID,
  sniff: sniffEvtxJson,
  read: (content: Uint8Array, options?: LogReadOptions) => parseEvtxJson(content, options),
} satisfies LogReader;
