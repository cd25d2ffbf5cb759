/** Importer for YARA rule files (`.yar`, `.yara`): one `DetectionRule` per file, compiled by matchers/yara. */
import type { Importer, ImporterInput, ImporterResult } from '../../core/plugin.js';
import { parseYaraFile, YARA_IMPORTER_ID, YARA_SOURCE_ID } from './parse.js';

export {
  parseYaraFile,
  declaredRuleNames,
  isYaraBody,
  baseName,
  YARA_IMPORTER_ID,
  YARA_SOURCE_ID,
} from './parse.js';
export type { YaraRuleFileBody } from './parse.js';

/** Loads YARA rule files as source text with a per-file namespace. */
export const yaraImporter = {
  id: YARA_IMPORTER_ID,
  version: 1,
  description: 'YARA rule files (.yar, .yara): source kept for yara-x, namespace per file',
  matches(file) {
    return file.lowerName.endsWith('.yar') || file.lowerName.endsWith('.yara');
  },
  import(input: ImporterInput): ImporterResult {
    const { rules, issues } = parseYaraFile(input.content, input.file.path);
    const sources = rules.length > 0 ? [{ id: YARA_SOURCE_ID, name: 'YARA rules' }] : [];
    return { intel: { sources, advisories: [], indicators: [], rules }, issues };
  },
} satisfies Importer;
