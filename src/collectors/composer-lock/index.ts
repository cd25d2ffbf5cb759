import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { COMPOSER_LOCK_ID, parseComposerLock } from './parse.js';

/** Reads Composer's `composer.lock` into Packagist package observations. */
export const composerLockCollector = {
  id: COMPOSER_LOCK_ID,
  version: 1,
  description: 'PHP packages resolved in composer.lock',
  matches: (file) => file.lowerName === 'composer.lock',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: COMPOSER_LOCK_ID }, () =>
      parseComposerLock(input.content, input.file.path),
    ),
} satisfies Collector;
