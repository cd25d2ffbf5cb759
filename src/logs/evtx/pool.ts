/**
 * Parallel EVTX reading: files are split into ranges of chunks, ranges run on a pool of
 * worker_threads, and results come back in file and chunk order. At most `2 × workers` ranges
 * are in flight, so memory stays bounded whatever the number or size of the files.
 */
import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { issue } from '../../core/issue.js';
import type { Issue } from '../../core/issue.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE } from './parse.js';
import { runEvtxTask } from './task.js';
import type { EvtxTask, EvtxTaskMode, EvtxTaskResult } from './task.js';

/** Options of {@link readEvtxFiles}. */
export interface EvtxPoolOptions {
  /** Worker threads; 0 parses in this thread. Default: available cores, or 0 for small inputs ({@link suggestWorkers}). */
  workers?: number;
  /** `events` (default) returns event objects, `jsonl` JSON Lines text, `count` only counts. */
  mode?: EvtxTaskMode;
  /** Chunks per task (default 16, i.e. 1 MiB). */
  chunksPerTask?: number;
  /** Also read records in chunk slack (see `EvtxOptions.recover`). */
  recover?: boolean;
}

/** One ordered batch of results (a range of chunks of one file). */
export type EvtxBatch = EvtxTaskResult;

function startWorker(): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // Running from sources (tests): load the TypeScript worker through tsx's loader API.
    const api = pathToFileURL(
      createRequire(self)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const entry = new URL('./worker.ts', self).href;
    const code = `(async () => { const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)}); })();`;
    return new Worker(code, { eval: true });
  }
  return new Worker(new URL('./worker.js', self));
}

function planTasks(
  paths: readonly string[],
  mode: EvtxTaskMode,
  per: number,
  recover: boolean,
): { tasks: EvtxTask[]; early: Issue[] } {
  const tasks: EvtxTask[] = [];
  const early: Issue[] = [];
  for (const file of paths) {
    let size: number;
    try {
      size = statSync(file).size;
    } catch (e) {
      early.push(
        issue('unreadable', `cannot stat: ${e instanceof Error ? e.message : String(e)}`, {
          file,
          pluginId: 'logs/evtx',
        }),
      );
      continue;
    }
    const slots = Math.max(0, Math.ceil((size - FILE_HEADER_SIZE) / CHUNK_SIZE));
    if (slots === 0) {
      tasks.push({ id: tasks.length, file, fromChunk: 0, toChunk: 0, header: true, mode, recover });
      continue;
    }
    for (let c = 0; c < slots; c += per) {
      tasks.push({
        id: tasks.length,
        file,
        fromChunk: c,
        toChunk: Math.min(slots, c + per),
        header: c === 0,
        mode,
        recover,
      });
    }
  }
  return { tasks, early };
}

/**
 * A reusable pool of EVTX worker threads (workers stay warm between `read` calls). Call `close()`
 * when done.
 */
export class EvtxPool {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private busy = false;
  private onResult: ((w: Worker, r: EvtxTaskResult) => void) | null = null;
  private failure: Error | null = null;
  private wake: (() => void) | null = null;

  /** Starts `size` workers (0: every read runs in this thread). */
  constructor(readonly size: number = availableParallelism()) {
    for (let i = 0; i < size; i++) {
      const w = startWorker();
      w.on('message', (r: EvtxTaskResult) => this.onResult?.(w, r));
      w.on('error', (e) => {
        this.failure = e;
        this.wake?.();
      });
      this.workers.push(w);
      this.idle.push(w);
    }
  }

  /** Reads `paths` and yields ordered batches; one read at a time per pool. */
  async *read(
    paths: readonly string[],
    options: Omit<EvtxPoolOptions, 'workers'> = {},
  ): AsyncGenerator<EvtxBatch> {
    if (this.busy) throw new Error('EvtxPool.read called while another read is running');
    this.busy = true;
    try {
      yield* this.run(paths, options);
    } finally {
      this.busy = false;
      this.onResult = null;
    }
  }

  private async *run(
    paths: readonly string[],
    options: Omit<EvtxPoolOptions, 'workers'>,
  ): AsyncGenerator<EvtxBatch> {
    const mode = options.mode ?? 'events';
    const per = Math.max(1, options.chunksPerTask ?? 16);
    const { tasks, early } = planTasks(paths, mode, per, options.recover === true);
    if (early.length) {
      yield {
        id: -1,
        file: early[0]!.file ?? '',
        events: [],
        lines: '',
        records: 0,
        bytes: 0,
        counts: {},
        issues: early,
        chunksFound: 0,
        headerChunkCount: null,
      };
    }
    // Per file: chunk signatures found vs the header's chunk count, checked after its last task.
    const lastTaskOf = new Map<string, number>();
    for (const t of tasks) lastTaskOf.set(t.file, t.id);
    const found = new Map<string, { n: number; header: number | null }>();
    const finish = (r: EvtxTaskResult): EvtxTaskResult => {
      const f = found.get(r.file) ?? { n: 0, header: null };
      f.n += r.chunksFound;
      if (r.headerChunkCount !== null) f.header = r.headerChunkCount;
      found.set(r.file, f);
      if (lastTaskOf.get(r.file) === r.id && f.header !== null && f.header !== f.n && f.n > 0) {
        r.issues.push(
          issue('invalid-value', `file header lists ${f.header} chunks, found ${f.n} by walking the file`, {
            file: r.file,
            offset: 42,
            pluginId: 'logs/evtx',
          }),
        );
      }
      return r;
    };

    if (this.workers.length === 0) {
      for (const t of tasks) yield finish(runEvtxTask(t));
      return;
    }

    const results = new Map<number, EvtxTaskResult>();
    const maxInFlight = this.workers.length * 2;
    let next = 0;
    let emitted = 0;
    const feed = (): void => {
      while (this.idle.length && next < tasks.length && next - emitted < maxInFlight)
        this.idle.pop()!.postMessage(tasks[next++]);
    };
    this.onResult = (w, r) => {
      results.set(r.id, r);
      this.idle.push(w);
      feed();
      this.wake?.();
    };
    feed();
    while (emitted < tasks.length) {
      const r = results.get(emitted);
      if (r) {
        results.delete(emitted);
        emitted++;
        feed();
        yield finish(r);
        continue;
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = null;
    }
  }

  /** Stops the workers. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.workers.length = 0;
    this.idle.length = 0;
  }
}

/** Below this many bytes in total, starting worker threads costs more than it saves. */
export const INLINE_BELOW_BYTES = 8 * 1024 * 1024;

/**
 * Worker count for reading `paths`: 0 (parse in this thread) when they are small in total,
 * else `requested` (default: available cores).
 */
export function suggestWorkers(paths: readonly string[], requested?: number): number {
  let total = 0;
  for (const p of paths) {
    try {
      total += statSync(p).size;
    } catch {
      // unreadable files are reported by the read itself
    }
    if (total >= INLINE_BELOW_BYTES) return Math.max(0, Math.floor(requested ?? availableParallelism()));
  }
  return 0;
}

/**
 * Reads many EVTX files in parallel and yields ordered batches. A batch's `issues` include header
 * and chunk-count problems; reading never throws for bad input.
 *
 * @example
 * for await (const b of readEvtxFiles(['Security.evtx'], { workers: 2 })) for (const e of b.events) use(e.event);
 */
export async function* readEvtxFiles(
  paths: readonly string[],
  options: EvtxPoolOptions = {},
): AsyncGenerator<EvtxBatch> {
  const pool = new EvtxPool(
    options.workers !== undefined ? Math.max(0, Math.floor(options.workers)) : suggestWorkers(paths),
  );
  try {
    yield* pool.read(paths, options);
  } finally {
    await pool.close();
  }
}
