/** `packagist`: Composer / PHP `version_compare` ordering. */
import { defineComparator } from '../generic.js';
import { comparePackagist, parsePackagist, type PackagistVersion } from './parse.js';

/** The Packagist comparator. */
export const packagistComparator = defineComparator<PackagistVersion>(
  {
    id: 'versioning/packagist',
    version: 1,
    scheme: 'packagist',
    description: 'Packagist: PHP version_compare with Composer v-prefix and stability flags',
  },
  { parse: parsePackagist, compareParsed: comparePackagist },
);
