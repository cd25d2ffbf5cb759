/**
 * Pure-TypeScript EVTX reader. `parseEvtx` is a sync generator over a buffer, `readEvtx` an
 * async iterable over a buffer or a path (streamed chunk by chunk, so memory is bounded by one
 * 64 KiB chunk), and `readEvtxFiles` parses many files on worker threads.
 *
 * @example
 * for await (const e of readEvtx('Security.evtx', { onIssue: console.warn })) console.log(e.event);
 */
import { open } from 'node:fs/promises';
import { issue } from '../../core/issue.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseChunk, readFileHeader } from './parse.js';
import type { EvtxEvent, EvtxOptions } from './parse.js';
import { parseEvtx } from './parse.js';
import type { LogReadOptions, LogReader, LogRecord } from '../types.js';

export {
  parseEvtx,
  parseChunk,
  readFileHeader,
  chunkOffsets,
  CHUNK_SIZE,
  FILE_HEADER_SIZE,
} from './parse.js';
export type { EvtxEvent, EvtxOptions, EvtxFileHeader } from './parse.js';
export { readEvtxFiles, EvtxPool, suggestWorkers, INLINE_BELOW_BYTES } from './pool.js';
export type { EvtxPoolOptions, EvtxBatch } from './pool.js';
export { channelEventKey } from './task.js';
export type { EvtxTaskMode } from './task.js';
export type { JsonValue } from './render.js';

/** Streams the events of an EVTX file (path) or buffer; problems go to `options.onIssue`. */
export async function* readEvtx(
  input: Uint8Array | string,
  options: EvtxOptions = {},
): AsyncGenerator<EvtxEvent> {
  if (typeof input !== 'string') {
    yield* parseEvtx(input, options);
    return;
  }
  const opts: EvtxOptions = { ...options, file: options.file ?? input };
  let fh;
  try {
    fh = await open(input, 'r');
  } catch (e) {
    opts.onIssue?.(
      issue('unreadable', `cannot open: ${e instanceof Error ? e.message : String(e)}`, {
        file: opts.file,
        pluginId: 'logs/evtx',
      }),
    );
    return;
  }
  try {
    const size = (await fh.stat()).size;
    const head = Buffer.alloc(Math.min(FILE_HEADER_SIZE, size));
    await fh.read(head, 0, head.length, 0);
    const header = readFileHeader(head, opts);
    let found = 0;
    for (let off = FILE_HEADER_SIZE; off < size; off += CHUNK_SIZE) {
      const buf = Buffer.allocUnsafe(Math.min(CHUNK_SIZE, size - off));
      const { bytesRead } = await fh.read(buf, 0, buf.length, off);
      const chunk = buf.subarray(0, bytesRead);
      if (bytesRead >= 8 && chunk.toString('latin1', 0, 8) === 'ElfChnk\0') found++;
      yield* parseChunk(chunk, off, opts);
    }
    if (header.valid && found !== header.chunkCount) {
      opts.onIssue?.(
        issue(
          'invalid-value',
          `file header lists ${header.chunkCount} chunks, found ${found} by walking the file`,
          { file: opts.file, offset: 42, pluginId: 'logs/evtx' },
        ),
      );
    }
  } catch (e) {
    opts.onIssue?.(
      issue('unreadable', `read failed: ${e instanceof Error ? e.message : String(e)}`, {
        file: opts.file,
        pluginId: 'logs/evtx',
      }),
    );
  } finally {
    await fh.close();
  }
}

/** The EVTX reader behind the common {@link LogReader} interface (sync, over a buffer). */
export const evtxReader = {
  id: 'logs/evtx',
  sniff: (head: Uint8Array): boolean => {
    const m = Buffer.from(head.buffer, head.byteOffset, Math.min(8, head.byteLength)).toString('latin1');
    return m === 'ElfFile\0' || m === 'ElfChnk\0';
  },
  read: function* (content: Uint8Array, options?: LogReadOptions): Generator<LogRecord> {
    for (const e of parseEvtx(content, options ?? {})) yield { event: e.event, offset: e.offset };
  },
} satisfies LogReader;
