import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parseUvLock, UV_LOCK_ID } from './parse.js';

/** Reads uv's `uv.lock` into PyPI package observations. */
export const uvLockCollector = {
  id: UV_LOCK_ID,
  version: 1,
  description: 'Python packages resolved in uv.lock',
  matches: (file) => file.lowerName === 'uv.lock',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: UV_LOCK_ID }, () =>
      parseUvLock(input.content, input.file.path),
    ),
} satisfies Collector;
