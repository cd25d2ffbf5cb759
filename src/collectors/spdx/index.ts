import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parseSpdx, SPDX_ID, sniffSpdx } from './parse.js';

/** Reads SPDX SBOMs (2.2/2.3 JSON, YAML, tag-value; 3.0 JSON-LD) into package observations. */
export const spdxCollector = {
  id: SPDX_ID,
  version: 1,
  description: 'Packages listed in SPDX SBOMs (2.2/2.3 JSON, YAML, tag-value; 3.0 JSON-LD)',
  matches: (file) => /\.spdx(?:\.json|\.ya?ml|\.jsonld)?$/.test(file.lowerName),
  sniff: (head) => sniffSpdx(head.subarray(0, 4096).toString('utf8')),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: SPDX_ID }, () => parseSpdx(input.content, input.file.path)),
} satisfies Collector;
