/** Importer of chainhunt intel packs (`*.chainhunt.json`, `"schema": "chainhunt-intel/1"`). */
import type { Importer } from '../../core/plugin.js';
import { parsePack } from './parse.js';

const ID = 'intel/chainhunt-pack';

/** Matches `"schema": "chainhunt-intel/` in the first bytes of a file (UTF-8 or UTF-16). */
function sniffHead(head: Buffer): boolean {
  const probe = head.subarray(0, 4096);
  const text = probe.includes(0) ? probe.toString('utf16le') : probe.toString('utf8');
  return /"schema"\s*:\s*"chainhunt-intel\//.test(text);
}

/**
 * Reads chainhunt intel packs: vendor advisories (product matchers, affected and fixed versions,
 * remediation) and indicators, each citing its source. Verifies the pack checksum; a mismatch
 * refuses the pack.
 */
export const chainhuntPackImporter = {
  id: ID,
  version: 1,
  description:
    'chainhunt intel packs (*.chainhunt.json): vendor advisories and indicators with sources, checksum-verified',
  matches: (file) => file.lowerName.endsWith('.chainhunt.json'),
  sniff: (head) => sniffHead(head),
  import: ({ file, content }) => {
    const r = parsePack(content, { file: file.path, pluginId: ID });
    return { intel: r.intel, issues: r.issues };
  },
} satisfies Importer;
