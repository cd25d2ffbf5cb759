/** Collector for bun.lock (text lockfile, JSONC). */
import { issue } from '../../core/issue.js';
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { BUN_LOCK_ID, parseBunLock } from './parse.js';

const NAMES = new Set(['bun.lock', 'bun.lockb']);

/** bun.lock (text lockfile, JSONC): every resolved package, with direct / dev / optional where the file tells. */
export const bunLockCollector = {
  id: BUN_LOCK_ID,
  version: 1,
  description: 'bun.lock (text lockfile, JSONC)',
  matches(file: FileRef): boolean {
    return NAMES.has(file.lowerName);
  },
  collect(input: CollectorInput): CollectorResult {
    if (input.file.lowerName === 'bun.lockb') {
      const why =
        'binary bun.lockb is not read; run `bun install --save-text-lockfile` (Bun >= 1.1.39) to write bun.lock';
      return {
        observations: [],
        issues: [issue('unsupported', why, { file: input.file.path, pluginId: BUN_LOCK_ID })],
      };
    }
    return parseBunLock(input.content, input.file.path);
  },
} satisfies Collector;
