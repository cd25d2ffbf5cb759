/** `maven`: Maven `ComparableVersion` ordering (qualifiers, padding, separators). */
import { defineComparator } from '../generic.js';
import { compareMaven, parseMaven, type MavenVersion } from './parse.js';

/** The Maven comparator. */
export const mavenComparator = defineComparator<MavenVersion>(
  {
    id: 'versioning/maven',
    version: 1,
    scheme: 'maven',
    description: 'Maven ComparableVersion: qualifiers, null padding, separators',
  },
  { parse: parseMaven, compareParsed: compareMaven },
);
