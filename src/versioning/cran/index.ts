/** `cran`: R package versions (CRAN, Bioconductor). */
import { defineComparator } from '../generic.js';
import { compareCran, parseCran, type CranVersion } from './parse.js';

/** The CRAN comparator. */
export const cranComparator = defineComparator<CranVersion>(
  {
    id: 'versioning/cran',
    version: 1,
    scheme: 'cran',
    description: "R package_version (CRAN, Bioconductor): integers separated by '.' or '-'",
  },
  { parse: parseCran, compareParsed: compareCran },
);
