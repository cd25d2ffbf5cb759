import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef, sharedData } from '../../../test/fixtures.js';
import { decodeLogBuffer } from '../../logs/zeek/read.js';
import { zeekCollector } from './index.js';
import { buildUrl, commonName, parseZeekContacts, type NetContact } from './parse.js';

const T = '\t';
const hdr = (path: string, fields: string[], types: string[]): string =>
  [
    '#separator \\x09',
    `#set_separator${T},`,
    `#empty_field${T}(empty)`,
    `#unset_field${T}-`,
    `#path${T}${path}`,
    `#fields${T}${fields.join(T)}`,
    `#types${T}${types.join(T)}`,
  ].join('\n');

const noSource = (c: NetContact): Omit<NetContact, 'source'> => {
  const { source: _s, ...rest } = c;
  return rest;
};

describe('zeekCollector.matches', () => {
  it('claims contact logs by name, rotated and gzip too, and nothing else', () => {
    for (const n of [
      'conn.log',
      'dns.12:00:00-13:00:00.log.gz',
      'open_conn.log',
      'http.log',
      'ssl.log',
      'x509.log',
      'files.log',
      'dns.json.gz',
      'conn_json.log',
    ]) {
      expect(zeekCollector.matches(fileRef(`/x/${n}`))).toBe(true);
    }
    for (const n of [
      'conn-summary.00:00:00-01:00:00.log.gz',
      'weird.log',
      'capture_loss.log',
      'conn.txt',
      'package.json',
    ]) {
      expect(zeekCollector.matches(fileRef(`/x/${n}`))).toBe(false);
    }
  });
});

describe('contacts from each log type', () => {
  it('dns: the query is the fqdn (lower-cased, trailing dot removed)', () => {
    const text = [
      hdr(
        'dns',
        ['ts', 'id.orig_h', 'id.orig_p', 'id.resp_h', 'id.resp_p', 'query'],
        ['time', 'addr', 'port', 'addr', 'port', 'string'],
      ),
      '1680000000.25\t10.0.0.5\t5353\t10.0.0.1\t53\tCDN.AkamaiContainer.com.',
      '',
    ].join('\n');
    const { observations, issues } = parseZeekContacts(text, 'dns.log');
    expect(issues).toEqual([]);
    expect(observations).toEqual([
      {
        kind: 'net-contact',
        source: { file: 'dns.log', line: 8 },
        logType: 'zeek/dns',
        time: '2023-03-28T10:40:00.250Z',
        src: '10.0.0.5',
        srcPort: 5353,
        dst: '10.0.0.1',
        dstPort: 53,
        protocol: 'dns',
        fqdn: 'cdn.akamaicontainer.com',
      },
    ]);
  });

  it('http: URL rebuilt from Host, port and URI; missing Host falls back to the address', () => {
    const f = [
      'ts',
      'id.orig_h',
      'id.resp_h',
      'id.resp_p',
      'host',
      'uri',
      'user_agent',
      'request_body_len',
      'response_body_len',
    ];
    const ty = ['time', 'addr', 'addr', 'port', 'string', 'string', 'string', 'count', 'count'];
    const text = [
      hdr('http', f, ty),
      '1.0\t10.0.0.5\t185.199.108.133\t80\traw.githubusercontent.com\t/IconStorages/images/main/icon3.ico\tcurl/8\t0\t1234',
      '2.0\t73.54.23.243\t64.225.56.201\t8080\t(empty)\t/\tModzilla/0.0001 (Atari 7800)\t0\t166',
      '',
    ].join('\n');
    const { observations } = parseZeekContacts(text, 'http.log');
    expect(observations[0]).toMatchObject({
      fqdn: 'raw.githubusercontent.com',
      url: 'http://raw.githubusercontent.com/IconStorages/images/main/icon3.ico',
      userAgent: 'curl/8',
      bytesIn: 1234,
    });
    expect(observations[1]!.fqdn).toBeUndefined();
    expect(observations[1]!.url).toBe('http://64.225.56.201:8080/');
  });

  it('ssl and x509: SNI and certificate names', () => {
    const ssl = [
      hdr(
        'ssl',
        ['ts', 'id.orig_h', 'id.resp_h', 'server_name', 'subject'],
        ['time', 'addr', 'addr', 'string', 'string'],
      ),
      '1.0\t10.0.0.5\t1.2.3.4\twww.Example.org\tCN=*.example.org,O=Ex\\\\, Inc',
      '',
    ].join('\n');
    const s = parseZeekContacts(ssl, 'ssl.log').observations[0]!;
    expect(s).toMatchObject({
      sni: 'www.example.org',
      fqdn: 'www.example.org',
      certNames: ['*.example.org'],
      protocol: 'tls',
    });
    const x = [
      hdr(
        'x509',
        ['ts', 'id', 'certificate.subject', 'san.dns'],
        ['time', 'string', 'string', 'vector[string]'],
      ),
      '1.0\tF1\tCN=azureonlinestorage.com\twww.azureonlinestorage.com,azureonlinestorage.com',
      '2.0\tF2\tO=No Name Here\t-',
      '',
    ].join('\n');
    const xs = parseZeekContacts(x, 'x509.log').observations;
    expect(xs).toHaveLength(1);
    expect(xs[0]!.certNames).toEqual(['azureonlinestorage.com', 'www.azureonlinestorage.com']);
  });

  it('unsupported #path is one issue, not one per line', () => {
    const text = [hdr('weird', ['ts', 'name'], ['time', 'string']), '1.0\ta', '2.0\tb', ''].join('\n');
    const r = parseZeekContacts(text, 'x.log');
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => i.code)).toEqual(['unsupported']);
  });

  it('helpers', () => {
    expect(commonName('O=x,CN=a\\,b.example,C=US')).toBe('a,b.example');
    expect(commonName('O=x')).toBeUndefined();
    expect(buildUrl('h.example', 443, '/a')).toBe('https://h.example/a');
    expect(buildUrl('h.example', 80, 'http://other.example/x')).toBe('http://other.example/x');
  });
});

describe('collector over shared data', () => {
  it('gzip TSV and gzip JSON of the same zed-sample-data DNS events give the same contacts', () => {
    const tsvPath = sharedData('zeek', 'zed-sample-data', 'zeek-default', 'dns.log.gz');
    const jsonPath = sharedData('zeek', 'zed-sample-data', 'zeek-json', 'dns.json.gz');
    const a = zeekCollector.collect(collectorInput(tsvPath, readFileSync(tsvPath)));
    const b = zeekCollector.collect(collectorInput(jsonPath, readFileSync(jsonPath)));
    expect(a.issues).toEqual([]);
    expect(b.issues).toEqual([]);
    // SOURCES.md: 53,624 lines in dns.log, of which 9 are headers.
    expect(a.observations).toHaveLength(53615);
    expect(b.observations.map((o) => noSource(o as NetContact))).toEqual(
      a.observations.map((o) => noSource(o as NetContact)),
    );
  });

  it('json_with_all_fields parses into the same contacts as the TSV logs with the same uids', () => {
    const pairs: [string, string][] = [
      [
        sharedData('zeek', 'rita', 'json_with_all_fields', 'open_http.log'),
        sharedData('zeek', 'rita', 'has_unknown_field', 'http.log'),
      ],
      [
        sharedData('zeek', 'rita', 'json_with_all_fields', 'open_conn.log'),
        sharedData('zeek', 'rita', 'truncated', 'conn.log'),
      ],
    ];
    for (const [jsonFile, tsvFile] of pairs) {
      const j = parseZeekContacts(decodeLogBuffer(readFileSync(jsonFile), jsonFile).text, jsonFile);
      const t = parseZeekContacts(decodeLogBuffer(readFileSync(tsvFile), tsvFile).text, tsvFile);
      const key = (c: NetContact): string =>
        `${c.time}|${c.src}|${c.srcPort}|${c.dst}|${c.dstPort}|${c.url ?? ''}`;
      const tsvByKey = new Map(t.observations.map((c) => [key(c), c]));
      let common = 0;
      for (const c of j.observations) {
        const other = tsvByKey.get(key(c));
        if (!other) continue;
        common++;
        expect(noSource(c)).toEqual(noSource(other));
      }
      expect(common).toBeGreaterThanOrEqual(4);
    }
  });

  it('a gzip buffer of a log is read like the plain log', () => {
    const text = [hdr('dns', ['ts', 'query'], ['time', 'string']), '1.0\ta.example', ''].join('\n');
    const r = zeekCollector.collect(
      collectorInput('/e/dns.01:00:00-02:00:00.log.gz', gzipSync(Buffer.from(text))),
    );
    expect((r as { observations: NetContact[] }).observations.map((o) => o.fqdn)).toEqual(['a.example']);
  });
});
