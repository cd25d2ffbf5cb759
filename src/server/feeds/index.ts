/**
 * Intel feeds for `chainhunt serve`: subscriptions to RSS/Atom advisory feeds, OSV sources, MISP
 * feeds and TAXII 2.1 collections, polled on a schedule with conditional requests. Structured
 * items are imported through the host's importer; prose items become review items carrying the
 * advisory-text extractor's draft. See docs/feeds.md.
 */
export { pollFeed } from './poll.js';
export { FeedScheduler, nextDelayMs } from './scheduler.js';
export type { FeedSchedulerOptions, FeedStatus, SchedulerClock } from './scheduler.js';
export {
  initialFeedState,
  MAX_INTERVAL_SECONDS,
  MIN_INTERVAL_SECONDS,
  parseFeedConfig,
  parseFeedState,
  redactFeedConfig,
} from './config.js';
export { countsOf, parseFeedDocument } from './import.js';
export { parseSyndication } from './syndication.js';
export type { FeedEntry, EntryLink, SyndicationResult } from './syndication.js';
export {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ITEMS,
  DEFAULT_MAX_SEEN,
  DEFAULT_TIMEOUT_MS,
  FEED_KINDS,
  FEEDS_PLUGIN_ID,
} from './types.js';
export type {
  FeedAuth,
  FeedConfig,
  FeedDocument,
  FeedItemFormat,
  FeedKind,
  FeedState,
  FetchLike,
  ImportCounts,
  ImportedItem,
  ImportIntel,
  PollDeps,
  PollResult,
  ReviewItem,
} from './types.js';
