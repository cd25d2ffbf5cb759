/**
 * One unit of parallel work: a range of chunk slots of one EVTX file, read from disk with
 * positional reads (so memory is bounded by the range) and parsed. Shared by the worker threads
 * and by the in-thread fallback of `readEvtxFiles`.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { issue } from '../../core/issue.js';
import type { Issue } from '../../core/issue.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseChunk, readFileHeader } from './parse.js';
import type { EvtxEvent } from './parse.js';

/** What a task produces: `events` (mode `events`), `lines` (mode `jsonl`) or only counts (mode `count`). */
export type EvtxTaskMode = 'events' | 'jsonl' | 'count';

/** A range of chunk slots `[fromChunk, toChunk)` of one file. */
export interface EvtxTask {
  id: number;
  file: string;
  fromChunk: number;
  toChunk: number;
  /** Whether this task also checks the file header (the first task of each file). */
  header: boolean;
  mode: EvtxTaskMode;
  recover: boolean;
}

/** The result of one task. */
export interface EvtxTaskResult {
  id: number;
  file: string;
  events: EvtxEvent[];
  /** JSON Lines (one evtx_dump object per line) when mode is `jsonl`. */
  lines: string;
  records: number;
  bytes: number;
  /** `Channel|EventID` → count, for every mode. */
  counts: Record<string, number>;
  issues: Issue[];
  /** Chunks whose signature was found (header task only counts toward the chunk check). */
  chunksFound: number;
  headerChunkCount: number | null;
}

/** `Channel|EventID` key of an evtx_dump event (EventID may carry Qualifiers as `#text`). */
export function channelEventKey(event: Record<string, unknown>): string {
  const ev = event['Event'] as Record<string, unknown> | null | undefined;
  const sys = (ev && typeof ev === 'object' ? ev['System'] : undefined) as
    Record<string, unknown> | null | undefined;
  let id: unknown = sys && typeof sys === 'object' ? sys['EventID'] : undefined;
  if (id !== null && typeof id === 'object') id = (id as Record<string, unknown>)['#text'];
  const ch: unknown = sys && typeof sys === 'object' ? sys['Channel'] : undefined;
  return `${typeof ch === 'string' ? ch : ''}|${typeof id === 'number' || typeof id === 'string' ? id : ''}`;
}

/** Runs one task synchronously. Never throws: I/O errors become `unreadable` issues. */
export function runEvtxTask(task: EvtxTask): EvtxTaskResult {
  const res: EvtxTaskResult = {
    id: task.id,
    file: task.file,
    events: [],
    lines: '',
    records: 0,
    bytes: 0,
    counts: {},
    issues: [],
    chunksFound: 0,
    headerChunkCount: null,
  };
  const opts = { file: task.file, onIssue: (i: Issue) => res.issues.push(i), recover: task.recover };
  let fd = -1;
  try {
    fd = openSync(task.file, 'r');
    const size = fstatSync(fd).size;
    if (task.header) {
      const h = Buffer.alloc(Math.min(FILE_HEADER_SIZE, size));
      readSync(fd, h, 0, h.length, 0);
      res.headerChunkCount = readFileHeader(h, opts).chunkCount;
      res.bytes += h.length;
    }
    const buf = Buffer.allocUnsafe(CHUNK_SIZE);
    const parts: string[] = [];
    for (let c = task.fromChunk; c < task.toChunk; c++) {
      const off = FILE_HEADER_SIZE + c * CHUNK_SIZE;
      if (off >= size) break;
      const n = readSync(fd, buf, 0, Math.min(CHUNK_SIZE, size - off), off);
      res.bytes += n;
      const chunk = buf.subarray(0, n);
      if (n >= 8 && chunk.toString('latin1', 0, 8) === 'ElfChnk\0') res.chunksFound++;
      for (const ev of parseChunk(chunk, off, opts)) {
        res.records++;
        const k = channelEventKey(ev.event);
        res.counts[k] = (res.counts[k] ?? 0) + 1;
        if (task.mode === 'events') res.events.push(ev);
        else if (task.mode === 'jsonl') parts.push(JSON.stringify(ev.event));
      }
    }
    if (parts.length) res.lines = parts.join('\n') + '\n';
  } catch (e) {
    res.issues.push(
      issue('unreadable', `cannot read: ${e instanceof Error ? e.message : String(e)}`, {
        file: task.file,
        pluginId: 'logs/evtx',
      }),
    );
  } finally {
    if (fd >= 0) closeSync(fd);
  }
  return res;
}
