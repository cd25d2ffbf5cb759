import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import { BUILTIN_MAPPINGS, netCsvCollector, netCsvCollectorWith } from './index.js';
import { loadMappings, parseCsv, parseNetLog } from './parse.js';

describe('parseCsv', () => {
  it('handles quotes, escaped quotes, embedded newlines and CRLF', () => {
    const rows: [string[], number][] = [];
    parseCsv('a,"b ""x""",c\r\n"multi\nline",2,3\n', ',', (cells, line) => rows.push([cells, line]));
    expect(rows).toEqual([
      [['a', 'b "x"', 'c'], 1],
      [['multi\nline', '2', '3'], 2],
    ]);
  });
});

describe('built-in mappings', () => {
  it('dns-csv: header columns pick the mapping; trailing dots and case are normalised', () => {
    const text =
      'timestamp,client_ip,query,qtype\n2023-03-29T10:00:00Z,10.0.0.5,CDN.AkamaiContainer.com.,A\n1680084000,10.0.0.6,example.org,AAAA\n';
    const r = parseNetLog(text, 'corp-dns.csv', BUILTIN_MAPPINGS);
    expect(r.mapping).toBe('dns-csv');
    expect(r.issues).toEqual([]);
    expect(r.observations).toEqual([
      {
        kind: 'net-contact',
        source: { file: 'corp-dns.csv', line: 2 },
        logType: 'dns-csv',
        time: '2023-03-29T10:00:00.000Z',
        src: '10.0.0.5',
        fqdn: 'cdn.akamaicontainer.com',
      },
      {
        kind: 'net-contact',
        source: { file: 'corp-dns.csv', line: 3 },
        logType: 'dns-csv',
        time: '2023-03-29T10:00:00.000Z',
        src: '10.0.0.6',
        fqdn: 'example.org',
      },
    ]);
  });

  it('proxy-jsonl: dotted paths (ECS layout) and the URL host as fqdn', () => {
    const text =
      '{"@timestamp":"2023-03-29T10:00:00.5Z","source":{"ip":"10.0.0.5"},"url":{"full":"https://raw.githubusercontent.com/IconStorages/images/main/icon3.ico"},"user_agent":{"original":"Electron"}}\n{"@timestamp":"x",\n';
    const r = parseNetLog(
      text,
      'proxy.jsonl',
      BUILTIN_MAPPINGS.filter((m) => m.format === 'jsonl'),
    );
    expect(r.mapping).toBe('proxy-jsonl');
    expect(r.observations[0]).toMatchObject({
      src: '10.0.0.5',
      url: 'https://raw.githubusercontent.com/IconStorages/images/main/icon3.ico',
      fqdn: 'raw.githubusercontent.com',
      userAgent: 'Electron',
    });
    expect(r.issues.map((i) => i.code)).toEqual(['parse-error']);
  });

  it('umbrella-dns: headerless CSV by column index, selected by path', () => {
    // Row layout from Cisco Umbrella's "DNS log format" documentation.
    const text =
      '"2015-01-16 17:48:41","ActiveDirectoryUserName","ActiveDirectoryUserName,ADSite,Network","10.10.1.100","24.123.132.133","Allowed","1 (A)","NOERROR","domain-visited.com.","Chat,Photo Sharing,Social Networking,Allow List"\n';
    const c = netCsvCollector;
    const path = '/export/dnslogs/2015-01-16/2015-01-16-17-40-abcd.csv';
    expect(c.matches(fileRef(path))).toBe(true);
    const r = c.collect(collectorInput(path, text)) as {
      observations: { fqdn?: string; src?: string; time?: string }[];
    };
    expect(r.observations).toEqual([
      expect.objectContaining({
        fqdn: 'domain-visited.com',
        src: '10.10.1.100',
        time: '2015-01-16T17:48:41.000Z',
      }),
    ]);
  });

  it('a CSV whose header fits no mapping is one unsupported issue', () => {
    const r = parseNetLog('a,b,c\n1,2,3\n', 'dns.csv', BUILTIN_MAPPINGS);
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => i.code)).toEqual(['unsupported']);
  });

  it('a row with the wrong number of cells is an issue; a cut last row is truncated', () => {
    const r = parseNetLog(
      'timestamp,client_ip,query\n1,10.0.0.1,a.example,extra\n2,10.0.0.2,b.exa',
      'dns.csv',
      BUILTIN_MAPPINGS,
    );
    expect(r.issues.map((i) => i.code)).toEqual(['parse-error']);
    expect(r.observations.map((o) => o.fqdn)).toEqual(['b.exa']);
  });
});

describe('custom mappings are data', () => {
  it('validates and rejects bad mapping files without throwing', () => {
    expect(loadMappings({ mappings: [{ id: 'Bad Id', format: 'xml' }] }).issues.length).toBeGreaterThan(0);
    const ok = loadMappings({
      mappings: [
        {
          id: 'fw',
          format: 'csv',
          delimiter: ';',
          fileNames: ['*fw*.csv'],
          detect: { columns: ['dst'] },
          fields: { src: ['src'], dst: ['dst'], dstPort: ['dport'] },
          logType: 'fw',
        },
      ],
    });
    expect(ok.issues).toEqual([]);
    const col = netCsvCollectorWith(ok.mappings);
    const r = col.collect(collectorInput('/x/fw-2024.csv', 'src;dst;dport\n10.0.0.1;203.0.113.9;443\n')) as {
      observations: unknown[];
    };
    expect(r.observations).toEqual([
      {
        kind: 'net-contact',
        source: { file: '/x/fw-2024.csv', line: 2 },
        logType: 'fw',
        src: '10.0.0.1',
        dst: '203.0.113.9',
        dstPort: 443,
      },
    ]);
  });
});
