/**
 * A pool of YARA worker threads (see worker.ts): every thread compiles the same rule files once at
 * start (in parallel, while the scan walks), then scans file bytes sent to it (copied, since the
 * runner's collectors still need them). `ready` resolves with the compile issues of the first
 * thread; `close` stops the threads.
 */
import { availableParallelism } from 'node:os';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { DetectionRule } from '../../core/intel.js';
import type { Issue } from '../../core/issue.js';
import type { YaraXRuleMatch, YaraXVariables } from './engine.js';
import type { YaraWorkerRequest, YaraWorkerResponse } from './worker.js';

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

/** Default YARA threads: every core, at most 4. */
export function defaultYaraThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

type Match = YaraXRuleMatch & { fileNamespace: string };

/** YARA scanning on worker threads. */
export class YaraPool {
  readonly ready: Promise<{ issues: Issue[]; files: number }>;
  private readonly slots: { w: Worker; inFlight: number }[] = [];
  private readonly pending = new Map<number, { resolve: (m: Match[]) => void; reject: (e: Error) => void }>();
  private nextId = 0;

  constructor(rules: DetectionRule[], threads: number, maxMatchesPerPattern: number) {
    const readies: Promise<{ issues: Issue[]; files: number }>[] = [];
    for (let i = 0; i < threads; i++) {
      const w = startWorker();
      const slot = { w, inFlight: 0 };
      readies.push(
        new Promise((resolve, reject) => {
          w.on('message', (res: YaraWorkerResponse) => {
            if (res.type === 'ready') {
              resolve({ issues: res.issues, files: res.files });
              return;
            }
            slot.inFlight--;
            const p = this.pending.get(res.id);
            if (!p) return;
            this.pending.delete(res.id);
            if (res.error !== undefined || !res.matches)
              p.reject(new Error(res.error ?? 'YARA worker returned nothing'));
            else p.resolve(res.matches);
          });
          w.on('error', (err) => {
            reject(err);
            for (const [id, p] of this.pending) {
              p.reject(err);
              this.pending.delete(id);
            }
          });
        }),
      );
      w.postMessage({ type: 'init', rules, maxMatchesPerPattern } satisfies YaraWorkerRequest);
      this.slots.push(slot);
    }
    this.ready = Promise.all(readies).then((r) => r[0]!);
    this.ready.catch(() => undefined);
  }

  /** Scans a copy of `content` on the least busy thread. */
  async scan(content: Buffer, variables: YaraXVariables): Promise<Match[]> {
    await this.ready;
    const id = this.nextId++;
    const slot = this.slots.reduce((a, b) => (b.inFlight < a.inFlight ? b : a));
    slot.inFlight++;
    const copy = content.buffer.slice(content.byteOffset, content.byteOffset + content.length) as ArrayBuffer;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.w.postMessage({ type: 'scan', id, content: copy, variables } satisfies YaraWorkerRequest, [copy]);
    });
  }

  /** Stops the threads. */
  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.w.terminate()));
    this.slots.length = 0;
  }
}
