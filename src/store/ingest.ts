/**
 * `chainhunt ingest`: collect observations from evidence with every collector and store them.
 * One transaction per ingest; a bundle (one host's evidence) is identified by the digests of its
 * files, so ingesting the same bundle again adds nothing.
 */
import { createHash, randomUUID } from 'node:crypto';
import type { DuckDBAppender } from '@duckdb/node-api';
import { getDomain } from 'tldts';
import type { HostContext } from '../core/host.js';
import type { Issue } from '../core/issue.js';
import type { Observation } from '../core/observation.js';
import { hostKey } from '../scan/hosts.js';
import type { WalkLimits } from '../scan/limits.js';
import { runScan } from '../scan/runner.js';
import { OBS_TABLES } from './schema.js';
import type { EvidenceStore } from './store.js';

export interface IngestedBundle {
  bundleId: string;
  tenant: string;
  host: string;
  status: 'new' | 'duplicate';
  files: number;
  observations: number;
  /** The ingest whose rows hold this bundle (an earlier one for a duplicate). */
  storedIngestId: string;
  hostname: string | null;
  os: string | null;
  collectedAt: string | null;
  kinds: Record<string, number>;
}

export interface IngestResult {
  ingestId: string;
  bundles: IngestedBundle[];
  issues: Issue[];
}

type Cell = string | number | null | undefined;

function put(ap: DuckDBAppender, cells: Cell[]): void {
  for (const c of cells) {
    if (c === null || c === undefined) ap.appendNull();
    else if (typeof c === 'number') ap.appendBigInt(BigInt(Math.trunc(c)));
    else ap.appendVarchar(c);
  }
  ap.endRow();
}

/** Registrable domain (eTLD+1) of a host name, for candidate selection in hunts. */
export function registrable(host: string | undefined): string | null {
  if (!host) return null;
  const h = host.toLowerCase().replace(/\.$/, '');
  return getDomain(h, { allowPrivateDomains: false }) ?? h;
}

function str(v: unknown): string | null {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  if (v && typeof v === 'object' && '#text' in v) return str((v as Record<string, unknown>)['#text']);
  return null;
}

/** Key fields of an evtx_dump-layout event. */
export function eventFields(event: Record<string, unknown>): Record<string, string | null> {
  const ev = (event['Event'] ?? {}) as Record<string, unknown>;
  const data = ((ev['EventData'] ?? ev['UserData'] ?? {}) as Record<string, unknown>) ?? {};
  const get = (k: string): string | null => str(data[k]);
  const query = get('QueryName') ?? get('DestinationHostname');
  return {
    image: get('Image'),
    commandLine: get('CommandLine'),
    parentImage: get('ParentImage'),
    user: get('User') ?? get('SubjectUserName') ?? get('TargetUserName'),
    hashes: get('Hashes'),
    query,
  };
}

function writeRow(
  aps: Record<(typeof OBS_TABLES)[number], DuckDBAppender>,
  ingestId: string,
  o: Observation,
): void {
  const base: Cell[] = [ingestId, o.tenant ?? '', o.host];
  const json = JSON.stringify(o);
  switch (o.kind) {
    case 'app':
      put(aps.obs_app, [...base, o.name, o.version, o.platform, o.publisher, json]);
      break;
    case 'package':
      put(aps.obs_package, [...base, o.ecosystem, o.name, o.version, json]);
      break;
    case 'file':
      put(aps.obs_file, [...base, o.path, o.size, o.sha256, o.sha1, o.md5, json]);
      break;
    case 'net-contact':
      put(aps.obs_contact, [
        ...base,
        o.time,
        o.src,
        o.dst,
        o.fqdn ?? o.sni,
        registrable(o.fqdn ?? o.sni ?? urlHost(o.url)),
        o.url,
        json,
      ]);
      break;
    case 'log-event': {
      const f = eventFields(o.event);
      put(aps.obs_event, [
        ...base,
        o.time,
        o.channel,
        o.eventId,
        f['image'],
        f['commandLine'],
        f['parentImage'],
        f['user'],
        f['hashes'],
        f['query'],
        registrable(f['query'] ?? undefined),
        json,
      ]);
      break;
    }
  }
}

export function urlHost(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    return new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`).hostname;
  } catch {
    return undefined;
  }
}

/** Hands each collected observation (with the host it belongs to) to the store's writer. */
export type ObservationSink = (observation: Observation, host: HostContext) => void;

/**
 * Where an ingest's observations come from: a function that emits them all into `sink` and then
 * resolves with the input issues met on the way (a local scan, or a worker's upload).
 */
export type ObservationSource = (sink: ObservationSink) => Promise<{ issues: Issue[] }>;

/** Ingests `paths` into the store in one transaction. */
export async function ingest(
  store: EvidenceStore,
  paths: readonly string[],
  opts: {
    limits?: Partial<WalkLimits>;
    onProgress?: (m: string) => void;
    /** Files every host to this tenant, whatever its manifest says (the server's uploads). */
    tenant?: string;
    signal?: AbortSignal;
  } = {},
): Promise<IngestResult> {
  return ingestObservations(
    store,
    async (sink) => {
      const outcome = await runScan({
        paths,
        match: false,
        ...(opts.limits ? { limits: opts.limits } : {}),
        ...(opts.onProgress ? { onProgress: opts.onProgress } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
        onObservation: sink,
      });
      return { issues: outcome.issues };
    },
    opts.tenant === undefined ? {} : { tenant: opts.tenant },
  );
}

/**
 * Writes the observations `source` emits into the store in one transaction: the one writer of
 * `chainhunt ingest` and of the server's jobs (local or from workers). A bundle's id is derived
 * from its tenant, host and file digests, so storing the same bundle again adds nothing.
 */
export async function ingestObservations(
  store: EvidenceStore,
  source: ObservationSource,
  opts: {
    /** Files every host to this tenant, whatever its manifest says (the server's uploads). */
    tenant?: string;
  } = {},
): Promise<IngestResult> {
  const ingestId = randomUUID();
  const conn = store.conn;
  await conn.run('BEGIN TRANSACTION');
  try {
    const aps = {} as Record<(typeof OBS_TABLES)[number], DuckDBAppender>;
    for (const t of OBS_TABLES) aps[t] = await conn.createAppender(t);
    const perHost = new Map<
      string,
      {
        host: HostContext;
        digests: string[];
        files: number;
        observations: number;
        kinds: Record<string, number>;
      }
    >();
    const outcome = await source((obs, shownHost) => {
      const forced = opts.tenant;
      const host = forced === undefined ? shownHost : { ...shownHost, tenant: forced };
      const o = forced === undefined ? obs : { ...obs, tenant: forced };
      const k = hostKey(host);
      let h = perHost.get(k);
      if (!h) perHost.set(k, (h = { host, digests: [], files: 0, observations: 0, kinds: {} }));
      h.observations++;
      h.kinds[o.kind] = (h.kinds[o.kind] ?? 0) + 1;
      if (o.kind === 'file') {
        h.files++;
        const rel = o.path.startsWith(host.root) ? o.path.slice(host.root.length) : o.path;
        h.digests.push(`${rel}\u0000${o.sha256}`);
      }
      writeRow(aps, ingestId, o);
    });
    for (const t of OBS_TABLES) aps[t].closeSync();
    const bundles: IngestedBundle[] = [];
    for (const { host, digests, files, observations, kinds } of [...perHost.values()].sort((a, b) =>
      hostKey(a.host) < hostKey(b.host) ? -1 : 1,
    )) {
      const tenant = host.tenant ?? '';
      const bundleId = createHash('sha256')
        .update([tenant, host.id, ...digests.sort()].join('\n'))
        .digest('hex');
      const exists = await conn.runAndReadAll('SELECT ingest_id FROM bundles WHERE bundle_id = $1', [
        bundleId,
      ]);
      const detail = {
        hostname: host.hostname ?? null,
        os: host.os ?? null,
        collectedAt: host.collectedAt ?? null,
        kinds,
      };
      const prior = exists.getRows()[0];
      if (prior) {
        for (const t of OBS_TABLES)
          await conn.run(`DELETE FROM ${t} WHERE ingest_id = $1 AND tenant = $2 AND host = $3`, [
            ingestId,
            tenant,
            host.id,
          ]);
        bundles.push({
          bundleId,
          tenant,
          host: host.id,
          status: 'duplicate',
          files,
          observations,
          storedIngestId: String(prior[0]),
          ...detail,
        });
        continue;
      }
      await conn.run('INSERT INTO bundles VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)', [
        bundleId,
        ingestId,
        tenant,
        host.id,
        host.hostname ?? null,
        host.os ?? null,
        host.root,
        host.collectedAt ?? null,
        new Date().toISOString(),
        files,
        observations,
        JSON.stringify(kinds),
      ]);
      bundles.push({
        bundleId,
        tenant,
        host: host.id,
        status: 'new',
        files,
        observations,
        storedIngestId: ingestId,
        ...detail,
      });
    }
    await conn.run('COMMIT');
    return { ingestId, bundles, issues: outcome.issues };
  } catch (err) {
    await conn.run('ROLLBACK').catch(() => undefined);
    throw err;
  }
}
