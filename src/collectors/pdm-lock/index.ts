import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parsePdmLock, PDM_LOCK_ID } from './parse.js';

/** Reads PDM's `pdm.lock` into PyPI package observations. */
export const pdmLockCollector = {
  id: PDM_LOCK_ID,
  version: 1,
  description: 'Python packages resolved in pdm.lock',
  matches: (file) => file.lowerName === 'pdm.lock',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: PDM_LOCK_ID }, () =>
      parsePdmLock(input.content, input.file.path),
    ),
} satisfies Collector;
