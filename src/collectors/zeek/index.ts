/** Collector for Zeek logs (TSV or JSON, plain or gzip): conn, dns, http, ssl, x509, files. */
import type { Collector, CollectorResult, FileRef } from '../../core/plugin.js';
import { decodeLogBuffer } from '../../logs/zeek/read.js';
import { zeekLogTypeFromName } from '../../logs/zeek/parse.js';
import { ZEEK_CONTACT_LOGS, parseZeekContacts } from './parse.js';

const ID = 'collectors/zeek';
const TYPES = new Set<string>(ZEEK_CONTACT_LOGS);

/** Zeek conn/dns/http/ssl/x509/files logs → `net-contact` observations. */
export const zeekCollector = {
  id: ID,
  version: 1,
  description:
    'Zeek conn, dns, http, ssl, x509 and files logs (TSV or JSON, gzip, rotated) as network contacts',
  matches(file: FileRef): boolean {
    const t = zeekLogTypeFromName(file.lowerName);
    return t !== null && TYPES.has(t.type);
  },
  sniff(head: Buffer, file: FileRef): boolean {
    if (!file.lowerName.endsWith('.log')) return false;
    const s = head.subarray(0, 512).toString('latin1');
    if (!s.startsWith('#separator')) return false;
    const m = /\n#path[\t ]([a-z0-9_]+)/.exec(s);
    return m !== null && m[1] !== undefined && TYPES.has(m[1]);
  },
  collect(input): CollectorResult {
    const { text, issues } = decodeLogBuffer(input.content, input.file.path, { pluginId: ID });
    const hint = zeekLogTypeFromName(input.file.lowerName)?.type;
    const res = parseZeekContacts(
      text,
      input.file.path,
      hint !== undefined ? { pathHint: hint, pluginId: ID } : { pluginId: ID },
    );
    return { observations: res.observations, issues: [...issues, ...res.issues] };
  },
} satisfies Collector;
