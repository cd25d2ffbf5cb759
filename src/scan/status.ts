/** Per-plugin bookkeeping rolled up into {@link PluginStatus} for reports. */
import type { Issue } from '../core/issue.js';
import { cmp } from '../core/issue.js';
import type { Plugin, PluginKind, PluginStatus } from '../core/plugin.js';

interface Tally {
  plugin: Plugin;
  kind: PluginKind;
  handled: number;
  issues: number;
  failures: number;
  produced: number;
}

/** Counts what each plugin handled, produced and complained about. */
export class StatusBook {
  private readonly tallies = new Map<string, Tally>();

  private get(plugin: Plugin, kind: PluginKind): Tally {
    let t = this.tallies.get(plugin.id);
    if (!t) {
      t = { plugin, kind, handled: 0, issues: 0, failures: 0, produced: 0 };
      this.tallies.set(plugin.id, t);
    }
    return t;
  }

  /** Registers a plugin so it is listed even when it handled nothing. */
  register(plugin: Plugin, kind: PluginKind): void {
    this.get(plugin, kind);
  }

  record(
    plugin: Plugin,
    kind: PluginKind,
    r: { produced: number; issues: readonly Issue[]; failed?: boolean },
  ): void {
    const t = this.get(plugin, kind);
    t.handled++;
    t.produced += r.produced;
    t.issues += r.issues.length;
    if (r.failed || (r.produced === 0 && r.issues.length > 0)) t.failures++;
  }

  /** Adds `n` handled items that produced no issues (matchers count observations this way). */
  addHandled(plugin: Plugin, kind: PluginKind, n: number): void {
    this.get(plugin, kind).handled += n;
  }

  addIssues(plugin: Plugin, kind: PluginKind, n: number): void {
    this.get(plugin, kind).issues += n;
  }

  statuses(): PluginStatus[] {
    return [...this.tallies.values()]
      .map((t) => ({
        id: t.plugin.id,
        kind: t.kind,
        version: t.plugin.version,
        status:
          t.handled > 0 && t.failures === t.handled
            ? ('failed' as const)
            : t.issues > 0
              ? ('partial' as const)
              : ('ok' as const),
        handled: t.handled,
        issues: t.issues,
      }))
      .sort((a, b) => cmp(a.kind, b.kind) || cmp(a.id, b.id));
  }
}
