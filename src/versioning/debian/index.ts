/** `debian`: dpkg version ordering for Debian and Ubuntu (epoch, upstream, revision, `~`). */
import { defineComparator } from '../generic.js';
import { compareDebian, parseDebian, type DebianVersion } from './parse.js';

/** The Debian (dpkg) comparator. */
export const debianComparator = defineComparator<DebianVersion>(
  {
    id: 'versioning/debian',
    version: 1,
    scheme: 'debian',
    description: 'dpkg versions (Debian, Ubuntu): epoch:upstream-revision with ~',
  },
  { parse: parseDebian, compareParsed: compareDebian },
);
