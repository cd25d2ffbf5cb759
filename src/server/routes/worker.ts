/**
 * Routes for `chainhunt worker` (worker tokens, or operators): take an ingest job, download its
 * bundle, post the observations back (stored, matched and reconciled here), or report that the
 * bundle could not be read. Only when jobs go through NATS; with the in-process queue the server
 * runs every job itself and these answer 409.
 */
import { createReadStream, rmSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { actorName } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { HttpError, opts, who } from '../http.js';
import { completionLock, MAX_ATTEMPTS } from '../jobs/nats.js';
import { recordIngest } from '../jobs/process.js';
import { receive, UploadError } from '../services/uploads.js';
import type { Job, Upload } from '../state/types.js';
import { observationFileSource, ProtocolError, type StreamSummary } from '../worker/protocol.js';

const idParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', pattern: '^[A-Za-z0-9-]{1,100}$' } },
} as const;

/** A finished job: the worker acknowledges its message and moves on. */
function finished(job: Job): HttpError {
  return new HttpError(409, `job ${job.id} is already ${job.state}`, 'finished');
}

async function ingestJob(c: ServerContext, id: string): Promise<{ job: Job; upload: Upload }> {
  if (c.queue.kind !== 'nats') throw new HttpError(409, 'jobs run in-process on this server', 'no_workers');
  const job = await c.state.job(id);
  if (!job) throw new HttpError(404, `no job ${id}`, 'not_found');
  if (job.type !== 'ingest') throw new HttpError(409, `job ${id} is a ${job.type} job, run by the server`);
  const uploadId = job.payload['uploadId'];
  const upload = typeof uploadId === 'string' ? await c.state.upload(uploadId) : null;
  if (!upload) {
    await c.state.finishJob(id, { state: 'failed', error: 'the upload is gone' }, c.now());
    throw new HttpError(409, `the upload of job ${id} is gone`, 'finished');
  }
  return { job, upload };
}

export function workerRoutes(app: FastifyInstance, ctx: () => ServerContext): void {
  app.get(
    '/api/v1/worker/jobs/:id',
    opts(
      { scope: 'worker' },
      {
        summary: 'Takes an ingest job delivered by NATS: marks it running, returns it and its upload',
        params: idParams,
      },
    ),
    async (req) => {
      const c = ctx();
      const { id } = req.params as { id: string };
      const { job, upload } = await ingestJob(c, id);
      if (job.state === 'done' || job.state === 'failed') throw finished(job);
      if (job.attempts >= MAX_ATTEMPTS) {
        await c.state.finishJob(
          id,
          { state: 'failed', error: `gave up after ${job.attempts} attempts` },
          c.now(),
        );
        throw new HttpError(409, `job ${id} failed after ${job.attempts} attempts`, 'finished');
      }
      const started = await c.state.startJob(id, c.now());
      if (!started) throw new HttpError(409, `job ${id} is finished`, 'finished');
      await c.state.jobProgress(
        id,
        { done: 0, total: 3, message: `collecting on worker ${actorName(who(req))}` },
        c.now(),
      );
      return {
        job: { id: started.id, type: started.type, tenant: started.tenant, attempts: started.attempts },
        upload: {
          id: upload.id,
          tenant: upload.tenant,
          sha256: upload.sha256,
          size: upload.size,
          file: path.basename(upload.path),
        },
      };
    },
  );

  app.get(
    '/api/v1/worker/uploads/:id/content',
    opts(
      { scope: 'worker' },
      { summary: 'Streams an uploaded bundle whose ingest job is not finished', params: idParams },
    ),
    async (req, reply) => {
      const c = ctx();
      const { id } = req.params as { id: string };
      const upload = await c.state.upload(id);
      if (!upload) throw new HttpError(404, `no upload ${id}`, 'not_found');
      const job = await c.state.job(upload.jobId);
      if (!job || job.state === 'done' || job.state === 'failed')
        throw new HttpError(409, `the job of upload ${id} is finished`, 'finished');
      return reply
        .type('application/octet-stream')
        .header('content-length', String(upload.size))
        .send(createReadStream(upload.path));
    },
  );

  app.post(
    '/api/v1/worker/jobs/:id/observations',
    opts(
      { scope: 'worker' },
      {
        summary:
          'Posts the observations of an ingest job (gzip NDJSON); stored in one transaction, matched, the job done',
        params: idParams,
      },
    ),
    async (req) => {
      const c = ctx();
      const { id } = req.params as { id: string };
      const early = await ingestJob(c, id);
      if (early.job.state === 'done' || early.job.state === 'failed') throw finished(early.job);
      // The stream is spooled first, so a worker dying mid-post leaves no transaction open.
      const maxWire = c.limits.maxUploadBytes * 4;
      let tmp: string | null = null;
      try {
        const got = await receive(req.raw, path.join(c.dataDir, 'uploads', 'tmp'), maxWire).catch(
          (err: unknown) => {
            if (err instanceof UploadError) throw new HttpError(err.status, err.message, 'bad_stream');
            throw err;
          },
        );
        tmp = got.tmpPath;
        const file = got.tmpPath;
        return await completionLock(c).run(async () => {
          const { job, upload } = await ingestJob(c, id);
          // A late duplicate (the job was redelivered and finished by another worker): ignored.
          if (job.state === 'done' || job.state === 'failed') throw finished(job);
          let summary: StreamSummary | null = null;
          const progress = (done: number, total: number, message: string): Promise<void> =>
            c.state.jobProgress(id, { done, total, message }, c.now());
          let result: Record<string, unknown>;
          try {
            await progress(0, 3, 'storing observations from a worker');
            const res = await c.evidence.ingestObservations(
              observationFileSource(file, {
                job: id,
                bundlePath: upload.path,
                maxBytes: c.limits.maxExpandedBytes * 4,
                onEnd: (s) => (summary = s),
              }),
              upload.tenant,
            );
            result = await recordIngest(c, upload, res, progress);
          } catch (err) {
            if (err instanceof ProtocolError) throw new HttpError(400, err.message, 'bad_stream');
            throw err;
          }
          const issueCount = (summary as StreamSummary | null)?.issueCount ?? 0;
          result = { ...result, inputIssues: issueCount, worker: actorName(who(req)) };
          await c.state.finishJob(id, { state: 'done', result }, c.now());
          return { state: 'done', result };
        });
      } finally {
        if (tmp) rmSync(tmp, { force: true });
      }
    },
  );

  app.post(
    '/api/v1/worker/jobs/:id/failure',
    opts(
      { scope: 'worker' },
      {
        summary: 'Reports that a job cannot be done (its bundle cannot be read); the job fails',
        params: idParams,
        body: {
          type: 'object',
          required: ['error'],
          additionalProperties: false,
          properties: { error: { type: 'string', minLength: 1, maxLength: 4000 } },
        },
      },
    ),
    async (req) => {
      const c = ctx();
      const { id } = req.params as { id: string };
      const { error } = req.body as { error: string };
      return completionLock(c).run(async () => {
        const { job } = await ingestJob(c, id);
        if (job.state === 'done' || job.state === 'failed') throw finished(job);
        await c.state.finishJob(id, { state: 'failed', error }, c.now());
        return { state: 'failed' };
      });
    },
  );
}
