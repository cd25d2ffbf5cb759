/** Importer of signature-base / LOKI C2 IOC lists (`c2-iocs.txt`, `*c2-iocs*.txt`). */
import type { Importer } from '../../core/plugin.js';
import { isSigbaseListName } from '../signature-base.js';
import { parseC2Iocs } from './parse.js';

const ID = 'intel/sigbase-c2-iocs';

/** One domain or IP per line (optionally `;SCORE`) → domain, ip and cidr indicators (source `sigbase`). */
export const sigbaseC2IocsImporter = {
  id: ID,
  version: 1,
  description: 'signature-base/LOKI c2-iocs.txt (one domain or IP per line) → domain and ip indicators',
  matches: (file) => isSigbaseListName(file.lowerName, 'c2-iocs'),
  import: ({ file, content }) => {
    const r = parseC2Iocs(content, file.path, ID);
    return { intel: r.intel, issues: r.issues };
  },
} satisfies Importer;
