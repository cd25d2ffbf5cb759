/** Collector for pnpm-lock.yaml lockfileVersion 5.x, 6.x and 9.x, with workspaces. */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { PNPM_LOCK_ID, parsePnpmLock } from './parse.js';

const NAMES = new Set(['pnpm-lock.yaml']);

/** pnpm-lock.yaml lockfileVersion 5.x, 6.x and 9.x, with workspaces: every resolved package, with direct / dev / optional where the file tells. */
export const pnpmLockCollector = {
  id: PNPM_LOCK_ID,
  version: 1,
  description: 'pnpm-lock.yaml lockfileVersion 5.x, 6.x and 9.x, with workspaces',
  matches(file: FileRef): boolean {
    return NAMES.has(file.lowerName);
  },
  collect(input: CollectorInput): CollectorResult {
    return parsePnpmLock(input.content, input.file.path);
  },
} satisfies Collector;
