/** `collectors/pe-version`: PE version resources (ProductName, ProductVersion, CompanyName) → `app` observations. */
import type { Collector } from '../../core/plugin.js';
import { looksLikePe } from '../../pe/parse.js';
import { parsePeVersion, PE_VERSION_ID } from './parse.js';

export { parsePeVersion, normaliseVersion } from './parse.js';

export const peVersionCollector = {
  id: PE_VERSION_ID,
  version: 1,
  description: 'Windows PE version resources (.exe, .dll, .sys; MZ by sniff) as installed applications',
  matches(file) {
    return /\.(exe|dll|sys)$/.test(file.lowerName);
  },
  sniff(head) {
    return looksLikePe(head);
  },
  collect(input) {
    return parsePeVersion(input.content, input.file.path);
  },
} satisfies Collector;
