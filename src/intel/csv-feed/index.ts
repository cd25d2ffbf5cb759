/** Importer of CSV IOC feeds (Sophos, Volexity, and headers naming value and type columns). */
import type { Importer } from '../../core/plugin.js';
import { headText } from '../guard.js';
import { parseCsvFeed, sniffCsvFeed } from './parse.js';

const ID = 'intel/csv-feed';

/** CSV IOC feeds: built-in Sophos and Volexity layouts, auto mapping by header, warning lists applied. */
export const csvFeedImporter = {
  id: ID,
  version: 1,
  description:
    'CSV IOC feeds (Sophos Indicator,Data,Note; Volexity value,entity_type,description; value+type headers) → indicators',
  matches: (file) => file.lowerName.endsWith('.csv'),
  sniff: (head) => sniffCsvFeed(headText(head)),
  import: ({ file, content }) => {
    const r = parseCsvFeed(content, { file: file.path, pluginId: ID });
    return { intel: r.intel, issues: r.issues };
  },
} satisfies Importer;
