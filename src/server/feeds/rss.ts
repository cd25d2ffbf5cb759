/**
 * Polling an RSS or Atom feed. New items (by guid/id, or seen items updated since the previous
 * successful poll) are handled oldest first: an item that links to (enclosure, typed link) or
 * embeds a structured document (OSV, STIX bundle, MISP event) is imported; any other item is prose
 * and becomes a review item. Links to other origins are not followed unless the feed allows it.
 * The feed's validators are stored only when every new item was handled, so an interrupted poll is
 * finished by the next one.
 */
import { mediaType } from './http.js';
import { resolveUrl, slug, type KindOutcome, type PollContext } from './context.js';
import { reviewOf } from './review.js';
import { bytesToText, isStructuredMediaType, parseJsonText, structuredFormat } from './sniff.js';
import { looksXml, parseSyndication, type FeedEntry } from './syndication.js';
import { DEFAULT_MAX_SEEN } from './types.js';

const ACCEPT_FEED =
  'application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1';
const ACCEPT_DOC = 'application/json, application/stix+json;q=0.9, */*;q=0.1';

/** Key of an item in `seenIds`: its id, a newline, its updated time (if any). */
export function seenKey(e: FeedEntry): string {
  return `${e.id}\n${e.updated ?? ''}`;
}

/** The item id part of a `seenIds` key. */
export function idOfKey(k: string): string {
  const i = k.lastIndexOf('\n');
  return i < 0 ? k : k.slice(0, i);
}

/** Which entries are new: unseen ids, or seen ids updated after `previousSuccess`. */
export function newEntries(
  entries: readonly FeedEntry[],
  seen: readonly string[],
  previousSuccess?: string,
): FeedEntry[] {
  const keys = new Set(seen);
  const ids = new Set(seen.map(idOfKey));
  const out: FeedEntry[] = [];
  const batch = new Set<string>();
  for (const e of entries) {
    if (e.id === '' || batch.has(e.id)) continue;
    batch.add(e.id);
    if (!ids.has(e.id)) out.push(e);
    else if (
      e.updated !== undefined &&
      !keys.has(seenKey(e)) &&
      previousSuccess !== undefined &&
      e.updated > previousSuccess
    )
      out.push(e);
  }
  // Oldest first, so a poll cut short by its budget leaves the newest for the next poll.
  return out
    .map((e, i) => ({ e, i, t: e.updated ?? e.published ?? '' }))
    .sort((a, b) => (a.t < b.t ? -1 : a.t > b.t ? 1 : a.i - b.i))
    .map((x) => x.e);
}

/** Polls an rss/atom feed. */
export async function pollSyndication(ctx: PollContext): Promise<KindOutcome> {
  const { config } = ctx;
  const res = await ctx.get(config.url, ACCEPT_FEED, true);
  if (!res.ok) {
    ctx.issues.push(res.issue);
    return { ok: false, patch: {}, error: res.issue.message };
  }
  if (res.status === 304) return { ok: true, notModified: true, patch: {} };
  const text = bytesToText(res.body);
  const type = mediaType(res.headers);
  const refuse = (
    reason: string,
    code: 'parse-error' | 'encoding' | 'unsupported' | 'empty',
  ): KindOutcome => {
    ctx.issue(code, reason, res.url);
    return { ok: false, patch: {}, error: reason };
  };
  if (res.body.length === 0) return refuse('empty response', 'empty');
  if (text === undefined) return refuse('response is not UTF-8/UTF-16 text', 'encoding');
  if (!looksXml(text))
    return refuse(
      `expected an RSS or Atom document, got ${type || 'no Content-Type'} that is not XML`,
      'parse-error',
    );
  const parsed = parseSyndication(text);
  if (!parsed.ok) return refuse(parsed.reason, parsed.code);

  const fresh = newEntries(parsed.entries, ctx.state.seenIds, ctx.state.lastSuccessAt);
  const handled: FeedEntry[] = [];
  let complete = true;
  let budget = ctx.maxItems;
  for (const e of fresh) {
    if (budget <= 0) {
      complete = false;
      break;
    }
    budget--;
    const r = await handleEntry(ctx, e, res.url);
    if (r === 'retry') {
      complete = false;
      if (ctx.storeFailed) break;
      continue;
    }
    handled.push(e);
  }

  // seenIds: keys of the items in this document move to the end (never evicted while listed).
  const present = new Set(parsed.entries.map((e) => e.id));
  const handledIds = new Set(handled.map((e) => e.id));
  const kept = ctx.state.seenIds.filter((k) => !handledIds.has(idOfKey(k)));
  const seenIds = [
    ...kept.filter((k) => !present.has(idOfKey(k))),
    ...kept.filter((k) => present.has(idOfKey(k))),
    ...handled.map(seenKey),
  ].slice(-(ctx.deps.maxSeen ?? DEFAULT_MAX_SEEN));

  const patch: KindOutcome['patch'] = { seenIds };
  if (complete) {
    patch.etag = res.headers.get('etag') ?? undefined;
    patch.lastModified = res.headers.get('last-modified') ?? undefined;
  }
  if (ctx.storeFailed) return { ok: false, patch, error: 'the intel store refused an import' };
  return { ok: true, patch };
}

/** Handles one entry: 'done' (imported or queued for review) or 'retry' (try again next poll). */
async function handleEntry(ctx: PollContext, e: FeedEntry, feedUrl: string): Promise<'done' | 'retry'> {
  const { config } = ctx;
  const itemName = `${config.id}/${slug(e.id)}`;
  // 1. Structured links (enclosures, typed links, out-of-line Atom content).
  let tried = false;
  for (const l of e.links) {
    if (!isStructuredMediaType(l.type, l.href)) continue;
    if (l.rel !== undefined && !['enclosure', 'alternate', 'related', 'content'].includes(l.rel)) continue;
    const url = resolveUrl(l.href, feedUrl);
    if (url === undefined) {
      ctx.issue(
        'invalid-value',
        `item ${JSON.stringify(e.id)}: link ${JSON.stringify(l.href.slice(0, 200))} is not an http(s) URL`,
        feedUrl,
      );
      continue;
    }
    if (!config.followOtherOrigins && new URL(url).origin !== ctx.origin) {
      ctx.issue(
        'unsupported',
        `item ${JSON.stringify(e.id)}: link to another origin (${new URL(url).origin}) not followed (followOtherOrigins is off)`,
        feedUrl,
      );
      continue;
    }
    tried = true;
    const doc = await ctx.get(url, ACCEPT_DOC);
    if (!doc.ok) {
      ctx.issues.push(doc.issue);
      if (doc.retryable) return 'retry';
      continue;
    }
    const text = bytesToText(doc.body);
    const json = text === undefined ? undefined : parseJsonText(text);
    if (!json?.ok) {
      ctx.issue(
        'parse-error',
        `item ${JSON.stringify(e.id)}: linked document ${json ? json.reason : 'is not text'}`,
        doc.url,
      );
      continue;
    }
    const format = structuredFormat(json.value);
    if (format === undefined) {
      ctx.issue(
        'unsupported',
        `item ${JSON.stringify(e.id)}: linked JSON is neither OSV, a STIX bundle nor a MISP event`,
        doc.url,
      );
      continue;
    }
    const ok = await ctx.importDoc(e.id, `${itemName}.json`, format, doc.body, doc.url);
    return ok ? 'done' : 'retry';
  }
  // 2. Embedded structured content (Atom content of a JSON type, or a JSON body).
  const trimmed = e.body.trim();
  if ((e.bodyType?.includes('json') ?? false) || /^[[{]/.test(trimmed)) {
    const json = parseJsonText(trimmed);
    const format = json.ok ? structuredFormat(json.value) : undefined;
    if (format !== undefined) {
      const ok = await ctx.importDoc(e.id, `${itemName}.json`, format, Buffer.from(trimmed, 'utf8'), feedUrl);
      return ok ? 'done' : 'retry';
    }
    if (e.bodyType?.includes('json'))
      ctx.issue(
        'unsupported',
        `item ${JSON.stringify(e.id)}: embedded ${e.bodyType} content is not a recognised format`,
        feedUrl,
      );
  }
  // 3. Prose → review queue (also when a structured link could not be used).
  if (tried && trimmed === '' && e.title === '') return 'done';
  const link = e.link === undefined ? undefined : resolveUrl(e.link, feedUrl);
  ctx.reviews.push(reviewOf(config, e, link));
  return 'done';
}
