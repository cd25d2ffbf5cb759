/** Importer of signature-base / LOKI hash IOC lists (`hash-iocs.txt`, `*hash-iocs*.txt`). */
import type { Importer } from '../../core/plugin.js';
import { isSigbaseListName } from '../signature-base.js';
import { parseHashIocs } from './parse.js';

const ID = 'intel/sigbase-hash-iocs';

/** `HASH;DESCRIPTION` lines → md5/sha1/sha256 indicators (source `sigbase`). */
export const sigbaseHashIocsImporter = {
  id: ID,
  version: 1,
  description: 'signature-base/LOKI hash-iocs.txt (HASH;DESCRIPTION) → md5, sha1, sha256 indicators',
  matches: (file) => isSigbaseListName(file.lowerName, 'hash-iocs'),
  import: ({ file, content }) => {
    const r = parseHashIocs(content, file.path, ID);
    return { intel: r.intel, issues: r.issues };
  },
} satisfies Importer;
