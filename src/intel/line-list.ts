/**
 * Shared reading of line-oriented IOC lists (signature-base/LOKI `*-iocs.txt`): decoding with
 * issues for empty, binary and wrongly encoded input, and the comment-block bookkeeping that turns
 * `# comment` lines into descriptions of the values that follow them.
 */
import { issue, type Issue } from '../core/issue.js';
import { decodeText, hasNul } from '../util/text.js';

/** One non-blank, non-comment line with the description in force for it. */
export interface ListLine {
  /** 1-based line number. */
  line: number;
  /** The line without surrounding whitespace. */
  text: string;
  /** Text of the comment block directly above this line's block, if any. */
  comment?: string;
}

/** Result of reading a list file. */
export interface ListRead {
  lines: ListLine[];
  /** Number of physical lines in the file. */
  totalLines: number;
  issues: Issue[];
}

/**
 * Splits an IOC list into value lines. Comment lines start with `#`. A run of comment lines
 * directly above a run of values (no blank line between) becomes those values' `comment`; a blank
 * line or a new comment after values starts a new block.
 */
export function readListLines(content: Buffer, file: string, pluginId: string): ListRead {
  const where = { file, pluginId };
  if (content.length === 0)
    return { lines: [], totalLines: 0, issues: [issue('empty', 'file is empty', where)] };
  if (hasNul(content)) {
    // UTF-16 text has NULs too; decodeText recognises it (BOM or pattern), binary garbage does not.
    const utf16 = decodeText(content);
    if (utf16 === null || utf16.encoding === 'utf-8') {
      return {
        lines: [],
        totalLines: 0,
        issues: [issue('encoding', 'file is binary (NUL bytes), not a text IOC list', where)],
      };
    }
  }
  const decoded = decodeText(content);
  if (decoded === null) {
    return {
      lines: [],
      totalLines: 0,
      issues: [issue('encoding', 'file is not valid UTF-8 or UTF-16 text', where)],
    };
  }
  const physical = decoded.text.split(/\r\n|\n|\r/);
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  const out: ListLine[] = [];
  let comment: string[] = [];
  let inValues = false;
  for (let i = 0; i < physical.length; i++) {
    const text = (physical[i] ?? '').trim();
    if (text === '') {
      comment = [];
      inValues = false;
      continue;
    }
    if (text.startsWith('#')) {
      if (inValues) {
        comment = [];
        inValues = false;
      }
      const c = text.replace(/^#+/, '').trim();
      if (c !== '') comment.push(c);
      continue;
    }
    inValues = true;
    const entry: ListLine = { line: i + 1, text };
    if (comment.length > 0) entry.comment = comment.join(' ');
    out.push(entry);
  }
  return { lines: out, totalLines: physical.length, issues: [] };
}

/**
 * Maps a signature-base / LOKI score (0-100) to a severity: ≥ 90 critical, ≥ 75 high, ≥ 60 medium,
 * ≥ 40 low, else info. (LOKI itself reports ≥ 100 as alert, ≥ 60 as warning, ≥ 40 as notice.)
 */
export function scoreToSeverity(score: number): 'critical' | 'high' | 'medium' | 'low' | 'info' {
  if (score >= 90) return 'critical';
  if (score >= 75) return 'high';
  if (score >= 60) return 'medium';
  if (score >= 40) return 'low';
  return 'info';
}
