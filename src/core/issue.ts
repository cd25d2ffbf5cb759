/**
 * Issues: bad input is data. Every collector, importer and reader reports problems with its
 * input as {@link Issue} values instead of throwing, and the scan goes on.
 */

/** Every issue code: why an input could not be (fully) used. */
export const ISSUE_CODES = [
  'parse-error',
  'truncated',
  'encoding',
  'empty',
  'unsupported',
  'too-large',
  'limit-exceeded',
  'unreadable',
  'symlink',
  'archive-error',
  'invalid-value',
  'checksum-mismatch',
  'duplicate',
  /** A value dropped at import because a warning list marks it as benign (popular domain, resolver, empty-file hash). */
  'warninglist',
  'internal-error',
] as const;

/** Why an input could not be (fully) used. */
export type IssueCode = (typeof ISSUE_CODES)[number];

/** One problem with one input, located as precisely as is cheap. */
export interface Issue {
  code: IssueCode;
  /** Path of the input as walked (archive members as `archive.zip!/member`). */
  file?: string;
  /** 1-based line, where the format has lines. */
  line?: number;
  /** Byte offset into the file, for binary formats. */
  offset?: number;
  /** Id of the plugin that raised it. */
  pluginId?: string;
  /** Human-readable reason, naming the construct that failed. */
  message: string;
}

/** Builds an issue; `where` fields that are undefined are left out (exactOptionalPropertyTypes). */
export function issue(
  code: IssueCode,
  message: string,
  where: {
    file?: string | undefined;
    line?: number | undefined;
    offset?: number | undefined;
    pluginId?: string | undefined;
  } = {},
): Issue {
  const out: Issue = { code, message };
  if (where.file !== undefined) out.file = where.file;
  if (where.line !== undefined) out.line = where.line;
  if (where.offset !== undefined) out.offset = where.offset;
  if (where.pluginId !== undefined) out.pluginId = where.pluginId;
  return out;
}

/** Sort key making issue lists deterministic. */
export function compareIssues(a: Issue, b: Issue): number {
  return (
    cmp(a.file ?? '', b.file ?? '') ||
    (a.line ?? 0) - (b.line ?? 0) ||
    (a.offset ?? 0) - (b.offset ?? 0) ||
    cmp(a.pluginId ?? '', b.pluginId ?? '') ||
    cmp(a.code, b.code) ||
    cmp(a.message, b.message)
  );
}

/** Plain code-unit string comparison (locale independent, so output is stable everywhere). */
export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
