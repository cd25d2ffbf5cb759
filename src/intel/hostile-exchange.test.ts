/**
 * Hostile input to the exchange importers: XML entity expansion and external entities, deeply
 * nested JSON, multi-megabyte lines, truncated and binary files. Each is refused with a clear
 * issue, never an exception, and no importer materialises the expansion (bounded memory: the
 * input is refused before parsing).
 */
import { describe, expect, it } from 'vitest';
import type { Importer } from '../core/plugin.js';
import { fileRef } from '../../test/fixtures.js';
import { csvFeedImporter } from './csv-feed/index.js';
import { mispImporter } from './misp/index.js';
import { openIocImporter } from './openioc/index.js';
import { stixImporter } from './stix/index.js';
import { jsonDepth, MAX_JSON_DEPTH, MAX_LINE_LENGTH } from './guard.js';

const run = async (imp: Importer, name: string, content: Buffer) =>
  imp.import({ file: fileRef(name, content.length), content, signal: new AbortController().signal });

const LAUGHS = `<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol9 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<ioc xmlns="http://schemas.mandiant.com/2010/ioc"><short_description>&lol9;</short_description><definition/></ioc>`;

const XXE = `<?xml version="1.0"?><!DOCTYPE ioc [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><ioc xmlns="http://schemas.mandiant.com/2010/ioc"><description>&xxe;</description></ioc>`;

describe('hostile exchange input', () => {
  it('refuses XML entity expansion and external entities', async () => {
    for (const x of [LAUGHS, XXE]) {
      const r = await run(openIocImporter, 'a.ioc', Buffer.from(x));
      expect(r.intel.indicators).toEqual([]);
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]).toMatchObject({
        code: 'unsupported',
        message: expect.stringMatching(/DOCTYPE or ENTITY declaration is refused/) as string,
      });
    }
  });

  it('refuses JSON nested deeper than the limit, before JSON.parse', async () => {
    const deep = Buffer.from(`{"type":"bundle","objects":[${'['.repeat(200_000)}${']'.repeat(200_000)}]}`);
    expect(jsonDepth(deep.toString())).toBeGreaterThan(MAX_JSON_DEPTH);
    for (const [imp, name] of [
      [stixImporter, 'b.json'],
      [mispImporter, 'e.json'],
    ] as const) {
      const r = await run(
        imp,
        name,
        name === 'e.json' ? Buffer.from(`{"Event":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}`) : deep,
      );
      expect(r.issues).toHaveLength(1);
      expect(r.issues[0]).toMatchObject({
        code: 'limit-exceeded',
        message: expect.stringMatching(/nests deeper than 64 levels/) as string,
      });
    }
  });

  it('does not count brackets inside JSON strings as nesting', () => {
    expect(jsonDepth(`{"a":"${'['.repeat(1000)}\\"{"}`)).toBe(1);
  });

  it('refuses multi-megabyte lines in line formats (CSV, XML)', async () => {
    const line = 'x'.repeat(MAX_LINE_LENGTH + 10);
    const csv = await run(
      csvFeedImporter,
      'feed.csv',
      Buffer.from(`value,entity_type,description\n${line},hostname,y\n`),
    );
    expect(csv.issues).toEqual([
      expect.objectContaining({
        code: 'limit-exceeded',
        message: expect.stringMatching(/^line 2 is \d+ characters long/) as string,
      }),
    ]);
    const xml = await run(
      openIocImporter,
      'a.ioc',
      Buffer.from(
        `<ioc xmlns="http://schemas.mandiant.com/2010/ioc"><description>${line}</description></ioc>`,
      ),
    );
    expect(xml.issues[0]!.code).toBe('limit-exceeded');
  });

  it('reports truncated, empty and binary files', async () => {
    expect(
      (await run(stixImporter, 'b.json', Buffer.from('{"type":"bundle","objects":[{"type":"indicator"')))
        .issues[0]!.code,
    ).toBe('truncated');
    expect((await run(mispImporter, 'e.json', Buffer.alloc(0))).issues[0]!.code).toBe('empty');
    expect(
      (await run(openIocImporter, 'a.ioc', Buffer.from([0x3c, 0x69, 0, 0xff, 0xfe, 0, 0x80]))).issues[0]!
        .code,
    ).toBe('encoding');
    expect(
      (
        await run(
          openIocImporter,
          'a.ioc',
          Buffer.from('<ioc xmlns="http://schemas.mandiant.com/2010/ioc"><definition>'),
        )
      ).issues.length,
    ).toBeGreaterThan(0);
  });
});
