import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parsePoetryLock, POETRY_LOCK_ID } from './parse.js';

/** Reads Poetry's `poetry.lock` into PyPI package observations. */
export const poetryLockCollector = {
  id: POETRY_LOCK_ID,
  version: 1,
  description: 'Python packages resolved in poetry.lock',
  matches: (file) => file.lowerName === 'poetry.lock',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: POETRY_LOCK_ID }, () =>
      parsePoetryLock(input.content, input.file.path),
    ),
} satisfies Collector;
