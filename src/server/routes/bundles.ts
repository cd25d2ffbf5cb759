/** Evidence upload and jobs. */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { rmSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import { actorName } from '../auth/principal.js';
import type { ServerContext } from '../context.js';
import { HttpError, ipOf, opts, page, who } from '../http.js';
import { checkBundle, keep, receive, sweepPartialUploads, UploadError } from '../services/uploads.js';
import { JOB_STATES, type JobState } from '../state/types.js';
import { tenantParams } from './params.js';

export function bundleRoutes(app: FastifyInstance, ctx: () => ServerContext): void {
  // Uploads cut off by a crash of the previous run are not kept.
  sweepPartialUploads(path.join(ctx().dataDir, 'uploads', 'tmp'));
  app.post(
    '/api/v1/tenants/:tenant/bundles',
    opts(
      { scope: 'tenant', role: 'analyst', upload: true },
      {
        summary: 'Uploads a host bundle (zip or tar.gz, raw body); queued for ingest and matching',
        params: tenantParams,
        querystring: { type: 'object', properties: { name: { type: 'string', maxLength: 255 } } },
      },
    ),
    async (req, reply) => {
      const { tenant } = req.params as { tenant: string };
      const c = ctx();
      const declared = Number(req.headers['content-length'] ?? NaN);
      const dir = path.join(c.dataDir, 'uploads');
      let tmp: string | null = null;
      try {
        if (Number.isFinite(declared) && declared > c.limits.maxUploadBytes)
          throw new UploadError(413, `upload larger than the ${c.limits.maxUploadBytes}-byte limit`);
        const got = await receive(req.raw, path.join(dir, 'tmp'), c.limits.maxUploadBytes);
        tmp = got.tmpPath;
        const dup = await c.state.uploadBySha(tenant, got.sha256);
        if (dup) {
          rmSync(got.tmpPath, { force: true });
          tmp = null;
          return reply.code(200).send({ duplicate: true, upload: dup, job: await c.state.job(dup.jobId) });
        }
        const check = await checkBundle(got.tmpPath, got.size, c.limits);
        const final = keep(got.tmpPath, path.join(dir, `t-${tenant}`), got.sha256, check.kind);
        tmp = null;
        const at = c.now();
        const jobId = randomUUID();
        const upload = {
          id: randomUUID(),
          tenant,
          sha256: got.sha256,
          size: got.size,
          filename: (req.query as { name?: string }).name ?? null,
          path: final,
          uploadedAt: at,
          uploadedBy: actorName(who(req)),
          jobId,
        };
        try {
          await c.state.tx(async (q) => {
            await c.state.createJob(
              { id: jobId, tenant, type: 'ingest', payload: { uploadId: upload.id }, at },
              q,
            );
            await c.state.createUpload(upload, q);
            await c.state.audit(
              {
                at,
                actor: upload.uploadedBy,
                tenant,
                action: 'bundle.upload',
                target: upload.id,
                ip: ipOf(req),
                detail: { sha256: got.sha256, size: got.size, entries: check.entries },
              },
              q,
            );
          });
        } catch (err) {
          // Two identical uploads at once: the second loses the unique (tenant, sha256) race.
          const again = await c.state.uploadBySha(tenant, got.sha256);
          if (again)
            return reply
              .code(200)
              .send({ duplicate: true, upload: again, job: await c.state.job(again.jobId) });
          throw err;
        }
        const job = await c.state.job(jobId);
        if (job) await c.queue.submit(job);
        return reply.code(202).send({ duplicate: false, upload, job });
      } catch (err) {
        if (tmp) rmSync(tmp, { force: true });
        if (err instanceof UploadError) {
          await c.state.audit({
            at: c.now(),
            actor: actorName(who(req)),
            tenant,
            action: 'bundle.refused',
            target: null,
            ip: ipOf(req),
            detail: { reason: err.message },
          });
          throw new HttpError(err.status, err.message, 'bad_upload');
        }
        throw err;
      }
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/bundles',
    opts({ scope: 'tenant', role: 'viewer' }, { summary: 'Uploaded bundles', params: tenantParams }),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const { limit, offset } = page(req.query as Record<string, unknown>);
      return { items: (await ctx().state.uploads(tenant, limit, offset)).map(({ path: _p, ...u }) => u) };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/jobs',
    opts(
      { scope: 'tenant', role: 'viewer' },
      {
        summary: 'Jobs of the tenant with progress',
        params: tenantParams,
        querystring: {
          type: 'object',
          properties: {
            state: { type: 'string', enum: [...JOB_STATES] },
            limit: { type: 'integer' },
            offset: { type: 'integer' },
          },
        },
      },
    ),
    async (req) => {
      const { tenant } = req.params as { tenant: string };
      const q = req.query as { state?: JobState };
      const { limit, offset } = page(req.query as Record<string, unknown>);
      return ctx().state.jobs(tenant, limit, offset, q.state);
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/jobs/:id',
    opts(
      { scope: 'tenant', role: 'viewer' },
      {
        summary: 'One job',
        params: {
          type: 'object',
          properties: { tenant: { type: 'string' }, id: { type: 'string', maxLength: 100 } },
        },
      },
    ),
    async (req) => {
      const { tenant, id } = req.params as { tenant: string; id: string };
      const job = await ctx().state.job(id);
      if (!job || job.tenant !== tenant) throw new HttpError(404, 'no such job', 'not_found');
      return job;
    },
  );
}
