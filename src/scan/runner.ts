/**
 * The scan pipeline: walk → read (one read feeds digests and collectors) → collect → stamp host →
 * match → findings. The runner owns all I/O; plugins are pure over what they are handed.
 */
import { errorMessage } from '../core/errors.js';
import type { Finding } from '../core/finding.js';
import type { HostContext } from '../core/host.js';
import type { IntelBundle } from '../core/intel.js';
import { emptyIntel } from '../core/intel.js';
import { compareIssues, issue, type Issue } from '../core/issue.js';
import type { FileObservation, Observation, Observed } from '../core/observation.js';
import type { Collector, Importer, Matcher, PluginStatus, PreparedMatcher } from '../core/plugin.js';
import { collectors as defaultCollectors } from '../collectors/index.js';
import { importers as defaultImporters } from '../intel/index.js';
import { matchers as defaultMatchers } from '../matchers/index.js';
import { assignHosts, hostKey } from './hosts.js';
import { DEFAULT_LIMITS, type WalkLimits } from './limits.js';
import { loadIntel, mergeIntel } from './load-intel.js';
import { defaultHashThreads, HashPool } from './hash-pool.js';
import { readEntries, type ReadFile } from './read.js';
import { sortFindings, sortObservations } from './sort.js';
import { StatusBook } from './status.js';
import { listEvidence, type EvidenceEntry } from './walk.js';

export interface ScanOptions {
  paths: readonly string[];
  intelPaths?: readonly string[];
  /** Load the shipped intel packs (default true). */
  defaultIntel?: boolean;
  limits?: Partial<WalkLimits>;
  /** Keep observations for the report (inventory). Matching still streams. */
  keepObservations?: boolean;
  /** Skip matching altogether (inventory). */
  match?: boolean;
  /** Called with every observation as it is collected (the evidence store's ingest). */
  onObservation?: (observation: Observation, host: HostContext) => void;
  signal?: AbortSignal;
  collectors?: readonly Collector[];
  importers?: readonly Importer[];
  matchers?: readonly Matcher[];
  /** Pre-loaded intel instead of loading `intelPaths`. */
  intel?: IntelBundle;
  /** Intel merged in after `intelPaths` (e.g. the offline intel database). */
  extraIntel?: readonly IntelBundle[];
  onProgress?: (message: string) => void;
  /**
   * Threads that read and hash plain files (sha256, sha1 and md5 on every core); 0 hashes on the
   * main thread. Default: every core (at most 4) when a root lists at least 16 plain files, or any
   * file when a content matcher works on these threads (YARA, decision 0010).
   */
  hashThreads?: number;
}

export interface HostState {
  host: HostContext;
  observations: Partial<Record<Observation['kind'], number>>;
}

export interface ScanOutcome {
  hosts: HostState[];
  findings: Finding[];
  issues: Issue[];
  plugins: PluginStatus[];
  intel: IntelBundle;
  observations: Observation[];
}

const SNIFF_BYTES = 4096;

/** Collectors claiming a file: by name first, else by content sniffing. */
export function collectorsFor(list: readonly Collector[], f: ReadFile): Collector[] {
  const byName = list.filter((c) => c.matches(f.entry.ref));
  if (byName.length > 0 || !f.content) return byName;
  const head = f.content.subarray(0, SNIFF_BYTES);
  return list.filter((c) => c.sniff?.(head, f.entry.ref) ?? false);
}

/** Reads manifest entries (at most 1 MiB each), one pass per archive. */
async function readManifests(
  entries: readonly EvidenceEntry[],
  limits: WalkLimits,
  signal: AbortSignal,
  issues: Issue[],
): Promise<Map<EvidenceEntry, Buffer>> {
  const out = new Map<EvidenceEntry, Buffer>();
  await readEntries(
    entries,
    { ...limits, maxFileSize: 1 << 20 },
    signal,
    (f) => {
      if (f.content) out.set(f.entry, f.content);
      else
        issues.push(
          issue('too-large', 'host manifest larger than 1 MiB; ignored', {
            file: f.entry.ref.path,
            pluginId: 'scan/manifest',
          }),
        );
      return Promise.resolve();
    },
    issues,
  );
  return out;
}

/** Runs a scan. Never throws for bad evidence or intel: those are issues in the outcome. */
export async function runScan(opts: ScanOptions): Promise<ScanOutcome> {
  const signal = opts.signal ?? new AbortController().signal;
  const limits: WalkLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const collectorList = opts.collectors ?? defaultCollectors;
  const matcherList = opts.match === false ? [] : (opts.matchers ?? defaultMatchers);
  const status = new StatusBook();
  const issues: Issue[] = [];
  const progress = opts.onProgress ?? (() => undefined);

  // 1. Intel first, so observations are matched as they stream by.
  let intel = opts.intel ?? emptyIntel();
  if (!opts.intel && opts.match !== false) {
    progress('loading intel');
    const loaded = await loadIntel(opts.intelPaths ?? [], {
      withDefaults: opts.defaultIntel ?? true,
      importers: opts.importers ?? defaultImporters,
      limits,
      signal,
      status,
    });
    intel = loaded.intel;
    issues.push(...loaded.issues);
    if (opts.extraIntel?.length) intel = mergeIntel([intel, ...opts.extraIntel], issues);
  }
  const prepared: { matcher: Matcher; pm: PreparedMatcher }[] = [];
  for (const m of matcherList) {
    status.register(m, 'matcher');
    try {
      const pm = m.prepare(intel);
      if (pm) prepared.push({ matcher: m, pm });
    } catch (err) {
      const i = issue('internal-error', `matcher failed to prepare: ${errorMessage(err)}`, {
        pluginId: m.id,
      });
      issues.push(i);
      status.record(m, 'matcher', { produced: 0, issues: [i], failed: true });
    }
  }
  for (const c of collectorList) status.register(c, 'collector');

  const findings = new Map<string, Finding>();
  const kept: Observation[] = [];
  const hostStates = new Map<string, HostState>();
  const matchCounts = new Map<string, number>();

  const emit = (obs: Observation): void => {
    const hs = hostStates.get(hostKey({ id: obs.host, tenant: obs.tenant }));
    if (hs) hs.observations[obs.kind] = (hs.observations[obs.kind] ?? 0) + 1;
    if (opts.onObservation && hs) opts.onObservation(obs, hs.host);
    if (opts.keepObservations) kept.push(obs);
    for (const { matcher, pm } of prepared) {
      if (!matcher.accepts.includes(obs.kind)) continue;
      let out: Finding[];
      try {
        out = pm.match(obs);
      } catch (err) {
        issues.push(
          issue('internal-error', `matcher failed on an observation: ${errorMessage(err)}`, {
            file: obs.source.file,
            pluginId: matcher.id,
          }),
        );
        continue;
      }
      matchCounts.set(matcher.id, (matchCounts.get(matcher.id) ?? 0) + 1);
      for (const f of out) if (!findings.has(f.id)) findings.set(f.id, f);
    }
  };

  // Content hooks (YARA, PE anomalies): bytes of every file within the size limit.
  const contentMatchers = prepared.filter((p) => p.pm.matchContent !== undefined);
  const matchContent = async (
    file: FileObservation,
    content: Buffer | null,
    scans: Record<string, unknown> | undefined,
  ): Promise<void> => {
    if (!content) {
      const ids = contentMatchers.map((p) => p.matcher.id).join(',');
      issues.push(
        issue(
          'too-large',
          `file is larger than the ${limits.maxFileSize}-byte limit; hashed but not content-scanned (raise --max-file-size)`,
          { file: file.path, pluginId: ids },
        ),
      );
      return;
    }
    for (const { matcher, pm } of contentMatchers) {
      try {
        const r = await pm.matchContent!(file, content, scans?.[matcher.id]);
        issues.push(
          ...r.issues.map((i) => ({ ...i, file: i.file ?? file.path, pluginId: i.pluginId ?? matcher.id })),
        );
        status.addIssues(matcher, 'matcher', r.issues.length);
        for (const fd of r.findings) if (!findings.has(fd.id)) findings.set(fd.id, fd);
      } catch (err) {
        issues.push(
          issue('internal-error', `matcher failed on file content: ${errorMessage(err)}`, {
            file: file.path,
            pluginId: matcher.id,
          }),
        );
      }
    }
  };

  // Content work the hashing threads do right after reading a file (decision 0010).
  const threadScans = contentMatchers.flatMap(({ matcher, pm }) =>
    pm.threadScan ? [{ id: matcher.id, spec: pm.threadScan }] : [],
  );

  // 2. Walk every root, assign hosts, read and collect.
  let pool: HashPool | null = null;
  try {
    for (const root of opts.paths) {
      if (signal.aborted) break;
      progress(`walking ${root}`);
      const listed = await listEvidence(root, limits, signal);
      issues.push(...listed.issues);
      const assignment = await assignHosts(root, listed.entries, (m) =>
        readManifests(m, limits, signal, issues),
      );
      issues.push(...assignment.issues);
      for (const h of assignment.hosts) {
        const k = hostKey(h);
        if (!hostStates.has(k)) hostStates.set(k, { host: h, observations: {} });
      }
      const hostByEntry = new Map<EvidenceEntry, HostContext>();
      listed.entries.forEach((e, i) => hostByEntry.set(e, assignment.hostOf[i]!));
      let done = 0;
      const threads = opts.hashThreads ?? defaultHashThreads();
      const plain = listed.entries.filter((e) => e.container.kind === 'fs').length;
      if (!pool && threads > 0 && (plain >= 16 || (threadScans.length > 0 && listed.entries.length > 0)))
        pool = new HashPool(threads, threadScans);
      const hashPool = pool;
      await readEntries(
        listed.entries,
        limits,
        signal,
        async (f) => {
          done++;
          if (done % 500 === 0) progress(`${root}: ${done}/${listed.entries.length} files`);
          const host = hostByEntry.get(f.entry)!;
          const stamp = (o: Observed, collectorId: string): Observation => {
            const obs = { ...o, host: host.id, collectorId } as Observation;
            if (host.tenant !== undefined) obs.tenant = host.tenant;
            return obs;
          };
          const ref = f.entry.ref;
          const fileObs = stamp(
            {
              kind: 'file',
              path: ref.path,
              name: ref.name,
              size: f.size,
              ...f.digests,
              source: { file: ref.path },
            },
            'scan/read',
          ) as FileObservation;
          emit(fileObs);
          if (contentMatchers.length > 0) {
            let scans = f.scans;
            if (!scans && f.content && hashPool?.scans) {
              try {
                scans = await hashPool.scanContent(f.content, ref.path);
              } catch {
                scans = undefined; // the content matchers do the work themselves
              }
            }
            await matchContent(fileObs, f.content, scans);
          }
          const claim = collectorsFor(collectorList, f);
          if (claim.length > 0 && !f.content) {
            issues.push(
              issue(
                'too-large',
                `file is larger than the ${limits.maxFileSize}-byte limit; hashed but not parsed (raise --max-file-size)`,
                { file: ref.path, pluginId: claim.map((c) => c.id).join(',') },
              ),
            );
            return;
          }
          for (const c of claim) {
            try {
              const r = await c.collect({ file: ref, content: f.content!, host, signal });
              const stamped = r.issues.map((i) => ({
                ...i,
                file: i.file ?? ref.path,
                pluginId: i.pluginId ?? c.id,
              }));
              issues.push(...stamped);
              status.record(c, 'collector', { produced: r.observations.length, issues: stamped });
              for (const o of r.observations) emit(stamp(o, c.id));
            } catch (err) {
              const i = issue('internal-error', `collector failed: ${errorMessage(err)}`, {
                file: ref.path,
                pluginId: c.id,
              });
              issues.push(i);
              status.record(c, 'collector', { produced: 0, issues: [i], failed: true });
            }
          }
        },
        issues,
        hashPool ? (p, max, shown) => hashPool.hash(p, max, shown) : undefined,
      );
    }
  } finally {
    await pool?.close();
    for (const { matcher, pm } of prepared) {
      try {
        await pm.close?.();
      } catch (err) {
        issues.push(
          issue('internal-error', `matcher failed to close: ${errorMessage(err)}`, { pluginId: matcher.id }),
        );
      }
    }
  }

  // 3. Matchers over many observations finish now.
  for (const { matcher, pm } of prepared) {
    if (pm.finish) {
      try {
        for (const f of pm.finish()) if (!findings.has(f.id)) findings.set(f.id, f);
      } catch (err) {
        issues.push(
          issue('internal-error', `matcher failed to finish: ${errorMessage(err)}`, { pluginId: matcher.id }),
        );
      }
    }
    const pIssues = pm.issues ?? [];
    issues.push(...pIssues.map((i) => ({ ...i, pluginId: i.pluginId ?? matcher.id })));
    status.addIssues(matcher, 'matcher', pIssues.length);
    status.addHandled(matcher, 'matcher', matchCounts.get(matcher.id) ?? 0);
  }

  return {
    hosts: [...hostStates.values()],
    findings: sortFindings([...findings.values()]),
    issues: dedupeIssues(issues).sort(compareIssues),
    plugins: status.statuses(),
    intel,
    observations: opts.keepObservations ? sortObservations(kept) : [],
  };
}

function dedupeIssues(list: Issue[]): Issue[] {
  const seen = new Set<string>();
  return list.filter((i) => {
    const k = JSON.stringify([i.code, i.file, i.line, i.offset, i.pluginId, i.message]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
