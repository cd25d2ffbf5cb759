/**
 * Hashing at disk speed on every core: a small pool of worker threads, each reading whole files and
 * computing sha256, sha1 and md5 in one pass (md5 alone is slower than the disk on one core). The
 * bytes of files within the size limit come back transferred (no copy) for collectors and content
 * matchers. Used by the runner for plain files; archive members stay on the main thread.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { Digests } from '../util/hash.js';

/** A request to a worker. */
export interface HashRequest {
  id: number;
  path: string;
  maxKeep: number;
}

/** A worker's answer. */
export interface HashResponse {
  id: number;
  digests?: Digests;
  size?: number;
  /** The file's bytes (transferred) when within `maxKeep`; `contentLength` bytes are valid. */
  content?: ArrayBuffer;
  contentLength?: number;
  error?: string;
}

/** What hashing one file yields (the shape `readEntries` works with). */
export interface HashedFile {
  content: Buffer | null;
  digests: Digests;
  size: number;
}

function startWorker(): Worker {
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
    return new Worker(code, { eval: true });
  }
  return new Worker(new URL('./hash-worker.js', self));
}

/** Default number of hashing threads: every core, at most 4. */
export function defaultHashThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

/** A pool of hashing threads. Call {@link HashPool.close} when done. */
export class HashPool {
  private readonly workers: { w: Worker; inFlight: number }[] = [];
  private readonly pending = new Map<
    number,
    { resolve: (r: HashedFile) => void; reject: (e: Error) => void }
  >();
  private nextId = 0;

  constructor(threads = defaultHashThreads()) {
    for (let i = 0; i < threads; i++) {
      const w = startWorker();
      const slot = { w, inFlight: 0 };
      w.on('message', (res: HashResponse) => {
        slot.inFlight--;
        const p = this.pending.get(res.id);
        if (!p) return;
        this.pending.delete(res.id);
        if (res.error !== undefined || !res.digests || res.size === undefined)
          p.reject(new Error(res.error ?? 'hash worker returned no digests'));
        else
          p.resolve({
            digests: res.digests,
            size: res.size,
            content: res.content ? Buffer.from(res.content, 0, res.contentLength ?? res.size) : null,
          });
      });
      w.on('error', (err) => {
        for (const [id, p] of this.pending) {
          p.reject(err);
          this.pending.delete(id);
        }
      });
      this.workers.push(slot);
    }
  }

  /** Reads and hashes one regular file (symlinks are not followed); keeps bytes up to `maxKeep`. */
  hash(path: string, maxKeep: number): Promise<HashedFile> {
    const id = this.nextId++;
    const slot = this.workers.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    slot.inFlight++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.w.postMessage({ id, path, maxKeep } satisfies HashRequest);
    });
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers.length = 0;
  }
}
