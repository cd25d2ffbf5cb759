/** Importer for Sigma rule files (`.yml`/`.yaml`): detection, correlation and filter rules. */
import type { Importer, ImporterInput, ImporterResult } from '../../core/plugin.js';
import { issue } from '../../core/issue.js';
import { decodeText } from '../../util/text.js';
import { parseSigmaFile, SIGMA_IMPORTER_ID, SIGMA_SOURCE_ID } from './parse.js';

export { parseSigmaFile, levelToSeverity } from './parse.js';
export type { SigmaRuleBody, SigmaLogsource, SigmaCorrelation, SigmaFilter, SigmaYaml } from './types.js';
export { isSigmaBody } from './types.js';

/** Largest rule file accepted (SigmaHQ's largest is well under 100 KiB). */
const MAX_RULE_FILE = 4 * 1024 * 1024;

/** Loads Sigma YAML rules into `DetectionRule`s with `format: 'sigma'` and the parsed rule in `body`. */
export const sigmaImporter = {
  id: SIGMA_IMPORTER_ID,
  version: 1,
  description: 'Sigma rules (YAML, multi-document with action: global, correlation and filter rules)',
  matches(file) {
    return file.lowerName.endsWith('.yml') || file.lowerName.endsWith('.yaml');
  },
  sniff(head) {
    return /^(detection|correlation|filter|logsource):/m.test(head.toString('utf8'));
  },
  import(input: ImporterInput): ImporterResult {
    const intel = { sources: [], advisories: [], indicators: [], rules: [] } as ImporterResult['intel'];
    const where = { file: input.file.path, pluginId: SIGMA_IMPORTER_ID };
    if (input.content.length > MAX_RULE_FILE) {
      return { intel, issues: [issue('too-large', `rule file larger than ${MAX_RULE_FILE} bytes`, where)] };
    }
    const text = decodeText(input.content);
    if (!text)
      return { intel, issues: [issue('encoding', 'rule file is not valid UTF-8/UTF-16 text', where)] };
    const { rules, issues } = parseSigmaFile(text.text, input.file.path);
    if (rules.length > 0) {
      intel.sources.push({
        id: SIGMA_SOURCE_ID,
        name: 'Sigma rules',
        url: 'https://github.com/SigmaHQ/sigma',
        license: 'DRL-1.1',
      });
    }
    intel.rules.push(...rules);
    return { intel, issues };
  },
} satisfies Importer;
