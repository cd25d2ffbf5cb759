/** Importer of signature-base / LOKI filename IOC lists (`filename-iocs.txt`, `*filename-iocs*.txt`). */
import type { Importer } from '../../core/plugin.js';
import { isSigbaseListName } from '../signature-base.js';
import { parseFilenameIocs } from './parse.js';

const ID = 'intel/sigbase-filename-iocs';

/** `REGEX;SCORE[;FP-REGEX]` lines → filename indicators with `patternSyntax: 'regex'` (source `sigbase`). */
export const sigbaseFilenameIocsImporter = {
  id: ID,
  version: 1,
  description:
    'signature-base/LOKI filename-iocs.txt (REGEX;SCORE[;FP-REGEX]) → regex filename indicators, RE2-checked',
  matches: (file) => isSigbaseListName(file.lowerName, 'filename-iocs'),
  import: ({ file, content }) => {
    const r = parseFilenameIocs(content, file.path, ID);
    return { intel: r.intel, issues: r.issues };
  },
} satisfies Importer;
