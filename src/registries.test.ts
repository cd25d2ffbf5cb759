/**
 * Every plugin folder is registered, ids are the folder paths and unique, and each plugin exposes
 * its family's API (Renovate's versioning/index.spec.ts pattern).
 */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { collectors } from './collectors/index.js';
import { importers } from './intel/index.js';
import { matchers } from './matchers/index.js';
import { reporters } from './reporters/index.js';

const src = path.dirname(fileURLToPath(import.meta.url));

/** Folders under src/<family>/ that hold an index.ts exporting a plugin (shared helper folders excluded). */
function pluginFolders(family: string): string[] {
  const dir = path.join(src, family);
  return readdirSync(dir)
    .filter((n) => statSync(path.join(dir, n)).isDirectory() && existsSync(path.join(dir, n, 'index.ts')))
    .filter((n) => !n.endsWith('-shared') && n !== 'modifiers')
    .map((n) => `${family}/${n}`)
    .sort();
}

describe.each([
  ['collectors', collectors, ['matches', 'collect']],
  ['intel', importers, ['matches', 'import']],
  ['matchers', matchers, ['prepare']],
  ['reporters', reporters, ['render']],
] as const)('%s registry', (family, registry, methods) => {
  it('lists every plugin folder, with ids equal to folder paths', () => {
    const ids = registry.map((p) => p.id);
    const unregistered = pluginFolders(family).filter((f) => !ids.includes(f));
    expect(unregistered).toEqual([]);
    for (const id of ids) expect(id.startsWith(family === 'intel' ? 'intel/' : `${family}/`), id).toBe(true);
  });
  it('has unique ids, versions and descriptions', () => {
    const ids = registry.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const p of registry) {
      expect(Number.isInteger(p.version) && p.version >= 1, p.id).toBe(true);
      expect(p.description.length, p.id).toBeGreaterThan(5);
      for (const m of methods)
        expect(typeof (p as unknown as Record<string, unknown>)[m], `${p.id}.${m}`).toBe('function');
    }
  });
});
