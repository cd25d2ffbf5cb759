/**
 * Parser of signature-base / LOKI `hash-iocs.txt`: `HASH;DESCRIPTION` per line, MD5, SHA1 or
 * SHA256 told apart by length, `#` comment lines.
 */
import { emptyIntel, type Indicator, type IntelBundle } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { hashTypeOf, isHex } from '../normalize.js';
import { readListLines } from '../line-list.js';
import { baseName, SIGBASE_SOURCE, SIGBASE_SOURCE_ID } from '../signature-base.js';

/** Parse result. */
export interface HashIocsResult {
  intel: IntelBundle;
  issues: Issue[];
  /** Physical lines in the file (for accounting). */
  totalLines: number;
}

/** Parses a hash IOC list. `file` is the path reported in issues and `sourceRef`s. */
export function parseHashIocs(content: Buffer, file: string, pluginId: string): HashIocsResult {
  const read = readListLines(content, file, pluginId);
  const intel = emptyIntel();
  const issues = [...read.issues];
  const refName = baseName(file);
  const seen = new Set<string>();
  for (const l of read.lines) {
    const semi = l.text.indexOf(';');
    const rawHash = (semi < 0 ? l.text : l.text.slice(0, semi)).trim();
    const description = semi < 0 ? '' : l.text.slice(semi + 1).trim();
    const where = { file, line: l.line, pluginId };
    const type = hashTypeOf(rawHash);
    if (type === undefined) {
      const why = isHex(rawHash)
        ? `hash has ${rawHash.length} hex digits (expected 32, 40 or 64)`
        : 'hash is not hexadecimal';
      issues.push(issue('invalid-value', `line dropped: ${why}`, where));
      continue;
    }
    const value = rawHash.toLowerCase();
    if (seen.has(value)) {
      issues.push(issue('duplicate', `line dropped: ${type} ${value} already listed`, where));
      continue;
    }
    seen.add(value);
    const ind: Indicator = {
      type,
      value,
      source: SIGBASE_SOURCE_ID,
      sourceRef: `${refName}:${l.line}`,
      severity: 'high',
    };
    const desc = description !== '' ? description : l.comment;
    if (desc !== undefined && desc !== '') ind.description = desc;
    intel.indicators.push(ind);
  }
  if (intel.indicators.length > 0) intel.sources.push({ ...SIGBASE_SOURCE });
  return { intel, issues, totalLines: read.totalLines };
}
