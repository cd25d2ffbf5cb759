/** `pep440`: Python package versions (PyPI) per PEP 440, with packaging's legacy fallback. */
import { defineComparator } from '../generic.js';
import { comparePep440, parsePep440, type Pep440Version } from './parse.js';

/** The PEP 440 comparator. */
export const pep440Comparator = defineComparator<Pep440Version>(
  {
    id: 'versioning/pep440',
    version: 1,
    scheme: 'pep440',
    description: 'PEP 440 (PyPI): epochs, pre/post/dev releases, local versions, legacy fallback',
  },
  { parse: parsePep440, compareParsed: comparePep440 },
);
