/**
 * Pure parser of syndication feeds: RSS 2.0 (and RSS 1.0/RDF), Atom 1.0. XML with a DOCTYPE or
 * ENTITY declaration is refused before parsing; entities are never expanded by the parser (the
 * five XML entities and character references are decoded by hand); text fields are kept raw
 * (stop nodes) so CDATA, escaped HTML and inline XHTML are each read the right way. Never throws.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { decodeEntities, htmlToText } from '../../intel/extract/text.js';

/** A link of an item: RSS `<enclosure>`/`<link>`, Atom `<link>`. */
export interface EntryLink {
  href: string;
  type?: string | undefined;
  rel?: string | undefined;
}

/** One item (RSS) or entry (Atom). */
export interface FeedEntry {
  /** guid / id, else link, else title. */
  id: string;
  title: string;
  /** The item's web page. */
  link?: string | undefined;
  /** ISO times. */
  published?: string | undefined;
  updated?: string | undefined;
  /** Body (description, content:encoded, Atom content or summary). */
  body: string;
  bodyFormat: 'html' | 'text';
  /** Media type of an Atom `<content type="…">` that is neither text, html nor xhtml. */
  bodyType?: string | undefined;
  links: EntryLink[];
}

/** Parse outcome. */
export type SyndicationResult =
  | { ok: true; format: 'rss' | 'atom'; title: string; entries: FeedEntry[] }
  | { ok: false; code: 'unsupported' | 'parse-error'; reason: string };

/** Entries read per document. */
export const MAX_ENTRIES = 10_000;

const TEXT_NODES = ['title', 'description', 'encoded', 'content', 'summary'];

const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: false,
  removeNSPrefix: true,
  stopNodes: TEXT_NODES.map((n) => `*.${n}`),
  isArray: (name) => ['item', 'entry', 'link', 'enclosure'].includes(name),
});

type Node = Record<string, unknown>;
const asNode = (v: unknown): Node | undefined =>
  typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Node) : undefined;

/** Raw text of a node (string, or `#text` beside attributes). */
function raw(v: unknown): string {
  if (typeof v === 'string') return v;
  const n = asNode(v);
  return n && typeof n['#text'] === 'string' ? n['#text'] : '';
}

const attr = (v: unknown, name: string): string | undefined => {
  const a = asNode(v)?.[`@${name}`];
  return typeof a === 'string' ? decodeEntities(a) : undefined;
};

/**
 * Raw XML character data → string: CDATA sections literal, the rest with entities decoded.
 * Comments are dropped.
 */
export function unwrapRaw(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const cd = s.indexOf('<![CDATA[', i);
    const cm = s.indexOf('<!--', i);
    const next = cd < 0 ? cm : cm < 0 ? cd : Math.min(cd, cm);
    if (next < 0) {
      out += decodeEntities(s.slice(i));
      break;
    }
    out += decodeEntities(s.slice(i, next));
    if (next === cd) {
      const end = s.indexOf(']]>', cd + 9);
      out += s.slice(cd + 9, end < 0 ? s.length : end);
      i = end < 0 ? s.length : end + 3;
    } else {
      const end = s.indexOf('-->', cm + 4);
      i = end < 0 ? s.length : end + 3;
    }
  }
  return out;
}

/** RFC 822 / RFC 3339 date → ISO, or undefined. */
export function isoDate(s: string | undefined): string | undefined {
  if (!s) return undefined;
  const t = Date.parse(s.trim());
  if (!Number.isFinite(t)) return undefined;
  return new Date(t).toISOString();
}

/** True when text starts (after a BOM and blanks) like XML. */
export function looksXml(text: string): boolean {
  return /^\uFEFF?\s*</.test(text.slice(0, 1024));
}

/** Parses an RSS or Atom document. */
export function parseSyndication(text: string): SyndicationResult {
  if (!looksXml(text)) return { ok: false, code: 'parse-error', reason: 'not XML' };
  if (/<!DOCTYPE|<!ENTITY/i.test(text))
    return {
      ok: false,
      code: 'unsupported',
      reason:
        'XML with a DOCTYPE or ENTITY declaration is refused (entity expansion and external entities are not processed)',
    };
  // The parser is lenient (unclosed tags pass); validate first so a truncated feed is refused.
  let valid = XMLValidator.validate(text);
  if (valid !== true && valid.err.code === 'InvalidChar' && valid.err.msg.includes("'&'")) {
    // Bare ampersands are common in feeds: escape them and try again.
    text = text.replace(/&(?![A-Za-z][A-Za-z0-9]{0,31};|#[0-9]{1,7};|#x[0-9A-Fa-f]{1,6};)/g, '&amp;');
    valid = XMLValidator.validate(text);
  }
  if (valid !== true)
    return {
      ok: false,
      code: 'parse-error',
      reason: `not well-formed XML (line ${valid.err.line}, column ${valid.err.col}): ${valid.err.msg.slice(0, 200)}`,
    };
  let doc: Node;
  try {
    doc = parser.parse(text) as Node;
  } catch (e) {
    return {
      ok: false,
      code: 'parse-error',
      reason: `not well-formed XML: ${e instanceof Error ? e.message.slice(0, 200) : String(e)}`,
    };
  }
  const rss = asNode(doc['rss']);
  const rdf = asNode(doc['RDF']);
  const atom = asNode(doc['feed']);
  if (rss || rdf) {
    const channel = asNode(rss?.['channel']) ?? asNode(rdf?.['channel']) ?? {};
    const items =
      (channel['item'] as unknown[] | undefined) ?? (rdf?.['item'] as unknown[] | undefined) ?? [];
    return {
      ok: true,
      format: 'rss',
      title: plain(channel['title']),
      entries: items.slice(0, MAX_ENTRIES).map(asNode).filter(isNode).map(rssEntry),
    };
  }
  if (atom) {
    const entries = (atom['entry'] as unknown[] | undefined) ?? [];
    return {
      ok: true,
      format: 'atom',
      title: atomText(atom['title']).text,
      entries: entries.slice(0, MAX_ENTRIES).map(asNode).filter(isNode).map(atomEntry),
    };
  }
  const root = Object.keys(doc).find((k) => !k.startsWith('?')) ?? '(none)';
  return {
    ok: false,
    code: 'parse-error',
    reason: `root element <${root}> is neither RSS <rss> nor Atom <feed>`,
  };
}

const isNode = (n: Node | undefined): n is Node => n !== undefined;
const plain = (v: unknown): string => collapse(unwrapRaw(raw(v)));
const collapse = (s: string): string => s.replace(/\s+/g, ' ').trim();

function rssEntry(it: Node): FeedEntry {
  const links: EntryLink[] = [];
  for (const e of (it['enclosure'] as unknown[] | undefined) ?? []) {
    const href = attr(e, 'url');
    if (href) links.push({ href, type: attr(e, 'type'), rel: 'enclosure' });
  }
  let link: string | undefined;
  for (const l of (it['link'] as unknown[] | undefined) ?? []) {
    // RSS <link>text</link>, or an atom:link inside an RSS item (namespace prefix removed).
    const href = attr(l, 'href');
    if (href) links.push({ href, type: attr(l, 'type'), rel: attr(l, 'rel') ?? 'alternate' });
    else if (!link && plain(l)) link = plain(l);
  }
  const guid = plain(it['guid']);
  const title = plain(it['title']);
  const encoded = unwrapRaw(raw(it['encoded']));
  const body = encoded.trim() ? encoded : unwrapRaw(raw(it['description']));
  const published = isoDate(plain(it['pubDate']) || plain(it['date']));
  return {
    id: guid || link || title,
    title,
    link,
    published,
    updated: isoDate(plain(it['updated'])) ?? published,
    body,
    bodyFormat: 'html',
    links,
  };
}

function atomText(v: unknown): { text: string; format: 'html' | 'text'; type?: string } {
  const type = (attr(v, 'type') ?? 'text').toLowerCase();
  const r = raw(v);
  if (type === 'xhtml') return { text: r, format: 'html' };
  if (type === 'html' || type === 'text/html') return { text: unwrapRaw(r), format: 'html' };
  if (type === 'text' || type === 'text/plain') return { text: unwrapRaw(r), format: 'text' };
  return { text: unwrapRaw(r), format: 'text', type };
}

function atomEntry(e: Node): FeedEntry {
  const links: EntryLink[] = [];
  let link: string | undefined;
  for (const l of (e['link'] as unknown[] | undefined) ?? []) {
    const href = attr(l, 'href');
    if (!href) continue;
    const rel = attr(l, 'rel') ?? 'alternate';
    links.push({ href, type: attr(l, 'type'), rel });
    if (rel === 'alternate' && !link) link = href;
  }
  const content = e['content'] !== undefined ? atomText(e['content']) : atomText(e['summary']);
  const contentSrc = attr(e['content'], 'src');
  if (contentSrc) links.push({ href: contentSrc, type: attr(e['content'], 'type'), rel: 'content' });
  const title = collapse(atomText(e['title']).text);
  return {
    id: plain(e['id']) || link || title,
    title: atomText(e['title']).format === 'html' ? collapse(htmlToText(title)) : title,
    link,
    published: isoDate(plain(e['published'])) ?? isoDate(plain(e['updated'])),
    updated: isoDate(plain(e['updated'])) ?? isoDate(plain(e['published'])),
    body: contentSrc ? '' : content.text,
    bodyFormat: content.format,
    bodyType: contentSrc ? undefined : content.type,
    links,
  };
}
