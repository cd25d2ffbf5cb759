/**
 * Parser of signature-base / LOKI `c2-iocs.txt`: one domain or IP address per line, optionally
 * `VALUE;SCORE`; `#` comment lines directly above a block of values describe that block.
 */
import { emptyIntel, type Indicator, type IntelBundle } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { looksLikeIp, normalizeCidr, normalizeDomain, normalizeIp } from '../normalize.js';
import { readListLines, scoreToSeverity } from '../line-list.js';
import { baseName, parseScore, SIGBASE_SOURCE, SIGBASE_SOURCE_ID } from '../signature-base.js';

/** Parse result. */
export interface C2IocsResult {
  intel: IntelBundle;
  issues: Issue[];
  totalLines: number;
}

/** Parses a C2 IOC list. */
export function parseC2Iocs(content: Buffer, file: string, pluginId: string): C2IocsResult {
  const read = readListLines(content, file, pluginId);
  const intel = emptyIntel();
  const issues = [...read.issues];
  const refName = baseName(file);
  const seen = new Set<string>();
  for (const l of read.lines) {
    const where = { file, line: l.line, pluginId };
    const fields = l.text.split(';');
    const rawValue = (fields[0] ?? '').trim();
    if (fields.length > 2) {
      issues.push(issue('parse-error', 'line dropped: expected VALUE or VALUE;SCORE', where));
      continue;
    }
    let score: number | undefined;
    if (fields.length === 2) {
      score = parseScore(fields[1] ?? '');
      if (score === undefined) {
        issues.push(issue('invalid-value', 'line dropped: score is not an integer 0-100', where));
        continue;
      }
    }
    const isCidr = rawValue.includes('/');
    const type = isCidr ? 'cidr' : looksLikeIp(rawValue) ? 'ip' : 'domain';
    const norm =
      type === 'cidr'
        ? normalizeCidr(rawValue)
        : type === 'ip'
          ? normalizeIp(rawValue)
          : normalizeDomain(rawValue);
    if (!norm.ok) {
      issues.push(issue('invalid-value', `line dropped: ${norm.reason}`, where));
      continue;
    }
    const key = `${type}\u0000${norm.value}`;
    if (seen.has(key)) {
      issues.push(issue('duplicate', `line dropped: ${type} ${norm.value} already listed`, where));
      continue;
    }
    seen.add(key);
    const ind: Indicator = {
      type,
      value: norm.value,
      source: SIGBASE_SOURCE_ID,
      sourceRef: `${refName}:${l.line}`,
      severity: score === undefined ? 'high' : scoreToSeverity(score),
    };
    if (score !== undefined) ind.score = score;
    if (l.comment !== undefined) ind.description = l.comment;
    intel.indicators.push(ind);
  }
  if (intel.indicators.length > 0) intel.sources.push({ ...SIGBASE_SOURCE });
  return { intel, issues, totalLines: read.totalLines };
}
