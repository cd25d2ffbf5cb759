/**
 * The default job queue: the state store is the queue, and this process runs jobs one at a time
 * (the evidence store takes one writer). After a crash, jobs left `running` are queued again.
 */
import type { JobQueue, ServerContext } from '../context.js';
import type { Job } from '../state/types.js';
import { runJob } from './runner.js';

export class LocalQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private wake: (() => void) | null = null;
  private stopped = false;
  private loop: Promise<void> | null = null;
  private readonly abort = new AbortController();

  constructor(private readonly ctx: () => ServerContext) {}

  submit(_job: Job): Promise<void> {
    this.wake?.();
    return Promise.resolve();
  }

  async start(): Promise<void> {
    await this.ctx().state.requeueRunning(this.ctx().now());
    this.loop = this.run();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const ctx = this.ctx();
      const job = await ctx.state.claimJob(ctx.now()).catch(() => null);
      if (!job) {
        await new Promise<void>((resolve) => {
          this.wake = resolve;
          setTimeout(resolve, 1000).unref();
        });
        this.wake = null;
        continue;
      }
      try {
        await runJob(ctx, job, this.abort.signal);
      } catch {
        // Aborted by close(): the job stays running and is re-queued at the next start.
      }
    }
  }

  async close(): Promise<void> {
    this.stopped = true;
    this.abort.abort();
    this.wake?.();
    await this.loop;
  }
}
