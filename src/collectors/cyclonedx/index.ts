import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { CYCLONEDX_ID, parseCycloneDx, sniffCycloneDx } from './parse.js';

/** Reads CycloneDX SBOMs (JSON and XML, spec 1.2-1.6) into package observations. */
export const cyclonedxCollector = {
  id: CYCLONEDX_ID,
  version: 1,
  description: 'Packages listed in CycloneDX SBOMs (JSON, XML)',
  matches: (file) =>
    file.lowerName === 'bom.json' ||
    file.lowerName === 'bom.xml' ||
    file.lowerName.endsWith('.cdx.json') ||
    file.lowerName.endsWith('.cdx.xml'),
  sniff: (head) => sniffCycloneDx(head.subarray(0, 4096).toString('utf8')),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: CYCLONEDX_ID }, () =>
      parseCycloneDx(input.content, input.file.path),
    ),
} satisfies Collector;
