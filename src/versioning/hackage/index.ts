/** `hackage`: Haskell package versions (Hackage, GHC). */
import { defineComparator } from '../generic.js';
import { compareHackage, parseHackage, type HackageVersion } from './parse.js';

/** The Hackage comparator. */
export const hackageComparator = defineComparator<HackageVersion>(
  {
    id: 'versioning/hackage',
    version: 1,
    scheme: 'hackage',
    description: 'Haskell Data.Version (Hackage, GHC): dotted integers compared as lists',
  },
  { parse: parseHackage, compareParsed: compareHackage },
);
