import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { NUGET_PACKAGES_LOCK_ID, parseNugetPackagesLock } from './parse.js';

/** Reads NuGet's `packages.lock.json` into NuGet package observations. */
export const nugetPackagesLockCollector = {
  id: NUGET_PACKAGES_LOCK_ID,
  version: 1,
  description: '.NET packages resolved in packages.lock.json',
  matches: (file) =>
    file.lowerName === 'packages.lock.json' || file.lowerName.endsWith('.packages.lock.json'),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: NUGET_PACKAGES_LOCK_ID }, () =>
      parseNugetPackagesLock(input.content, input.file.path),
    ),
} satisfies Collector;
