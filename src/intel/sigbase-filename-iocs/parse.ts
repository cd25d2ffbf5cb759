/**
 * Parser of signature-base / LOKI `filename-iocs.txt`: `REGEX;SCORE[;FALSE-POSITIVE-REGEX]` per
 * line; `#` comment lines directly above a block describe it. LOKI matches each regex
 * (case-sensitive unless it starts with `(?i)`) against the full file path; every regex is checked
 * with RE2 so matching stays linear-time, and one RE2 cannot compile is reported as unsupported.
 */
import { emptyIntel, type Indicator, type IntelBundle } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { checkPattern } from '../pattern.js';
import { readListLines, scoreToSeverity } from '../line-list.js';
import { baseName, parseScore, SIGBASE_SOURCE, SIGBASE_SOURCE_ID } from '../signature-base.js';

/** Parse result. */
export interface FilenameIocsResult {
  intel: IntelBundle;
  issues: Issue[];
  totalLines: number;
}

/** Parses a filename IOC list. */
export function parseFilenameIocs(content: Buffer, file: string, pluginId: string): FilenameIocsResult {
  const read = readListLines(content, file, pluginId);
  const intel = emptyIntel();
  const issues = [...read.issues];
  const refName = baseName(file);
  const seen = new Set<string>();
  for (const l of read.lines) {
    const where = { file, line: l.line, pluginId };
    const fields = l.text.split(';');
    if (fields.length < 2) {
      issues.push(issue('parse-error', 'line dropped: expected REGEX;SCORE[;FALSE-POSITIVE-REGEX]', where));
      continue;
    }
    if (fields.length > 3) {
      issues.push(
        issue(
          'unsupported',
          'line dropped: more than three ;-separated fields (a regex containing ";" cannot be told apart)',
          where,
        ),
      );
      continue;
    }
    const regex = fields[0] ?? '';
    const score = parseScore(fields[1] ?? '');
    if (score === undefined) {
      issues.push(issue('invalid-value', 'line dropped: score is not an integer 0-100', where));
      continue;
    }
    const check = checkPattern('regex', regex);
    if (!check.ok) {
      issues.push(issue('unsupported', `line dropped: ${check.reason}`, where));
      continue;
    }
    const fp = fields[2];
    if (fp !== undefined) {
      const fpCheck = checkPattern('regex', fp);
      if (!fpCheck.ok) {
        issues.push(issue('unsupported', `line dropped: false-positive regex: ${fpCheck.reason}`, where));
        continue;
      }
    }
    const key = `${regex}\u0000${fp ?? ''}`;
    if (seen.has(key)) {
      issues.push(issue('duplicate', 'line dropped: same regex already listed', where));
      continue;
    }
    seen.add(key);
    const ind: Indicator = {
      type: 'filename',
      value: regex,
      source: SIGBASE_SOURCE_ID,
      sourceRef: `${refName}:${l.line}`,
      patternSyntax: 'regex',
      score,
      severity: scoreToSeverity(score),
    };
    if (fp !== undefined && fp !== '') ind.excludePattern = fp;
    if (l.comment !== undefined) ind.description = l.comment;
    intel.indicators.push(ind);
  }
  if (intel.indicators.length > 0) intel.sources.push({ ...SIGBASE_SOURCE });
  return { intel, issues, totalLines: read.totalLines };
}
