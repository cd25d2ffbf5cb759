import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import { sigbaseC2IocsImporter } from './index.js';
import { parseC2Iocs } from './parse.js';

const ID = 'intel/sigbase-c2-iocs';
const parse = (text: string, file = 'c2-iocs.txt') => parseC2Iocs(Buffer.from(text), file, ID);
const valueLines = (text: string) =>
  text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;

describe('parseC2Iocs', () => {
  it('normalises domains and IPs and takes descriptions from the comment block above', () => {
    const r = parse(
      [
        '# LOKI header',
        '#',
        '',
        '# Campaign A https://example.org/a',
        'Evil[.]Example.COM.',
        '198.51.100.7',
        '',
        '# Campaign B',
        '2001:DB8::1',
        '203.0.113.0/24;65',
      ].join('\n'),
    );
    expect(r.issues).toEqual([]);
    expect(
      r.intel.indicators.map((i) => [i.type, i.value, i.description, i.sourceRef, i.severity, i.score]),
    ).toEqual([
      ['domain', 'evil.example.com', 'Campaign A https://example.org/a', 'c2-iocs.txt:5', 'high', undefined],
      ['ip', '198.51.100.7', 'Campaign A https://example.org/a', 'c2-iocs.txt:6', 'high', undefined],
      ['ip', '2001:db8::1', 'Campaign B', 'c2-iocs.txt:9', 'high', undefined],
      ['cidr', '203.0.113.0/24', 'Campaign B', 'c2-iocs.txt:10', 'medium', 65],
    ]);
  });

  it('reports bad values, bad scores and duplicates with their line', () => {
    const r = parse('bad domain.com\nok.example\nexample..com\nx.example;high\nOK.example.\na;b;c\n');
    expect(r.intel.indicators.map((i) => i.value)).toEqual(['ok.example']);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['invalid-value', 1],
      ['invalid-value', 3],
      ['invalid-value', 4],
      ['duplicate', 5],
      ['parse-error', 6],
    ]);
  });

  it('reads the full signature-base c2-iocs.txt: every value line is an indicator or an issue', () => {
    const text = readFileSync(sharedData('signature-base/iocs/c2-iocs.txt'), 'utf8');
    const r = parse(text);
    expect(r.totalLines).toBe(1911); // wc -l says 1910: the last line has no newline
    expect(r.intel.indicators.length + r.issues.length).toBe(valueLines(text));
    // Lines 1904-1909 carry a LOKI score (`IP;65`).
    const scored = r.intel.indicators.filter((i) => i.score !== undefined);
    expect(scored.map((i) => i.value)).toEqual([
      '176.123.5.126',
      '5.149.249.226',
      '185.181.230.103',
      '209.127.12.38',
      '181.214.147.164',
      '192.119.99.42',
    ]);
    expect(scored.every((i) => i.score === 65 && i.type === 'ip')).toBe(true);
    const snowman = r.intel.indicators.find((i) => i.value === 'suroot.com');
    expect(snowman).toMatchObject({
      type: 'domain',
      sourceRef: 'c2-iocs.txt:13',
      description: 'FireEye Operation Snowman https://goo.gl/x1v7mT',
    });
    // The 3CX block (line 1813) and the UNC4736 block (line 1838) repeat some domains.
    const ak = r.intel.indicators.find((i) => i.value === 'akamaicontainer.com');
    expect(ak?.description).toMatch(/^3CX Compromise IOCs https:\/\/www\.reddit\.com/);
    expect(r.intel.indicators.find((i) => i.value === 'curvefinances.com')?.description).toMatch(
      /^UNC4736 \/ APT43/,
    );
    expect(r.issues.filter((i) => i.code === 'duplicate').map((i) => i.line)).toEqual(
      expect.arrayContaining([1840, 1841, 1843]),
    );
  });

  it('reads the 3CX excerpt with the 23 + 6 known domains', () => {
    const r = parse(
      readFileSync(sharedData('3cx/raw/signature-base/c2-iocs.3cx-lines.txt'), 'utf8'),
      'c2-iocs.3cx-lines.txt',
    );
    const values = r.intel.indicators.map((i) => i.value);
    for (const d of [
      'msedgeupdate.net',
      'msboxonline.com',
      'sbmsa.wiki',
      'nxmnv.site',
      'apollo-crypto.org.shilaerc20.com',
    ])
      expect(values).toContain(d);
    expect(r.intel.indicators).toHaveLength(26);
    expect(r.issues.map((i) => i.code)).toEqual(['duplicate', 'duplicate', 'duplicate']);
  });
});

describe('sigbaseC2IocsImporter', () => {
  it('claims conventional names only', () => {
    for (const n of ['c2-iocs.txt', 'otx-c2-iocs.txt', 'c2-iocs.3cx-lines.txt'])
      expect(sigbaseC2IocsImporter.matches(fileRef(n)), n).toBe(true);
    for (const n of ['hash-iocs.txt', 'c2.txt', 'c2-iocs.json'])
      expect(sigbaseC2IocsImporter.matches(fileRef(n)), n).toBe(false);
  });
});
