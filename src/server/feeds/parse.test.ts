/** Pure parts: RSS/Atom parsing details, structured-format sniffing, config and state validation. */
import { describe, expect, it } from 'vitest';
import { initialFeedState, parseFeedConfig, parseFeedState, redactFeedConfig } from './config.js';
import { newEntries } from './rss.js';
import { isStructuredMediaType, osvRecords, structuredFormat } from './sniff.js';
import { isoDate, parseSyndication, unwrapRaw, type FeedEntry } from './syndication.js';

describe('parseSyndication', () => {
  it('reads CDATA literally and decodes entities elsewhere; links, enclosures, dates', () => {
    const r = parseSyndication(`<?xml version="1.0"?>
      <rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>A &amp; B</title>
      <item><title>T &lt;1&gt; &#x2013; x</title><guid isPermaLink="true">https://v.example/a?x=1&amp;y=2</guid>
      <description><![CDATA[<p>a &amp; b</p>]]></description><content:encoded>&lt;p&gt;full &amp;amp; text&lt;/p&gt;</content:encoded>
      <pubDate>Thu, 30 Mar 2023 08:15:00 +0200</pubDate>
      <enclosure url="https://v.example/a.json?x=1&amp;y=2" type="application/json" length="1"/></item>
      <item><title>no guid</title><link>https://v.example/b</link><pubDate>not a date</pubDate></item>
      </channel></rss>`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.title).toBe('A & B');
    const [a, b] = r.entries;
    expect(a?.title).toBe('T <1> – x');
    expect(a?.id).toBe('https://v.example/a?x=1&y=2');
    // content:encoded wins over description; its escaped HTML is decoded once.
    expect(a?.body).toBe('<p>full &amp; text</p>');
    expect(a?.published).toBe('2023-03-30T06:15:00.000Z');
    expect(a?.links).toEqual([
      { href: 'https://v.example/a.json?x=1&y=2', type: 'application/json', rel: 'enclosure' },
    ]);
    expect(b?.id).toBe('https://v.example/b');
    expect(b?.published).toBeUndefined();
  });

  it('reads RSS 1.0 (RDF) and Atom text constructs', () => {
    const rdf =
      parseSyndication(`<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns="http://purl.org/rss/1.0/"
      xmlns:dc="http://purl.org/dc/elements/1.1/"><channel><title>JVN</title></channel>
      <item><title>JVN#1</title><link>https://jvn.example/1</link><dc:date>2023-03-30T10:00:00+09:00</dc:date></item></rdf:RDF>`);
    expect(rdf.ok && rdf.entries.map((e) => [e.id, e.published])).toEqual([
      ['https://jvn.example/1', '2023-03-30T01:00:00.000Z'],
    ]);
    const atom = parseSyndication(`<feed xmlns="http://www.w3.org/2005/Atom"><title type="text">X</title>
      <entry><id>e1</id><title type="html">&lt;b&gt;Bold&lt;/b&gt; title</title><summary>plain &amp; simple</summary>
      <link href="/rel/1"/><link rel="enclosure" type="application/stix+json" href="/b.json"/></entry>
      <entry><id>e2</id><title>out of line</title><content type="application/json" src="/c.json"/></entry></feed>`);
    expect(atom.ok).toBe(true);
    if (!atom.ok) return;
    expect(atom.entries[0]).toMatchObject({
      title: 'Bold title',
      body: 'plain & simple',
      bodyFormat: 'text',
      link: '/rel/1',
    });
    expect(atom.entries[1]?.links).toEqual([{ href: '/c.json', type: 'application/json', rel: 'content' }]);
    expect(atom.entries[1]?.body).toBe('');
  });

  it('refuses what is not a feed', () => {
    expect(parseSyndication('{"a":1}')).toMatchObject({ ok: false, reason: 'not XML' });
    expect(parseSyndication('<rss><channel><item></rss>')).toMatchObject({ ok: false, code: 'parse-error' });
    expect(parseSyndication('<x/>')).toMatchObject({ ok: false, reason: expect.stringMatching(/<x>/) });
    const deep = `<rss><channel><item><title>x</title>${'<a>'.repeat(50_000)}${'</a>'.repeat(50_000)}</item></channel></rss>`;
    expect(parseSyndication(deep).ok).toBe(false);
  });

  it('unwraps raw character data', () => {
    expect(unwrapRaw('a &lt;<![CDATA[&lt;b>]]><!-- c -->&#65;')).toBe('a <&lt;b>A');
    expect(unwrapRaw('<![CDATA[unterminated')).toBe('unterminated');
    expect(isoDate('2023-03-29T00:00:00Z')).toBe('2023-03-29T00:00:00.000Z');
    expect(isoDate('soon')).toBeUndefined();
  });
});

describe('newEntries', () => {
  const e = (id: string, updated?: string): FeedEntry => ({
    id,
    title: id,
    body: '',
    bodyFormat: 'text',
    links: [],
    updated,
  });
  it('keeps unseen ids and seen ids updated after the previous success, oldest first, de-duplicated', () => {
    const seen = ['a\n2023-01-01T00:00:00.000Z', 'b\n2023-01-01T00:00:00.000Z', 'c\n'];
    const list = [
      e('d', '2023-03-02T00:00:00.000Z'),
      e('a', '2023-03-01T00:00:00.000Z'),
      e('b', '2022-12-01T00:00:00.000Z'),
      e('c', '2023-03-05T00:00:00.000Z'),
      e('d', '2023-03-09T00:00:00.000Z'),
      e(''),
    ];
    expect(newEntries(list, seen, '2023-02-01T00:00:00.000Z').map((x) => x.id)).toEqual(['a', 'd', 'c']);
    // Without a previous success (first poll after a reset), seen ids stay seen.
    expect(newEntries(list, seen, undefined).map((x) => x.id)).toEqual(['d']);
  });
});

describe('structured formats', () => {
  it('recognises OSV, STIX and MISP by shape', () => {
    expect(structuredFormat({ type: 'bundle', id: 'bundle--1', objects: [] })).toBe('stix');
    expect(structuredFormat([{ Event: { info: 'x' } }])).toBe('misp');
    expect(structuredFormat({ Event: {} })).toBe('misp');
    expect(structuredFormat({ id: 'MAL-1', modified: 'x' })).toBe('osv');
    expect(structuredFormat({ vulns: [{ id: 'MAL-1', affected: [] }] })).toBe('osv');
    expect(structuredFormat({ type: 'indicator', id: 'indicator--1', modified: 'x' })).toBeUndefined();
    expect(structuredFormat({ items: [] })).toBeUndefined();
    expect(osvRecords([])).toEqual([]);
    expect(osvRecords([{ a: 1 }])).toBeUndefined();
    expect(isStructuredMediaType('application/stix+json;version=2.1', '/x')).toBe(true);
    expect(isStructuredMediaType(undefined, '/x/record.JSON?dl=1')).toBe(true);
    expect(isStructuredMediaType('text/html', '/x.json')).toBe(false);
  });
});

describe('feed configuration', () => {
  it('validates, names the offending field, and redacts credentials', () => {
    const ok = parseFeedConfig({
      id: 'vendor-3cx',
      kind: 'rss',
      url: 'https://www.3cx.com/blog/feed/',
      intervalSeconds: 3600,
      auth: { type: 'bearer', token: 't0ken' },
    });
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(redactFeedConfig(ok.config).auth).toEqual({ type: 'bearer', token: '********' });
    expect(
      parseFeedConfig({ id: 'x', kind: 'gopher', url: 'https://a', intervalSeconds: 3600 }),
    ).toMatchObject({
      ok: false,
      error: expect.stringMatching(/^kind:/),
    });
    expect(
      parseFeedConfig({ id: 'x', kind: 'rss', url: 'file:///etc/passwd', intervalSeconds: 3600 }),
    ).toMatchObject({
      ok: false,
      error: 'url: must be an http(s) URL',
    });
    expect(parseFeedConfig({ id: 'x', kind: 'rss', url: 'https://a', intervalSeconds: 5 })).toMatchObject({
      ok: false,
    });
    expect(parseFeedConfig({ id: '../x', kind: 'rss', url: 'https://a', intervalSeconds: 60 })).toMatchObject(
      { ok: false },
    );
    expect(
      parseFeedConfig({ id: 'x', kind: 'rss', url: 'https://a', intervalSeconds: 60, extra: 1 }),
    ).toMatchObject({ ok: false });
  });

  it('reads stored state, starting afresh from garbage', () => {
    expect(parseFeedState({ etag: '"1"', seenIds: ['a'], failures: 2 })).toEqual({
      etag: '"1"',
      seenIds: ['a'],
      failures: 2,
    });
    expect(parseFeedState({})).toEqual(initialFeedState());
    expect(parseFeedState({ seenIds: 'nope' })).toEqual(initialFeedState());
    expect(parseFeedState(null)).toEqual(initialFeedState());
  });
});

describe('well-formedness', () => {
  it('refuses a truncated feed with its position, tolerates bare ampersands', () => {
    const cut = parseSyndication(
      '<rss version="2.0"><channel>\n<item><title>a</title></item>\n<item><title>b</t',
    );
    expect(cut).toMatchObject({ ok: false, code: 'parse-error', reason: expect.stringMatching(/line 3/) });
    const amp = parseSyndication(
      '<rss><channel><item><title>Q&A: R&D &amp; more</title><guid>g</guid></item></channel></rss>',
    );
    expect(amp.ok && amp.entries[0]?.title).toBe('Q&A: R&D & more');
  });
});
