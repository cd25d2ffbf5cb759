import type { Plugin } from './plugin.js';

/**
 * Freezes a registry list after checking that ids are unique (scalibr list.go's duplicate guard).
 * Throws at module load, so a duplicate is caught by every test run.
 */
export function defineRegistry<T extends Plugin>(family: string, plugins: readonly T[]): readonly T[] {
  const seen = new Set<string>();
  for (const p of plugins) {
    if (seen.has(p.id)) throw new Error(`${family} registry: duplicate plugin id ${p.id}`);
    seen.add(p.id);
  }
  return Object.freeze([...plugins]);
}
