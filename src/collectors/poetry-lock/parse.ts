/** Pure parser for Poetry's `poetry.lock` (lock-version 1.x and 2.x). */
import type { CollectorResult } from '../../core/plugin.js';
import { arr, collectTomlPackages, str } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const POETRY_LOCK_ID = 'collectors/poetry-lock';

/**
 * Parses a poetry.lock. Every `[[package]]` becomes a PyPI package; `category = "dev"` (1.x) or a
 * `groups` list without `main` (2.x) marks it dev; `optional = true` marks it optional.
 * Git, directory, file and url sources are still packages (they have a name and version).
 */
export function parsePoetryLock(content: Uint8Array, file: string): CollectorResult {
  return collectTomlPackages(content, file, POETRY_LOCK_ID, ({ table: p, name, version, line }, sink) => {
    const groups = arr(p['groups']).filter((g): g is string => typeof g === 'string');
    const dev = str(p['category']) === 'dev' || (groups.length > 0 && !groups.includes('main'));
    sink.add({ ecosystem: 'PyPI', name, version, line, dev, optional: p['optional'] === true });
  });
}
