/** Pure parser for PDM's `pdm.lock` (lock_version 4.x). */
import type { CollectorResult } from '../../core/plugin.js';
import { arr, collectTomlPackages } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const PDM_LOCK_ID = 'collectors/pdm-lock';

/**
 * Parses a pdm.lock. A package whose `groups` do not include `default` is dev (PDM puts dev
 * dependency groups there). Git packages keep their locked version (the `revision` is not a
 * PyPI version).
 */
export function parsePdmLock(content: Uint8Array, file: string): CollectorResult {
  return collectTomlPackages(content, file, PDM_LOCK_ID, ({ table: p, name, version, line }, sink) => {
    const groups = arr(p['groups']).filter((g): g is string => typeof g === 'string');
    const dev = groups.length > 0 && !groups.includes('default');
    sink.add({ ecosystem: 'PyPI', name, version, line, dev });
  });
}
