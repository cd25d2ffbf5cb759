/** The inventory document (`chainhunt inventory --format json`): observations only, no matching. */
import type {
  AppObservation,
  FileObservation,
  NetContactObservation,
  PackageObservation,
  SourceLocation,
} from '../core/observation.js';
import type { Issue } from '../core/issue.js';
import { cmp } from '../core/issue.js';
import type { PluginStatus } from '../core/plugin.js';
import type { HostSummary } from '../core/report.js';
import { REPORT_SCHEMA_VERSION } from '../core/report.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { buildReport } from './report.js';
import type { ScanOutcome } from './runner.js';

export interface InventoryOptions {
  excludeDev?: boolean;
  excludeOptional?: boolean;
}

export interface LogEventCount {
  host: string;
  tenant?: string;
  channel: string;
  eventId: number | null;
  count: number;
}

export interface InventoryDoc {
  schemaVersion: string;
  tool: { name: string; version: string };
  generatedAt: string;
  hosts: HostSummary[];
  packages: PackageObservation[];
  apps: AppObservation[];
  files: FileObservation[];
  netContacts: NetContactObservation[];
  logEvents: LogEventCount[];
  issues: Issue[];
  plugins: PluginStatus[];
}

function locKey(l: SourceLocation): string {
  return `${l.file}\u0000${l.line ?? 0}\u0000${l.offset ?? 0}`;
}

/**
 * Packages seen several times on one host (same ecosystem, name, version, purl) are merged:
 * locations joined; `dev`/`optional` kept only when every occurrence says so; `direct` when any does.
 */
export function mergePackages(list: readonly PackageObservation[]): PackageObservation[] {
  const byKey = new Map<string, PackageObservation>();
  for (const p of list) {
    const k = [p.tenant ?? '', p.host, p.ecosystem, p.name, p.version, p.purl ?? ''].join('\u0000');
    const prev = byKey.get(k);
    if (!prev) {
      byKey.set(k, { ...p, locations: [...p.locations] });
      continue;
    }
    const seen = new Set(prev.locations.map(locKey));
    for (const l of p.locations) if (!seen.has(locKey(l))) prev.locations.push(l);
    if (!p.dev) delete prev.dev;
    if (!p.optional) delete prev.optional;
    if (p.direct) prev.direct = true;
  }
  const out = [...byKey.values()];
  for (const p of out) p.locations.sort((a, b) => cmp(locKey(a), locKey(b)));
  return out;
}

export function buildInventory(outcome: ScanOutcome, opts: InventoryOptions, now = new Date()): InventoryDoc {
  const report = buildReport({ ...outcome, observations: [] }, now);
  const packages: PackageObservation[] = [];
  const apps: AppObservation[] = [];
  const files: FileObservation[] = [];
  const netContacts: NetContactObservation[] = [];
  const events = new Map<string, LogEventCount>();
  for (const o of outcome.observations) {
    switch (o.kind) {
      case 'package':
        if (opts.excludeDev && o.dev) break;
        if (opts.excludeOptional && o.optional) break;
        packages.push(o);
        break;
      case 'app':
        apps.push(o);
        break;
      case 'file':
        files.push(o);
        break;
      case 'net-contact':
        netContacts.push(o);
        break;
      case 'log-event': {
        const k = [o.tenant ?? '', o.host, o.channel ?? '', o.eventId ?? ''].join('\u0000');
        const e = events.get(k);
        if (e) e.count++;
        else {
          const c: LogEventCount = {
            host: o.host,
            channel: o.channel ?? '',
            eventId: o.eventId ?? null,
            count: 1,
          };
          if (o.tenant !== undefined) c.tenant = o.tenant;
          events.set(k, c);
        }
        break;
      }
    }
  }
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    generatedAt: report.generatedAt,
    hosts: report.hosts,
    packages: mergePackages(packages),
    apps,
    files,
    netContacts,
    logEvents: [...events.values()].sort(
      (a, b) => cmp(a.host, b.host) || cmp(a.channel, b.channel) || (a.eventId ?? -1) - (b.eventId ?? -1),
    ),
    issues: outcome.issues,
    plugins: outcome.plugins,
  };
}
