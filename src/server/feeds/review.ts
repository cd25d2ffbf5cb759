/**
 * Prose feed items → review items: the item's title and body (HTML stripped) run through the
 * advisory-text extractor (`src/intel/extract`), whose draft (products, platforms, affected and
 * fixed versions, CVEs, indicators, draft pack) waits in the review queue for a human. Pure.
 */
import { extractAdvisory, MAX_ADVISORY_CHARS } from '../../intel/extract/advisory.js';
import { HEADING_MARK, htmlToText } from '../../intel/extract/text.js';
import type { FeedEntry } from './syndication.js';
import type { FeedConfig, ReviewItem } from './types.js';

const escapeHtml = (s: string): string =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Plain text of an entry: its title, a blank line, its body without markup. */
export function entryText(e: FeedEntry): string {
  const body = e.bodyFormat === 'html' ? htmlToText(e.body) : e.body;
  const text = `${e.title}\n\n${body}`
    .split(HEADING_MARK)
    .join('')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return text.length > MAX_ADVISORY_CHARS ? text.slice(0, MAX_ADVISORY_CHARS) : text;
}

/** Builds the review item of a prose entry (`link` already resolved against the feed URL). */
export function reviewOf(config: FeedConfig, e: FeedEntry, link: string | undefined): ReviewItem {
  // The extractor reads HTML structure (headings); feed it the title as a heading.
  const draft =
    e.bodyFormat === 'html'
      ? extractAdvisory(`<h1>${escapeHtml(e.title)}</h1>\n${e.body}`, {
          format: 'html',
          file: `${config.id}.html`,
        })
      : extractAdvisory(`${e.title}\n\n${e.body}`, { format: 'text', file: `${config.id}.txt` });
  const r: ReviewItem = {
    feedId: config.id,
    itemId: e.id,
    title: e.title || '(untitled)',
    text: entryText(e),
    draft,
  };
  if (config.tenant !== undefined) r.tenant = config.tenant;
  if (link !== undefined) r.link = link;
  const when = e.updated ?? e.published;
  if (when !== undefined) r.published = when;
  return r;
}
