/** `nuget`: NuGet versions (SemVer 2.0 and legacy four-part). */
import { defineComparator } from '../generic.js';
import type { SemverVersion } from '../semver/parse.js';
import { compareNuget, parseNuget } from './parse.js';

/** The NuGet comparator. */
export const nugetComparator = defineComparator<SemverVersion>(
  {
    id: 'versioning/nuget',
    version: 1,
    scheme: 'nuget',
    description: 'NuGet: SemVer 2.0 and legacy four-part versions, case-insensitive labels',
  },
  { parse: parseNuget, compareParsed: compareNuget },
);
