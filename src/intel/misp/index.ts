/** Importer of MISP event JSON and MISP feed layouts (manifest.json plus `<uuid>.json` events). */
import type { Importer } from '../../core/plugin.js';
import { headText } from '../guard.js';
import { parseMispEvent, parseMispManifest, sniffMispEvent, sniffMispManifest } from './parse.js';

const ID = 'intel/misp';

/** MISP events → indicators (to_ids as confidence, attribute uuid as source id); feed manifests accepted. */
export const mispImporter = {
  id: ID,
  version: 1,
  description: 'MISP event JSON and feeds (manifest.json + event files) → indicators and CVE advisories',
  matches: (file) => file.lowerName.endsWith('.misp.json'),
  sniff: (head, file) => {
    const t = headText(head);
    return sniffMispEvent(t) || sniffMispManifest(t, file.lowerName);
  },
  import: ({ file, content }) => {
    const where = { file: file.path, pluginId: ID };
    if (
      file.lowerName === 'manifest.json' &&
      sniffMispManifest(headText(content.subarray(0, 4096)), file.lowerName)
    ) {
      const r = parseMispManifest(content, where);
      return { intel: r.intel, issues: r.issues };
    }
    return parseMispEvent(content, where);
  },
} satisfies Importer;
