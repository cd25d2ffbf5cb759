/**
 * Job processing: an ingest job stores an uploaded bundle and matches it; a hunt job re-matches a
 * tenant's stored evidence after its intel changed. Both end by reconciling the hosts' cases. Jobs
 * are idempotent: re-running one (after a crash, or a redelivery) stores nothing twice.
 */
import { randomUUID } from 'node:crypto';
import type { Finding } from '../../core/finding.js';
import { caseKeyOf, isoTime, reconcileHost } from '../cases/engine.js';
import type { ServerContext, ServerEvent } from '../context.js';
import type { IngestResult } from '../../store/ingest.js';
import type { Case, HostBundle, Job, Upload } from '../state/types.js';

export type Progress = (done: number, total: number, message: string) => Promise<void>;

/** Runs one job; returns its result (stored on the job). Throws on failure. */
export async function processJob(
  ctx: ServerContext,
  job: Job,
  progress: Progress,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  if (job.type === 'ingest') return processIngest(ctx, job, progress, signal);
  if (job.type === 'hunt') return processHunt(ctx, job, progress);
  throw new Error(`unknown job type ${String(job.type)}`);
}

async function processIngest(
  ctx: ServerContext,
  job: Job,
  progress: Progress,
  signal: AbortSignal,
): Promise<Record<string, unknown>> {
  const uploadId = typeof job.payload['uploadId'] === 'string' ? job.payload['uploadId'] : '';
  const upload = await ctx.state.upload(uploadId);
  if (!upload) throw new Error(`upload ${uploadId} not found`);
  await progress(0, 3, 'collecting observations');
  const res = await ctx.evidence.ingest(upload.path, upload.tenant, signal);
  return recordIngest(ctx, upload, res, progress);
}

/**
 * After an upload's observations are stored (here, or from a worker's stream): records its bundles
 * in the state store, matches them and reconciles the hosts' cases; returns the job's result.
 */
export async function recordIngest(
  ctx: ServerContext,
  upload: Upload,
  res: IngestResult,
  progress: Progress,
): Promise<Record<string, unknown>> {
  const at = ctx.now();
  const bundles: (HostBundle & { hostname: string | null; os: string | null })[] = res.bundles.map((b) => ({
    tenant: upload.tenant,
    host: b.host,
    bundleId: b.bundleId,
    ingestId: b.storedIngestId,
    collectedAt: isoTime(b.collectedAt ?? upload.uploadedAt),
    ingestedAt: at,
    kinds: b.kinds,
    uploadId: upload.id,
    hostname: b.hostname,
    os: b.os,
  }));
  await progress(1, 3, 'recording bundles');
  await ctx.state.tx(async (q) => {
    for (const b of bundles) await ctx.state.recordBundle(b, q);
  });
  await progress(2, 3, 'matching');
  const hosts = [...new Set(bundles.map((b) => b.host))].sort();
  const ingestIds = new Set(bundles.map((b) => b.ingestId));
  for (const h of hosts) {
    const rec = await ctx.state.host(upload.tenant, h);
    if (rec?.lastIngestId) ingestIds.add(rec.lastIngestId);
  }
  const m = await matchAndReconcile(ctx, upload.tenant, { hosts, ingestIds: [...ingestIds] });
  await progress(3, 3, 'done');
  return {
    uploadId: upload.id,
    bundles: res.bundles.map((b) => ({
      bundleId: b.bundleId,
      host: b.host,
      status: b.status,
      observations: b.observations,
    })),
    inputIssues: res.issues.length,
    ...m,
  };
}

async function processHunt(
  ctx: ServerContext,
  job: Job,
  progress: Progress,
): Promise<Record<string, unknown>> {
  const tenant = job.tenant;
  if (!tenant) throw new Error('a hunt job needs a tenant');
  await progress(0, 1, 'retro-hunt over stored evidence');
  const m = await matchAndReconcile(ctx, tenant, {});
  await progress(1, 1, 'done');
  return { reason: job.payload['reason'] ?? null, ...m };
}

/** Matches stored evidence (of `hosts`, restricted to `ingestIds` when given) and reconciles cases. */
export async function matchAndReconcile(
  ctx: ServerContext,
  tenant: string,
  scope: { hosts?: string[]; ingestIds?: string[] },
): Promise<{
  findings: number;
  newFindings: number;
  casesOpened: number;
  transitions: number;
  intelIssues: number;
}> {
  const intel = await ctx.intel.forTenant(tenant);
  const outcome = await ctx.evidence.hunt(intel.intel, {
    tenant,
    ...(scope.hosts?.length === 1 && scope.hosts[0] !== undefined ? { host: scope.hosts[0] } : {}),
    ...(scope.ingestIds ? { ingestIds: scope.ingestIds } : {}),
  });
  const hostNames = new Set(scope.hosts ?? (await ctx.state.hosts(tenant)).map((h) => h.host));
  const byHost = new Map<string, Finding[]>();
  for (const f of outcome.findings) {
    if (!hostNames.has(f.host)) continue;
    const list = byHost.get(f.host) ?? [];
    list.push(f);
    byHost.set(f.host, list);
  }
  const at = ctx.now();
  // What each host's latest bundle shows, to say why a case is clean.
  const hostInfo = new Map<
    string,
    { bundles: Map<string, HostBundle>; latest: HostBundle | null; apps: { name: string; version: string }[] }
  >();
  // Only hosts with findings now or cases still active can change; the others are not read.
  const active = await ctx.state.caseStateByHost(tenant);
  const relevant = [...hostNames].filter((h) => byHost.has(h) || (active.get(h)?.active ?? 0) > 0);
  for (const h of relevant) {
    const all = await ctx.state.hostBundles(tenant, h);
    const rec = await ctx.state.host(tenant, h);
    const latest = all.find((b) => b.bundleId === rec?.lastBundleId) ?? null;
    const apps = latest ? await ctx.evidence.apps(tenant, h, latest.ingestId) : [];
    hostInfo.set(h, { bundles: new Map(all.map((b) => [b.ingestId, b])), latest, apps });
  }
  const stored = outcome.findings
    .filter((f) => hostNames.has(f.host))
    .map((f) => ({
      id: f.id,
      host: f.host,
      kind: f.kind,
      severity: f.severity,
      title: f.title,
      caseKey: caseKeyOf(f),
      firstSeen: at,
      lastSeen: at,
      finding: f as unknown as Record<string, unknown>,
    }));
  const events: ServerEvent[] = [];
  const result = await ctx.state.tx(async (q) => {
    // PostgreSQL may run this function again after a serialisation failure: start clean.
    events.length = 0;
    const fresh = await ctx.state.upsertFindings(tenant, stored, q);
    let opened = 0;
    let transitions = 0;
    for (const h of relevant.sort()) {
      const info = hostInfo.get(h);
      if (!info) continue;
      const findings = (byHost.get(h) ?? []).map((finding) => {
        const ingests = outcome.findingIngests.get(finding.id);
        const bundles = ingests
          ? [...ingests].map((i) => info.bundles.get(i)).filter((b): b is HostBundle => b !== undefined)
          : info.latest
            ? [info.latest]
            : [];
        return { finding, bundles };
      });
      const cases = await ctx.state.casesOfHost(tenant, h, q);
      const out = reconcileHost({
        tenant,
        host: h,
        latest: info.latest,
        findings,
        cases,
        now: at,
        newId: () => randomUUID(),
        describeClean: (c) => describeClean(c, info.apps),
      });
      for (const c of out.inserts) await ctx.state.insertCase(c, q);
      for (const c of out.updates) await ctx.state.updateCase(c, q);
      const all = new Map<string, Case>([...cases, ...out.inserts, ...out.updates].map((c) => [c.id, c]));
      for (const t of out.transitions) {
        const c = all.get(t.caseId);
        await ctx.state.addCaseEvent(
          {
            caseId: t.caseId,
            tenant,
            at,
            actor: 'system',
            from: t.from,
            to: t.to,
            reason: t.reason,
            evidence: t.evidence,
          },
          q,
        );
        await ctx.state.audit(
          {
            at,
            actor: 'system',
            tenant,
            action: 'case.transition',
            target: t.caseId,
            ip: null,
            detail: { from: t.from, to: t.to, reason: t.reason },
          },
          q,
        );
        events.push({
          type: 'case.state_changed',
          tenant,
          caseId: t.caseId,
          host: h,
          key: c?.key ?? '',
          from: t.from,
          to: t.to,
          actor: 'system',
          reason: t.reason,
          at,
          evidence: t.evidence,
        });
        transitions++;
      }
      opened += out.inserts.length;
    }
    const critical: ServerEvent[] = outcome.findings
      .filter((f) => fresh.has(f.id) && f.severity === 'critical')
      .map((f) => ({
        type: 'finding.new_critical',
        tenant,
        finding: f as unknown as Record<string, unknown>,
      }));
    // The webhook deliveries commit with the findings and cases that caused them.
    const staged = await ctx.events.stage([...critical, ...events], q);
    return { fresh, opened, transitions, staged };
  });
  ctx.events.publish(result.staged);
  return {
    findings: stored.length,
    newFindings: result.fresh.size,
    casesOpened: result.opened,
    transitions: result.transitions,
    intelIssues: intel.issues.length,
  };
}

function describeClean(c: Case, apps: readonly { name: string; version: string }[]): string {
  const subject = c.detail['subject'] as { type?: string; name?: string } | undefined;
  if (c.kind === 'app' && subject?.name) {
    const name = subject.name.toLowerCase();
    const fixed = (c.detail['fixedVersions'] as string[] | undefined) ?? [];
    const same = apps.filter((a) => a.name.toLowerCase() === name);
    const fixedText = fixed.length ? ` (fixed in ${fixed.join(', ')})` : '';
    if (same.length === 0) return `${subject.name} no longer installed`;
    return `${subject.name} ${same.map((a) => a.version).join(', ')}${fixedText}, not affected`;
  }
  if (c.kind === 'network') return 'no contact with the indicator since the remediation';
  if (c.kind === 'file') return 'the file no longer present';
  return 'no evidence of the problem';
}
