/** `rubygems`: `Gem::Version` ordering. */
import { defineComparator } from '../generic.js';
import { compareGem, parseGem, type GemVersion } from './parse.js';

/** The RubyGems comparator. */
export const rubygemsComparator = defineComparator<GemVersion>(
  {
    id: 'versioning/rubygems',
    version: 1,
    scheme: 'rubygems',
    description: 'RubyGems Gem::Version: numeric and prerelease letter segments',
  },
  { parse: parseGem, compareParsed: compareGem },
);
