import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parseRequirementsTxt, REQUIREMENTS_TXT_ID } from './parse.js';

/** Reads pip requirements files (`requirements*.txt`, `*-requirements.txt`) into PyPI packages. */
export const requirementsTxtCollector = {
  id: REQUIREMENTS_TXT_ID,
  version: 1,
  description: 'Python packages pinned in requirements*.txt',
  matches: (file) => file.lowerName.endsWith('.txt') && file.lowerName.includes('requirements'),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: REQUIREMENTS_TXT_ID }, () =>
      parseRequirementsTxt(input.content, input.file.path),
    ),
} satisfies Collector;
