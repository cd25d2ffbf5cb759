/** `rpm`: RPM EVR ordering (`rpmvercmp`, `~` and `^`) for Red Hat and other RPM distributions. */
import { defineComparator } from '../generic.js';
import { compareRpm, parseRpm, type RpmVersion } from './parse.js';

/** The RPM comparator. */
export const rpmComparator = defineComparator<RpmVersion>(
  {
    id: 'versioning/rpm',
    version: 1,
    scheme: 'rpm',
    description: 'RPM EVR (rpmvercmp with ~ and ^): Red Hat, Rocky, AlmaLinux, SUSE, ...',
  },
  { parse: parseRpm, compareParsed: compareRpm },
);
