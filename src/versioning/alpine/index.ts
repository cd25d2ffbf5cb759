/** `alpine`: apk version ordering (Alpine, Wolfi, Chainguard, MinimOS). */
import { defineComparator } from '../generic.js';
import { compareAlpine, parseAlpine, type AlpineVersion } from './parse.js';

/** The apk comparator. */
export const alpineComparator = defineComparator<AlpineVersion>(
  {
    id: 'versioning/alpine',
    version: 1,
    scheme: 'alpine',
    description: 'apk versions (Alpine, Wolfi, Chainguard): letters, _suffixes, -rN',
  },
  { parse: parseAlpine, compareParsed: compareAlpine },
);
