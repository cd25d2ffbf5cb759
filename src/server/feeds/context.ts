/**
 * What every kind of feed poll shares: the request helper (credentials for the feed's origin),
 * the import helper (records what was imported, turns a store failure into an issue), the issue
 * list, and the tie-safe cursor rule.
 */
import { issue, type Issue } from '../../core/issue.js';
import { displayUrl, feedGet, type FeedResponse } from './http.js';
import {
  DEFAULT_MAX_ITEMS,
  FEEDS_PLUGIN_ID,
  type FeedConfig,
  type FeedItemFormat,
  type FeedState,
  type ImportedItem,
  type PollDeps,
  type ReviewItem,
} from './types.js';

/** What a kind's poll reports back to {@link pollFeed}. */
export interface KindOutcome {
  /** False when the poll failed as a whole (the feed document could not be read). */
  ok: boolean;
  notModified?: boolean;
  /** State members to change (etag, lastModified, cursor, seenIds). */
  patch: Partial<FeedState>;
  /** Message for `state.lastError` when `ok` is false. */
  error?: string;
}

/** The per-poll context. */
export class PollContext {
  readonly issues: Issue[] = [];
  readonly imported: ImportedItem[] = [];
  readonly reviews: ReviewItem[] = [];
  readonly origin: string;
  readonly maxItems: number;
  /** Set when the host's importer threw: the poll stops and counts as failed. */
  storeFailed = false;
  /** Longest Retry-After a server asked for during this poll. */
  retryAfterSeconds: number | undefined;

  constructor(
    readonly config: FeedConfig,
    readonly state: FeedState,
    readonly deps: PollDeps,
  ) {
    this.origin = new URL(config.url).origin;
    this.maxItems = Math.max(1, deps.maxItemsPerPoll ?? DEFAULT_MAX_ITEMS);
  }

  /** GET with the feed's credentials (own origin only); `conditional` adds the stored validators. */
  async get(url: string, accept: string, conditional = false): Promise<FeedResponse> {
    const res = await feedGet(
      {
        url,
        accept,
        auth: this.config.auth,
        authOrigin: this.origin,
        etag: conditional ? this.state.etag : undefined,
        lastModified: conditional ? this.state.lastModified : undefined,
      },
      this.deps,
    );
    if (!res.ok && res.retryAfterSeconds !== undefined)
      this.retryAfterSeconds = Math.max(this.retryAfterSeconds ?? 0, res.retryAfterSeconds);
    return res;
  }

  /** Adds an issue located at `url`. */
  issue(code: Issue['code'], message: string, url: string): void {
    this.issues.push(issue(code, message, { file: displayUrl(url), pluginId: FEEDS_PLUGIN_ID }));
  }

  /** Hands one document to the host's importer; false when the importer threw (store failure). */
  async importDoc(
    itemId: string,
    name: string,
    format: FeedItemFormat,
    content: Uint8Array,
    url: string,
  ): Promise<boolean> {
    try {
      const r = await this.deps.importIntel({ name, format, content });
      this.issues.push(...r.issues);
      this.imported.push({
        feedId: this.config.id,
        itemId,
        name,
        format,
        url: displayUrl(url),
        advisories: r.advisories,
        indicators: r.indicators,
        rules: r.rules,
      });
      return true;
    } catch (e) {
      this.storeFailed = true;
      this.issue(
        'internal-error',
        `importing ${name} failed: ${(e instanceof Error ? e.message : String(e)).slice(0, 300)}`,
        url,
      );
      return false;
    }
  }
}

/**
 * Cursor after handling the first `done` of `sorted` (ascending) stamps, such that a later
 * `stamp > cursor` filter neither skips an unhandled item sharing the last stamp nor re-selects
 * more than those ties. Returns `previous` when nothing safe can be advanced to.
 */
export function tieSafeCursor(
  sorted: readonly { stamp: number; raw: string }[],
  done: number,
  previous: string | undefined,
): string | undefined {
  if (done <= 0) return previous;
  if (done >= sorted.length) return sorted[sorted.length - 1]?.raw ?? previous;
  const next = sorted[done]?.stamp ?? Infinity;
  for (let i = done - 1; i >= 0; i--) {
    const s = sorted[i];
    if (s && s.stamp < next) return s.raw;
  }
  return previous;
}

/** Joins a relative reference to a base URL; undefined when invalid or not http(s). */
export function resolveUrl(ref: string, base: string): string | undefined {
  try {
    const u = new URL(ref, base);
    return u.protocol === 'http:' || u.protocol === 'https:' ? u.href : undefined;
  } catch {
    return undefined;
  }
}

/** Safe file-name part from an item id. */
export function slug(id: string): string {
  const s = id
    .replace(/^[a-z]+:\/\/[^/]+/i, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(-80);
  return s === '' ? 'item' : s;
}
