import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { GRADLE_LOCKFILE_ID, parseGradleLockfile } from './parse.js';

/** Reads Gradle lock files into Maven package observations. */
export const gradleLockfileCollector = {
  id: GRADLE_LOCKFILE_ID,
  version: 1,
  description: 'Java packages locked in gradle.lockfile',
  matches: (file) =>
    file.lowerName === 'gradle.lockfile' ||
    file.lowerName === 'buildscript-gradle.lockfile' ||
    (file.lowerName.endsWith('.lockfile') &&
      file.path.replace(/\\/g, '/').includes('gradle/dependency-locks/')),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: GRADLE_LOCKFILE_ID }, () =>
      parseGradleLockfile(input.content, input.file.path),
    ),
} satisfies Collector;
