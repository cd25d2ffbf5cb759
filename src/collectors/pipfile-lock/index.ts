import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parsePipfileLock, PIPFILE_LOCK_ID } from './parse.js';

/** Reads Pipenv's `Pipfile.lock` into PyPI package observations. */
export const pipfileLockCollector = {
  id: PIPFILE_LOCK_ID,
  version: 1,
  description: 'Python packages resolved in Pipfile.lock',
  matches: (file) => file.lowerName === 'pipfile.lock',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: PIPFILE_LOCK_ID }, () =>
      parsePipfileLock(input.content, input.file.path),
    ),
} satisfies Collector;
