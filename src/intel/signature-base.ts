/** The signature-base intel source, shared by the three signature-base IOC list importers. */
import type { IntelSource } from '../core/intel.js';

/** Source id used by signature-base importers and by packs citing signature-base. */
export const SIGBASE_SOURCE_ID = 'sigbase';

/**
 * Neo23x0/signature-base (Florian Roth, Nextron Systems), under the Detection Rule License 1.1:
 * keep the author and reference when reusing or alerting on its content.
 */
export const SIGBASE_SOURCE: IntelSource = {
  id: SIGBASE_SOURCE_ID,
  name: 'Neo23x0/signature-base (Florian Roth, Nextron Systems)',
  url: 'https://github.com/Neo23x0/signature-base',
  license: 'DRL-1.1',
};

/** True when the lower-cased base name is `<kind>.txt` or contains `<kind>` and ends in `.txt`. */
export function isSigbaseListName(
  lowerName: string,
  kind: 'hash-iocs' | 'c2-iocs' | 'filename-iocs',
): boolean {
  return lowerName.endsWith('.txt') && lowerName.includes(kind);
}

/** Base name of a walked path (`/` or `\` separators, archive members included). */
export function baseName(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'), p.lastIndexOf('!'));
  return i < 0 ? p : p.slice(i + 1);
}

/** Parses a LOKI score field: an integer 0-100, else undefined. */
export function parseScore(raw: string): number | undefined {
  const s = raw.trim();
  if (!/^[0-9]{1,3}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 100 ? n : undefined;
}
