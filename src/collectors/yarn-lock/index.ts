/** Collector for yarn.lock: Yarn 1 and Berry (Yarn 2-4). */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { YARN_LOCK_ID, parseYarnLock } from './parse.js';

const NAMES = new Set(['yarn.lock']);

/** yarn.lock: Yarn 1 and Berry (Yarn 2-4): every resolved package, with direct / dev / optional where the file tells. */
export const yarnLockCollector = {
  id: YARN_LOCK_ID,
  version: 1,
  description: 'yarn.lock: Yarn 1 and Berry (Yarn 2-4)',
  matches(file: FileRef): boolean {
    return NAMES.has(file.lowerName);
  },
  collect(input: CollectorInput): CollectorResult {
    return parseYarnLock(input.content, input.file.path);
  },
} satisfies Collector;
