/** Importer of STIX 2.1 bundles (sniffed by `"type": "bundle"`, or named `*.stix.json`). */
import type { Importer } from '../../core/plugin.js';
import { headText } from '../guard.js';
import { parseStixBundle, sniffStix } from './parse.js';

const ID = 'intel/stix';

/** STIX 2.1 bundles → indicators (hash, file name, domain, IP, CIDR, URL, e-mail) and vulnerability advisories. */
export const stixImporter = {
  id: ID,
  version: 1,
  description:
    'STIX 2.1 bundles: indicator patterns (hashes, domain, IP, URL, e-mail, file name), vulnerabilities, relationships',
  matches: (file) => file.lowerName.endsWith('.stix.json') || file.lowerName.endsWith('.stix2'),
  sniff: (head) => sniffStix(headText(head)),
  import: ({ file, content }) => parseStixBundle(content, { file: file.path, pluginId: ID }),
} satisfies Importer;
