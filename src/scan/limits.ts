/** Resource limits for walking evidence; every limit hit becomes an issue, never a crash. */
export interface WalkLimits {
  /** Files larger than this are hashed (streamed) but not handed to collectors. */
  maxFileSize: number;
  /** Stop listing after this many files per scan root. */
  maxFiles: number;
  /** Most entries read from one archive. */
  maxArchiveEntries: number;
  /** Most uncompressed bytes read from one archive (zip-bomb guard). */
  maxArchiveBytes: number;
  /** Glob patterns (`*`, `?`) matched against the path relative to the scan root; matches are skipped. */
  excludes: string[];
}

export const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: WalkLimits = {
  maxFileSize: 256 * MiB,
  maxFiles: 1_000_000,
  maxArchiveEntries: 200_000,
  maxArchiveBytes: 8 * 1024 * MiB,
  excludes: [],
};

/** Parses sizes like `512`, `64k`, `256MiB`, `1g`. Returns null when invalid. */
export function parseSize(s: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([kmgt]?)(i?b)?$/i.exec(s.trim());
  if (!m?.[1]) return null;
  const mult =
    { '': 1, k: 1024, m: MiB, g: 1024 * MiB, t: 1024 * 1024 * MiB }[(m[2] ?? '').toLowerCase()] ?? 1;
  const v = Math.floor(Number(m[1]) * mult);
  return Number.isFinite(v) ? v : null;
}
