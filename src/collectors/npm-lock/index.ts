/** Collector for npm lockfiles: `package-lock.json` (v1-v3), `npm-shrinkwrap.json`, `node_modules/.package-lock.json`. */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { NPM_LOCK_ID, parseNpmLock } from './parse.js';

const NAMES = new Set(['package-lock.json', 'npm-shrinkwrap.json', '.package-lock.json']);

/** npm lockfile collector: every resolved package, with `dev` / `optional` as the lockfile states them. */
export const npmLockCollector = {
  id: NPM_LOCK_ID,
  version: 1,
  description: 'npm package-lock.json (v1-v3), npm-shrinkwrap.json and node_modules/.package-lock.json',
  matches(file: FileRef): boolean {
    return NAMES.has(file.lowerName);
  },
  collect(input: CollectorInput): CollectorResult {
    return parseNpmLock(input.content, input.file.path);
  },
} satisfies Collector;
