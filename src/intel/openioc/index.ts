/** Importer of OpenIOC 1.0/1.1 XML (`*.ioc`, or sniffed by root element). */
import type { Importer } from '../../core/plugin.js';
import { headText } from '../guard.js';
import { parseOpenIoc, sniffOpenIoc } from './parse.js';

const ID = 'intel/openioc';

/** OpenIOC documents → hash, file-name, domain, IP, URL and e-mail indicators. */
export const openIocImporter = {
  id: ID,
  version: 1,
  description:
    'OpenIOC 1.0/1.1 XML (*.ioc) → hash, file name, domain, IP, URL, e-mail indicators; DOCTYPE refused',
  matches: (file) => file.lowerName.endsWith('.ioc'),
  sniff: (head) => sniffOpenIoc(headText(head)),
  import: ({ file, content }) => parseOpenIoc(content, { file: file.path, pluginId: ID }),
} satisfies Importer;
