import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { GEMFILE_LOCK_ID, parseGemfileLock } from './parse.js';

/** Reads Bundler's `Gemfile.lock` / `gems.locked` into RubyGems package observations. */
export const gemfileLockCollector = {
  id: GEMFILE_LOCK_ID,
  version: 1,
  description: 'Ruby gems resolved in Gemfile.lock',
  matches: (file) => file.lowerName === 'gemfile.lock' || file.lowerName === 'gems.locked',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: GEMFILE_LOCK_ID }, () =>
      parseGemfileLock(input.content, input.file.path),
    ),
} satisfies Collector;
