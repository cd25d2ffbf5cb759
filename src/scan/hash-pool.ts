/**
 * Hashing at disk speed on every core: a small pool of worker threads, each reading whole files and
 * computing sha256, sha1 and md5 in one pass (md5 alone is slower than the disk on one core). The
 * bytes of files within the size limit come back transferred (no copy) for collectors and content
 * matchers. Used by the runner for plain files; archive members stay on the main thread.
 *
 * Content work on the same threads (docs/decisions/0010-content-scan-on-read-threads.md): the
 * pool is given the content matchers' {@link ThreadScanSpec}s; every thread builds each scanner
 * once (e.g. compiles YARA rules) and runs it on a file's bytes right after hashing them, while they
 * are still in cache, so the bytes are read once and never copied between threads.
 * {@link HashPool.scanContent} runs the scanners on bytes read elsewhere (archive members).
 *
 * Scheduling: one request per thread at a time from a shared queue, so a long file (a 100 MiB
 * binary under a slow rule set) never holds up files queued behind it on the same thread.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ThreadScanSpec } from '../core/plugin.js';
import type { Digests } from '../util/hash.js';

/** A scanner for the threads: the content matcher's id and its spec. */
export interface PoolScanner {
  id: string;
  spec: ThreadScanSpec;
}

/** What each thread gets at start (workerData). */
export interface HashWorkerData {
  scanners: { id: string; module: string; init: unknown }[];
}

/** A request to a worker. */
export type HashRequest =
  | { type: 'hash'; id: number; path: string; shown: string; maxKeep: number }
  | { type: 'scan'; id: number; content: ArrayBuffer; path: string };

/** A worker's answer. */
export type HashResponse =
  | {
      type: 'ready';
      /** Each scanner's `info`, by id; scanners that failed to build are in `errors`. */
      infos: Record<string, unknown>;
      errors: Record<string, string>;
    }
  | {
      type: 'result';
      id: number;
      digests?: Digests;
      size?: number;
      /** The file's bytes (transferred) when within `maxKeep`; `contentLength` bytes are valid. */
      content?: ArrayBuffer;
      contentLength?: number;
      /** Each scanner's result for these bytes, by id (absent when the scanner threw). */
      scans?: Record<string, unknown>;
      error?: string;
    };

/** What hashing one file yields (the shape `readEntries` works with). */
export interface HashedFile {
  content: Buffer | null;
  digests: Digests;
  size: number;
  /** Scanner results by content matcher id (only when the pool has scanners and bytes were kept). */
  scans?: Record<string, unknown>;
}

type Result = Extract<HashResponse, { type: 'result' }>;

function startWorker(workerData: HashWorkerData): Worker {
  const self = import.meta.url;
  if (self.endsWith('.ts')) {
    // Running from sources (tests): load the TypeScript worker through tsx's loader API.
    const api = pathToFileURL(
      createRequire(self)
        .resolve('tsx/esm/api')
        .replace(/\.cjs$/, '.mjs'),
    ).href;
    const entry = new URL('./hash-worker.ts', self).href;
    const code = `(async () => { const { register } = await import(${JSON.stringify(api)}); register(); await import(${JSON.stringify(entry)}); })();`;
    return new Worker(code, { eval: true, workerData });
  }
  return new Worker(new URL('./hash-worker.js', self), { workerData });
}

/** Default number of hashing threads: every core, at most 4. */
export function defaultHashThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

interface Job {
  req: HashRequest;
  transfer: ArrayBuffer[];
  resolve: (r: Result) => void;
  reject: (e: Error) => void;
}

/** A pool of hashing (and content scanning) threads. Call {@link HashPool.close} when done. */
export class HashPool {
  /** True when the threads run content scanners. */
  readonly scans: boolean;
  private readonly slots: { w: Worker; job: Job | null }[] = [];
  private readonly queue: Job[] = [];
  private readonly readies: Promise<void>[] = [];
  private nextId = 0;
  private failure: Error | null = null;

  constructor(threads = defaultHashThreads(), scanners: readonly PoolScanner[] = []) {
    this.scans = scanners.length > 0;
    const data: HashWorkerData = {
      scanners: scanners.map((s) => ({ id: s.id, module: s.spec.module, init: s.spec.init })),
    };
    let reported = false;
    for (let i = 0; i < Math.max(1, threads); i++) {
      const w = startWorker(data);
      const slot: { w: Worker; job: Job | null } = { w, job: null };
      this.readies.push(
        new Promise((resolve) => {
          w.on('message', (res: HashResponse) => {
            if (res.type === 'ready') {
              if (!reported) {
                reported = true;
                for (const s of scanners) if (s.id in res.infos) s.spec.onReady?.(res.infos[s.id]);
              }
              resolve();
              return;
            }
            const job = slot.job;
            slot.job = null;
            if (job) job.resolve(res);
            this.pump();
          });
          const fail = (err: Error): void => {
            resolve();
            this.failure ??= err;
            const job = slot.job;
            slot.job = null;
            job?.reject(err);
            for (const j of this.queue.splice(0)) j.reject(err);
          };
          w.on('error', fail);
          w.on('exit', () => fail(new Error('hash thread exited')));
        }),
      );
      this.slots.push(slot);
    }
  }

  private pump(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.w.postMessage(job.req, job.transfer);
    }
  }

  private run(req: HashRequest, transfer: ArrayBuffer[] = []): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.queue.push({ req, transfer, resolve, reject });
      this.pump();
    });
  }

  /**
   * Reads and hashes one regular file (symlinks are not followed); keeps bytes up to `maxKeep` and
   * runs the scanners on them. `shown` is the path as walked (what scanners see); default `path`.
   */
  async hash(path: string, maxKeep: number, shown = path): Promise<HashedFile> {
    const res = await this.run({ type: 'hash', id: this.nextId++, path, shown, maxKeep });
    if (res.error !== undefined || !res.digests || res.size === undefined)
      throw new Error(res.error ?? 'hash worker returned no digests');
    const out: HashedFile = {
      digests: res.digests,
      size: res.size,
      content: res.content ? Buffer.from(res.content, 0, res.contentLength ?? res.size) : null,
    };
    if (res.scans) out.scans = res.scans;
    return out;
  }

  /** Runs the scanners on a copy of bytes read elsewhere (e.g. an archive member). */
  async scanContent(content: Buffer, path: string): Promise<Record<string, unknown>> {
    const copy = new ArrayBuffer(content.length);
    new Uint8Array(copy).set(content);
    const res = await this.run({ type: 'scan', id: this.nextId++, content: copy, path }, [copy]);
    if (res.error !== undefined) throw new Error(res.error);
    return res.scans ?? {};
  }

  /** Stops the threads (after each has reported its scanners, so `onReady` has been called). */
  async close(): Promise<void> {
    await Promise.all(this.readies);
    await Promise.all(this.slots.map((s) => s.w.terminate()));
    this.slots.length = 0;
  }
}
