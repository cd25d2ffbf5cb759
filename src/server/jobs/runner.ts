/**
 * Runs a claimed job: progress into the state store, the result or the error at the end. Shared by
 * the in-process queue and the NATS workers' server-side completion.
 */
import { errorMessage } from '../../core/errors.js';
import type { ServerContext } from '../context.js';
import { urgently } from '../state/sql.js';
import type { Job } from '../state/types.js';
import { processJob } from './process.js';

export async function runJob(ctx: ServerContext, job: Job, signal: AbortSignal): Promise<'done' | 'failed'> {
  try {
    // Urgently: the job's state reads go before queued API reads (src/server/state/sql.ts).
    const result = await urgently(() =>
      processJob(
        ctx,
        job,
        (done, total, message) => ctx.state.jobProgress(job.id, { done, total, message }, ctx.now()),
        signal,
      ),
    );
    await ctx.state.finishJob(job.id, { state: 'done', result }, ctx.now());
    return 'done';
  } catch (err) {
    if (signal.aborted) throw err;
    await ctx.state.finishJob(job.id, { state: 'failed', error: errorMessage(err) }, ctx.now());
    return 'failed';
  }
}
