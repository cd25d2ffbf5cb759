import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Indicator, IntelBundle } from '../../core/intel.js';
import type { LogEventObservation, NetContactObservation, Observation } from '../../core/observation.js';
import { sharedData } from '../../../test/fixtures.js';
import { parseZeekContacts } from '../../collectors/zeek/parse.js';
import { networkMatcher } from './index.js';
import { parseCidr, parseIp } from './ip.js';
import { contactFromSysmonEvent } from './sysmon.js';

interface Iocs {
  domains: string[];
  urls: string[];
  url_patterns: { pattern: string }[];
}

/** A bundle built from the compiled 3CX IOC file, as an importer would. */
function threeCxBundle(): IntelBundle {
  const iocs = JSON.parse(readFileSync(sharedData('3cx', 'iocs.json'), 'utf8')) as Iocs;
  const source = '3cx-pack';
  const indicators: Indicator[] = [
    ...iocs.domains.map((value): Indicator => ({ type: 'domain', value, source })),
    ...iocs.urls.map((value): Indicator => ({ type: 'url', value, source })),
    ...iocs.url_patterns.map((p): Indicator => ({
      type: 'url-pattern',
      value: p.pattern,
      source,
      patternSyntax: 'glob',
    })),
  ];
  return { sources: [{ id: source, name: '3CX compromise pack' }], advisories: [], indicators, rules: [] };
}

function bundle(indicators: Indicator[]): IntelBundle {
  return { sources: [], advisories: [], indicators, rules: [] };
}

const stamp = (o: object): Observation =>
  ({ host: 'h1', collectorId: 'collectors/zeek', ...o }) as Observation;

function contacts(text: string, file: string): Observation[] {
  return parseZeekContacts(text, file).observations.map(stamp);
}

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

const dnsLog = (...queries: string[]): string =>
  [
    hdr('dns', ['ts', 'id.orig_h', 'id.resp_h', 'query'], ['time', 'addr', 'addr', 'string']),
    ...queries.map((q, i) => `${1680000000 + i}\t10.1.1.${i + 1}\t10.0.0.1\t${q}`),
    '',
  ].join('\n');

const httpLog = (...rows: [string, string][]): string =>
  [
    hdr(
      'http',
      ['ts', 'id.orig_h', 'id.resp_h', 'id.resp_p', 'host', 'uri'],
      ['time', 'addr', 'addr', 'port', 'string', 'string'],
    ),
    ...rows.map(([h, u], i) => `${1680000100 + i}\t10.1.1.9\t185.199.108.133\t443\t${h}\t${u}`),
    '',
  ].join('\n');

describe('3CX acceptance', () => {
  const prepared = networkMatcher.prepare(threeCxBundle())!;

  it('a dns.log query for a sub-domain of a 3CX C2 domain gives a finding naming the source', () => {
    const [obs] = contacts(dnsLog('update.akamaicontainer.com'), 'dns.log');
    const f = prepared.match(obs!);
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      kind: 'network',
      host: 'h1',
      indicator: { type: 'domain', value: 'akamaicontainer.com', source: '3cx-pack' },
      subject: {
        type: 'network',
        time: '2023-03-28T10:40:00.000Z',
        src: '10.1.1.1',
        dst: '10.0.0.1',
        fqdn: 'update.akamaicontainer.com',
      },
    });
    expect(f[0]!.evidence[0]).toMatchObject({
      type: 'domain-parent',
      found: { field: 'fqdn', value: 'update.akamaicontainer.com', logType: 'zeek/dns' },
      location: { file: 'dns.log', line: 8 },
    });
    expect(f[0]!.id).toMatch(/^[0-9a-f]{16}$/);
    // Stable: the same contact gives the same id.
    expect(prepared.match(obs!)[0]!.id).toBe(f[0]!.id);
  });

  it('an http.log request for the IconStorages icon gives a finding naming the source', () => {
    const [obs] = contacts(
      httpLog(['raw.githubusercontent.com', '/IconStorages/images/main/icon13.ico']),
      'http.log',
    );
    const f = prepared.match(obs!);
    expect(f.length).toBeGreaterThanOrEqual(1);
    expect(f.every((x) => x.indicator?.source === '3cx-pack')).toBe(true);
    const types = f.map((x) => x.indicator!.type).sort();
    expect(types).toEqual(['url', 'url-pattern']);
    expect(f[0]!.subject).toMatchObject({
      url: 'https://raw.githubusercontent.com/IconStorages/images/main/icon13.ico',
    });
  });

  it('github.com and raw.githubusercontent.com alone give nothing', () => {
    const obs = [
      ...contacts(dnsLog('github.com', 'raw.githubusercontent.com', 'www.github.com'), 'dns.log'),
      ...contacts(
        httpLog(
          ['github.com', '/torvalds/linux'],
          ['raw.githubusercontent.com', '/other/repo/main/icon1.ico'],
          ['raw.githubusercontent.com', '/IconStorage/images/main/icon1.ico'],
        ),
        'http.log',
      ),
    ];
    expect(obs.length).toBe(6);
    for (const o of obs) expect(prepared.match(o)).toEqual([]);
  });

  it('does not match look-alikes or a registrable domain that only ends with the indicator', () => {
    const obs = contacts(
      dnsLog('notakamaicontainer.com', 'akamaicontainer.com.evil.net', 'akamaicontainer.co'),
      'dns.log',
    );
    for (const o of obs) expect(prepared.match(o)).toEqual([]);
  });
});

describe('indicator semantics', () => {
  it('warning-listed domain indicators are dropped with an issue', () => {
    const p = networkMatcher.prepare(
      bundle([
        { type: 'domain', value: 'github.com', source: 's' },
        { type: 'domain', value: 'evil.example', source: 's' },
      ]),
    )!;
    expect(p.issues!.map((i) => i.code)).toEqual(['unsupported']);
    expect(p.match(stamp({ kind: 'net-contact', source: { file: 'x' }, fqdn: 'github.com' }))).toEqual([]);
    expect(
      p.match(stamp({ kind: 'net-contact', source: { file: 'x' }, fqdn: 'a.evil.example' })),
    ).toHaveLength(1);
  });

  it('parent matching stops at the registrable domain (public-suffix aware)', () => {
    const p = networkMatcher.prepare(
      bundle([
        { type: 'domain', value: 'github.io', source: 's' },
        { type: 'domain', value: 'bad.github.io', source: 's' },
      ]),
    )!;
    const m = (fqdn: string): string[] =>
      p.match(stamp({ kind: 'net-contact', source: { file: 'x' }, fqdn })).map((f) => f.indicator!.value);
    expect(m('x.bad.github.io')).toEqual(['bad.github.io']);
    expect(m('good.github.io')).toEqual([]);
    expect(m('github.io')).toEqual(['github.io']);
  });

  it('IPv4, IPv6 and CIDR on source or destination', () => {
    const p = networkMatcher.prepare(
      bundle([
        { type: 'ip', value: '203.0.113.7', source: 's' },
        { type: 'cidr', value: '198.51.100.0/24', source: 's' },
        { type: 'ip', value: '2001:db8::1', source: 's' },
        { type: 'cidr', value: '2001:db8:ff00::/40', source: 's' },
      ]),
    )!;
    const m = (src: string, dst: string): string[] =>
      p
        .match(stamp({ kind: 'net-contact', source: { file: 'x' }, src, dst }))
        .map((f) => `${f.indicator!.value}:${f.evidence[0]!.found['field'] as string}`);
    expect(m('10.0.0.1', '203.0.113.7')).toEqual(['203.0.113.7:dst']);
    expect(m('198.51.100.200', '10.0.0.1')).toEqual(['198.51.100.0/24:src']);
    expect(m('10.0.0.1', '198.51.101.1')).toEqual([]);
    expect(m('10.0.0.1', '2001:0db8:0:0:0:0:0:0001')).toEqual(['2001:db8::1:dst']);
    expect(m('10.0.0.1', '::ffff:203.0.113.7')).toEqual(['203.0.113.7:dst']);
    expect(m('2001:db8:ff12::5', '10.0.0.1')).toEqual(['2001:db8:ff00::/40:src']);
    expect(m('2001:db8:fe00::5', '10.0.0.1')).toEqual([]);
  });

  it('TLS SNI and certificate names (wildcards) match domains', () => {
    const p = networkMatcher.prepare(
      bundle([{ type: 'domain', value: 'msedgepackageinfo.com', source: 's' }]),
    )!;
    const a = p.match(stamp({ kind: 'net-contact', source: { file: 'x' }, sni: 'msedgepackageinfo.com' }));
    expect(a[0]!.evidence[0]!.type).toBe('tls-sni');
    const b = p.match(
      stamp({ kind: 'net-contact', source: { file: 'x' }, certNames: ['*.msedgepackageinfo.com'] }),
    );
    expect(b[0]!.evidence[0]!.type).toBe('tls-cert-name');
  });

  it('regex URL patterns are unsupported, never approximated', () => {
    const p = networkMatcher.prepare(
      bundle([{ type: 'url-pattern', value: '.*evil.*', source: 's', patternSyntax: 'regex' }]),
    )!;
    expect(p.issues!.map((i) => i.code)).toEqual(['unsupported']);
    expect(
      p.match(stamp({ kind: 'net-contact', source: { file: 'x' }, url: 'http://evil.example/' })),
    ).toEqual([]);
  });

  it('the same value from two sources is one finding with evidence from both', () => {
    const p = networkMatcher.prepare(
      bundle([
        { type: 'domain', value: 'journalide.org', source: 'b-src' },
        { type: 'domain', value: 'journalide.org', source: 'a-src' },
      ]),
    )!;
    const f = p.match(stamp({ kind: 'net-contact', source: { file: 'x' }, fqdn: 'journalide.org' }));
    expect(f).toHaveLength(1);
    expect(f[0]!.indicator!.source).toBe('a-src');
    expect(f[0]!.evidence.map((e) => e.searchedBy['source'])).toEqual(['a-src', 'b-src']);
  });

  it('prepare returns null without network indicators', () => {
    expect(
      networkMatcher.prepare(bundle([{ type: 'sha256', value: 'a'.repeat(64), source: 's' }])),
    ).toBeNull();
  });
});

describe('Sysmon events', () => {
  const ev = (id: number, data: Record<string, string>): LogEventObservation => ({
    kind: 'log-event',
    host: 'ws1',
    collectorId: 'collectors/evtx',
    source: { file: 'Sysmon.evtx', offset: 4096 },
    eventId: id,
    provider: 'Microsoft-Windows-Sysmon',
    event: {
      Event: {
        System: { EventID: id, Provider: { '#attributes': { Name: 'Microsoft-Windows-Sysmon' } } },
        EventData: data,
      },
    },
  });

  it('EventID 22 QueryName matches a C2 domain; EventID 3 DestinationIp and hostname', () => {
    const p = networkMatcher.prepare(threeCxBundle())!;
    const dns = ev(22, {
      QueryName: 'akamaitechcloudservices.com',
      Image: 'C:\\Users\\u\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe',
      UtcTime: '2023-03-29 10:11:12.345',
    });
    const f = p.match(dns);
    expect(f).toHaveLength(1);
    expect(f[0]!.host).toBe('ws1');
    expect(f[0]!.subject).toMatchObject({
      type: 'network',
      fqdn: 'akamaitechcloudservices.com',
      time: '2023-03-29T10:11:12.345Z',
    });
    expect(f[0]!.evidence[0]!.found).toMatchObject({
      logType: 'sysmon/22',
      image: 'C:\\Users\\u\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe',
    });
    const conn = ev(3, {
      SourceIp: '10.0.0.5',
      SourcePort: '50000',
      DestinationIp: '203.0.113.9',
      DestinationPort: '443',
      DestinationHostname: 'x.officeaddons.com',
    });
    const c = contactFromSysmonEvent(conn) as NetContactObservation | null;
    expect(c).toMatchObject({
      src: '10.0.0.5',
      dst: '203.0.113.9',
      dstPort: 443,
      fqdn: 'x.officeaddons.com',
      logType: 'sysmon/3',
    });
    expect(p.match(conn)[0]!.indicator!.value).toBe('officeaddons.com');
  });

  it('other events and other providers are not contacts', () => {
    expect(contactFromSysmonEvent(ev(1, { Image: 'x' }))).toBeNull();
    const other = {
      ...ev(22, { QueryName: 'a.example' }),
      provider: 'Some-Other-Provider',
      event: { Event: { System: { EventID: 22 }, EventData: { QueryName: 'a.example' } } },
    };
    expect(contactFromSysmonEvent(other)).toBeNull();
  });
});

describe('ip helpers', () => {
  it('parse and reject', () => {
    expect(parseIp('1.2.3.4')).toEqual({ v: 4, n: 0x01020304 });
    expect(parseIp('01.2.3.4')).toBeNull();
    expect(parseIp('1.2.3')).toBeNull();
    expect(parseIp('1::2::3')).toBeNull();
    expect(parseIp('fe80::1%eth0')).toEqual({ v: 6, n: (0xfe80n << 112n) | 1n });
    expect(parseCidr('10.1.2.3/8')!.key).toBe(parseCidr('10.0.0.0/8')!.key);
    expect(parseCidr('10.0.0.0/33')).toBeNull();
  });
});

describe('hostile values', () => {
  it('ip, url and sysmon helpers never throw', async () => {
    const fc = await import('fast-check');
    const { normalizeUrl } = await import('./url.js');
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        parseIp(s);
        parseCidr(s);
        normalizeUrl(s);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        contactFromSysmonEvent({
          kind: 'log-event',
          host: 'h',
          collectorId: 'x',
          source: { file: 'f' },
          event: { Event: v },
        });
      }),
      { numRuns: 300 },
    );
  });
});

describe('DNS answers and defanged intel', () => {
  it('an answer address or CNAME target matches; defanged indicators are refanged', () => {
    const p = networkMatcher.prepare(
      bundle([
        { type: 'ip', value: '203.0.113[.]77', source: 's' },
        { type: 'domain', value: 'pbxsources[.]com', source: 's' },
      ]),
    )!;
    const text = [
      hdr(
        'dns',
        ['ts', 'id.orig_h', 'id.resp_h', 'query', 'answers'],
        ['time', 'addr', 'addr', 'string', 'vector[string]'],
      ),
      '1.0\t10.0.0.5\t10.0.0.1\tcdn.example.net\tedge.pbxsources.com,203.0.113.77',
      '',
    ].join('\n');
    const [obs] = contacts(text, 'dns.log');
    const f = p.match(obs!);
    expect(f.map((x) => [x.indicator!.value, x.evidence[0]!.type]).sort()).toEqual([
      ['203.0.113.77', 'dns-answer-ip'],
      ['pbxsources.com', 'dns-answer-cname'],
    ]);
  });
});
