/**
 * Types of the intel-feed module: a feed's configuration ({@link FeedConfig}), its persisted
 * polling state ({@link FeedState}), what one poll yields ({@link PollResult}) and what a poll
 * needs from its host ({@link PollDeps}). Validation of stored JSON is in `config.ts`.
 */
import type { Issue } from '../../core/issue.js';
import type { ExtractResult } from '../../intel/extract/advisory.js';

/** Feed kinds: syndication feeds (prose or links to structured files) and structured feeds. */
export type FeedKind = 'rss' | 'atom' | 'osv' | 'misp' | 'taxii';

/** Every {@link FeedKind}, for validation and docs. */
export const FEED_KINDS: readonly FeedKind[] = ['rss', 'atom', 'osv', 'misp', 'taxii'];

/** Credentials sent with every request to the feed's origin (never to other origins). */
export type FeedAuth =
  { type: 'basic'; username: string; password: string } | { type: 'bearer'; token: string };

/** One feed subscription. */
export interface FeedConfig {
  /** Stable id (the state is keyed by it). */
  id: string;
  /** Tenant the intel is filed to; undefined = every tenant (global intel). */
  tenant?: string | undefined;
  kind: FeedKind;
  /**
   * rss/atom: the feed document. osv: an OSV JSON record, a list of records (or `{vulns}`), or a
   * zip of records. misp: the feed folder (or its `manifest.json`). taxii: the discovery URL
   * (`…/taxii2/`) or an API root.
   */
  url: string;
  /** Seconds between polls (jitter and failure backoff are added by the scheduler). */
  intervalSeconds: number;
  auth?: FeedAuth | undefined;
  /** taxii: the collection id (optional when the API root has exactly one readable collection). */
  collection?: string | undefined;
  /**
   * rss/atom: follow item links to structured files on other origins too (default false: only the
   * feed's own origin, so a feed cannot steer the server to arbitrary hosts).
   */
  followOtherOrigins?: boolean | undefined;
  /** Human-readable name (defaults to the id). */
  name?: string | undefined;
}

/** Polling state of one feed, persisted between polls (JSON-serialisable). */
export interface FeedState {
  /** Validator of the last fully processed response (sent as If-None-Match). */
  etag?: string | undefined;
  /** Last-Modified of the last fully processed response (sent as If-Modified-Since). */
  lastModified?: string | undefined;
  /** ISO time of the last poll attempt. */
  lastPolledAt?: string | undefined;
  /** ISO time of the last successful poll (including 304). */
  lastSuccessAt?: string | undefined;
  /**
   * Progress marker: taxii = `added_after` (last `X-TAXII-Date-Added-Last`), osv = greatest
   * `modified` imported, misp = greatest manifest `timestamp` imported.
   */
  cursor?: string | undefined;
  /** rss/atom: keys of the items already handled, newest last, bounded. */
  seenIds: string[];
  /** Consecutive failed polls (0 after a success); drives the scheduler's backoff. */
  failures: number;
  /** Message of the last failure, cleared by a success. */
  lastError?: string | undefined;
}

/** A structured document handed to the host's importer. */
export interface FeedDocument {
  /** File-like name (`<feed id>/<item>.json`); importers use the extension. */
  name: string;
  /** Which importer applies. */
  format: FeedItemFormat;
  content: Uint8Array;
}

/** Structured formats the feeds hand over: OSV records, MISP events, STIX 2.1 bundles. */
export type FeedItemFormat = 'osv' | 'misp' | 'stix';

/** What the host's importer reports for one document. */
export interface ImportCounts {
  advisories: number;
  indicators: number;
  rules: number;
  issues: Issue[];
}

/** Imports one structured document into the host's intel store (may throw when the store fails). */
export type ImportIntel = (item: FeedDocument) => Promise<ImportCounts>;

/** One structured document that was imported. */
export interface ImportedItem {
  feedId: string;
  /** Item id: RSS guid / Atom id, OSV batch, MISP event uuid, TAXII page. */
  itemId: string;
  name: string;
  format: FeedItemFormat;
  /** Where the document came from. */
  url: string;
  advisories: number;
  indicators: number;
  rules: number;
}

/** A prose item waiting for a human: the extractor's draft of structured intel. */
export interface ReviewItem {
  feedId: string;
  /** Tenant of the feed (undefined = global). */
  tenant?: string | undefined;
  /** RSS guid / Atom id (or link, or title when a feed gives neither). */
  itemId: string;
  title: string;
  link?: string | undefined;
  /** ISO time the feed gives for the item (updated, else published). */
  published?: string | undefined;
  /** The item's text (HTML stripped), as fed to the extractor. */
  text: string;
  /** The advisory-text extractor's output: products, versions, platforms, CVEs, IOCs, draft pack. */
  draft: ExtractResult;
}

/** Outcome of one poll. Never thrown: failures are issues and `state.failures`. */
export interface PollResult {
  /** The state to persist. */
  state: FeedState;
  imported: ImportedItem[];
  reviews: ReviewItem[];
  issues: Issue[];
  /** The server answered 304 Not Modified (nothing fetched or imported). */
  notModified: boolean;
  /** False when the poll failed (transport, HTTP status, unreadable document). */
  ok: boolean;
  /** A server's Retry-After (429/503) in seconds; the scheduler waits at least that long. */
  retryAfterSeconds?: number | undefined;
}

/** The fetch function the module uses (the global fetch by default). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** What a poll needs from its host. */
export interface PollDeps {
  importIntel: ImportIntel;
  /** Injected fetch (default: global fetch). */
  fetch?: FetchLike | undefined;
  /** Clock (default: Date.now). */
  now?: (() => number) | undefined;
  /** Largest response body read, in bytes (default 50 MiB). */
  maxBytes?: number | undefined;
  /** Per-request timeout in milliseconds (default 60 s). */
  timeoutMs?: number | undefined;
  /** Aborts the whole poll (scheduler stop). */
  signal?: AbortSignal | undefined;
  /** Most items or documents handled per poll (default 500); the rest waits for the next poll. */
  maxItemsPerPoll?: number | undefined;
  /** Most `seenIds` kept (default 5000). */
  maxSeen?: number | undefined;
  /** User-Agent header (default `chainhunt-feeds`). */
  userAgent?: string | undefined;
}

/** Default byte cap of one response. */
export const DEFAULT_MAX_BYTES = 50 * 1024 * 1024;
/** Default per-request timeout. */
export const DEFAULT_TIMEOUT_MS = 60_000;
/** Default item budget of one poll. */
export const DEFAULT_MAX_ITEMS = 500;
/** Default bound of `seenIds`. */
export const DEFAULT_MAX_SEEN = 5000;
/** Plugin id put on the issues this module raises. */
export const FEEDS_PLUGIN_ID = 'server/feeds';
