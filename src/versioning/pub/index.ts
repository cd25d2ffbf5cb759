/** `pub`: Dart Pub versions (SemVer with ordered build metadata). */
import { defineComparator } from '../generic.js';
import type { SemverVersion } from '../semver/parse.js';
import { comparePub, parsePub } from './parse.js';

/** The Pub comparator. */
export const pubComparator = defineComparator<SemverVersion>(
  {
    id: 'versioning/pub',
    version: 1,
    scheme: 'pub',
    description: 'Dart Pub (pub_semver): SemVer where build metadata sorts after the release',
  },
  { parse: parsePub, compareParsed: comparePub },
);
