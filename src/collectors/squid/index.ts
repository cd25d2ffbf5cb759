/** Collector for Squid proxy `access.log` files (native format; plain or gzip). */
import type { Collector, CollectorResult, FileRef } from '../../core/plugin.js';
import { decodeLogBuffer } from '../../logs/zeek/read.js';
import { looksLikeSquidNative, parseSquidAccessLog } from './parse.js';

const ID = 'collectors/squid';

/** Squid native access logs → `net-contact` observations. */
export const squidCollector = {
  id: ID,
  version: 1,
  description: 'Squid access.log (native format) as network contacts',
  matches(file: FileRef): boolean {
    // Only under a squid directory or with squid in the name: other access.log files are web servers'.
    const p = file.path.toLowerCase();
    return /^access\.log(\.\d+)?(\.gz)?$/.test(file.lowerName)
      ? p.includes('squid')
      : file.lowerName.includes('squid') && /access.*\.log(\.\d+)?(\.gz)?$/.test(file.lowerName);
  },
  sniff(head: Buffer, file: FileRef): boolean {
    if (!/\.log(\.\d+)?$/.test(file.lowerName)) return false;
    const first = head.subarray(0, 400).toString('latin1').split('\n')[0] ?? '';
    return looksLikeSquidNative(first);
  },
  collect(input): CollectorResult {
    const { text, issues } = decodeLogBuffer(input.content, input.file.path, { pluginId: ID });
    const r = parseSquidAccessLog(text, input.file.path);
    return { observations: r.observations, issues: [...issues, ...r.issues] };
  },
} satisfies Collector;
