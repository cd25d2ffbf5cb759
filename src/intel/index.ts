/** The importer registry: every intel importer, explicitly listed. */
import type { Importer } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';
import { chainhuntPackImporter } from './chainhunt-pack/index.js';
import { sigbaseC2IocsImporter } from './sigbase-c2-iocs/index.js';
import { sigbaseFilenameIocsImporter } from './sigbase-filename-iocs/index.js';
import { sigbaseHashIocsImporter } from './sigbase-hash-iocs/index.js';
import { osvImporter } from './osv/index.js';
import { sigmaImporter } from './sigma/index.js';
import { stixImporter } from './stix/index.js';
import { mispImporter } from './misp/index.js';
import { openIocImporter } from './openioc/index.js';
import { csvFeedImporter } from './csv-feed/index.js';
import { yaraImporter } from './yara/index.js';

export const importers: readonly Importer[] = defineRegistry<Importer>('importer', [
  chainhuntPackImporter,
  sigbaseHashIocsImporter,
  sigbaseC2IocsImporter,
  sigbaseFilenameIocsImporter,
  sigmaImporter,
  osvImporter,
  yaraImporter,
  stixImporter,
  mispImporter,
  openIocImporter,
  csvFeedImporter,
]);
