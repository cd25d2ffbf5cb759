/**
 * `intel/osv`: OSV records (ossf/malicious-packages, GHSA, PYSEC, OSV.dev exports) from single
 * files, directory trees and OSV's per-ecosystem `all.zip` (the runner expands archives).
 * Recognised by content: a JSON or YAML document with an `id` and `affected` or `modified`.
 */
import type { Importer } from '../../core/plugin.js';
import { parseOsv } from './parse.js';

import type { IntelSource } from '../../core/intel.js';

/** Sources by record-id prefix (the database that publishes the record), with their licences. */
const SOURCES: Record<string, IntelSource> = {
  MAL: {
    id: 'ossf-malicious-packages',
    name: 'OpenSSF Malicious Packages',
    url: 'https://github.com/ossf/malicious-packages',
    license: 'Apache-2.0',
  },
  GHSA: {
    id: 'github-advisory-database',
    name: 'GitHub Advisory Database',
    url: 'https://github.com/github/advisory-database',
    license: 'CC-BY-4.0',
  },
  PYSEC: {
    id: 'pypa-advisory-database',
    name: 'PyPA Advisory Database',
    url: 'https://github.com/pypa/advisory-database',
    license: 'CC-BY-4.0',
  },
};
export const OSV_SOURCE: IntelSource = { id: 'osv', name: 'OSV records', url: 'https://osv.dev' };

/** The source an OSV id belongs to. */
export function sourceOfId(id: string): IntelSource {
  return SOURCES[id.split('-')[0] ?? ''] ?? OSV_SOURCE;
}

function looksOsv(head: string): boolean {
  // STIX bundles also carry "id" and "modified": not OSV.
  if (/"type"\s*:\s*"bundle"/.test(head)) return false;
  return /"id"\s*:/.test(head) && /"(affected|modified|schema_version)"\s*:/.test(head);
}

export const osvImporter = {
  id: 'intel/osv',
  version: 1,
  description: 'OSV vulnerability and malicious-package records (JSON, YAML; files, trees, all.zip)',
  // YAML records named after their id (PYSEC-…, GHSA-…); JSON is recognised by content.
  matches: (file) =>
    /^(pysec|ghsa|osv|mal|go|rustsec|cve|gsd|uvi|psf|bit|dsa|dla|usn|alsa|rlsa|mga)-.*\.ya?ml$/.test(
      file.lowerName,
    ),
  sniff(head, file) {
    const text = head.toString('utf8');
    if (/\.json$/i.test(file.lowerName))
      return looksOsv(text) || (/^\s*\[\s*\{/.test(text) && looksOsv(text)) || /"vulns"\s*:\s*\[/.test(text);
    if (/\.ya?ml$/i.test(file.lowerName))
      return /^id:\s*\S/m.test(text) && /^(affected|modified):/m.test(text);
    return false;
  },
  import({ file, content }) {
    const { advisories, issues } = parseOsv(content, file.path, OSV_SOURCE.id);
    const sources = new Map<string, IntelSource>();
    for (const a of advisories) {
      const s = sourceOfId(a.id);
      a.source = s.id;
      sources.set(s.id, s);
    }
    return { intel: { sources: [...sources.values()], advisories, indicators: [], rules: [] }, issues };
  },
} satisfies Importer;
