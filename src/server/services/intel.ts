/**
 * Intel held by the server: source files under `<data>/intel/<scope>/`, one row each in the state
 * store, global (all tenants) or per tenant. A tenant's intel is every global source plus its own,
 * loaded through the same importers as `chainhunt scan` and cached until a source is added.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { IntelBundle } from '../../core/intel.js';
import type { Issue } from '../../core/issue.js';
import { importers } from '../../intel/index.js';
import { DEFAULT_LIMITS } from '../../scan/limits.js';
import { loadIntel } from '../../scan/load-intel.js';
import { StatusBook } from '../../scan/status.js';
import type { StateStore } from '../state/store.js';
import type { IntelSource } from '../state/types.js';

export interface LoadedTenantIntel {
  intel: IntelBundle;
  issues: Issue[];
  sources: string[];
}

/** Safe file name part (letters, digits, dot, dash, underscore). */
function safeName(name: string): string {
  const base = path
    .basename(name.replace(/\\/g, '/'))
    .replace(/[^A-Za-z0-9._-]+/g, '_')
    .slice(0, 120);
  return base.replace(/^\.+/, '') || 'intel';
}

async function load(paths: string[]): Promise<{ intel: IntelBundle; issues: Issue[] }> {
  const r = await loadIntel(paths, {
    withDefaults: false,
    importers,
    limits: DEFAULT_LIMITS,
    signal: new AbortController().signal,
    status: new StatusBook(),
  });
  return { intel: r.intel, issues: r.issues };
}

export class IntelService {
  private cache = new Map<string, LoadedTenantIntel>();

  constructor(
    private readonly state: StateStore,
    private readonly dataDir: string,
  ) {}

  /**
   * Imports one intel file for `tenant` (null = all tenants). The content is checked by loading it
   * first: a file no importer understands, or that yields nothing, is refused with its issues.
   */
  async add(
    tenant: string | null,
    name: string,
    content: Buffer,
    actor: string,
    now: string,
  ): Promise<{ source: IntelSource; issues: Issue[] } | { refused: string; issues: Issue[] }> {
    const id = randomUUID();
    const dir = path.join(this.dataDir, 'intel', tenant === null ? '_global' : `t-${tenant}`, id);
    mkdirSync(dir, { recursive: true });
    const file = path.join(dir, safeName(name));
    const tmp = `${file}.tmp`;
    writeFileSync(tmp, content);
    renameSync(tmp, file);
    const { intel, issues } = await load([file]);
    const counts = {
      advisories: intel.advisories.length,
      indicators: intel.indicators.length,
      rules: intel.rules.length,
    };
    if (counts.advisories + counts.indicators + counts.rules === 0) {
      rmSync(dir, { recursive: true, force: true });
      return { refused: 'no advisory, indicator or rule could be imported from this file', issues };
    }
    const source: IntelSource = {
      id,
      tenant,
      name: safeName(name),
      sha256: createHash('sha256').update(content).digest('hex'),
      size: content.length,
      path: file,
      importedAt: now,
      importedBy: actor,
      counts,
    };
    await this.state.addIntelSource(source);
    this.cache.clear();
    return { source, issues };
  }

  /** The merged intel that applies to `tenant`. */
  async forTenant(tenant: string): Promise<LoadedTenantIntel> {
    const sources = await this.state.intelSources(tenant);
    const key = `${tenant}\u0000${sources.map((s) => s.id).join(',')}`;
    const hit = this.cache.get(key);
    if (hit) return hit;
    const { intel, issues } = await load(sources.map((s) => s.path));
    const loaded = { intel, issues, sources: sources.map((s) => s.id) };
    for (const k of this.cache.keys()) if (k.startsWith(`${tenant}\u0000`)) this.cache.delete(k);
    this.cache.set(key, loaded);
    return loaded;
  }
}
