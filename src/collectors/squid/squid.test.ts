import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef } from '../../../test/fixtures.js';
import { squidCollector } from './index.js';
import { parseSquidAccessLog } from './parse.js';

// Lines in the layout of the Squid wiki's "Squid native access.log format" page
// (https://wiki.squid-cache.org/Features/LogFormat); addresses are documentation ranges.
const LOG = [
  '1680000000.123    180 10.0.0.5 TCP_MISS/200 4110 GET https://raw.githubusercontent.com/IconStorages/images/main/icon7.ico - HIER_DIRECT/185.199.108.133 image/x-icon',
  '1680000060.500  60012 10.0.0.5 TCP_TUNNEL/200 9231 CONNECT akamaicontainer.com:443 - HIER_DIRECT/203.0.113.10 -',
  '1680000061.000      0 10.0.0.6 TCP_DENIED/403 3900 GET http://user@[2001:db8::1]:8080/x - HIER_NONE/- text/html',
  '',
].join('\n');

describe('parseSquidAccessLog', () => {
  it('maps GET and CONNECT lines to contacts', () => {
    const { observations, issues } = parseSquidAccessLog(LOG, 'access.log');
    expect(issues).toEqual([]);
    expect(observations[0]).toEqual({
      kind: 'net-contact',
      source: { file: 'access.log', line: 1 },
      logType: 'squid',
      src: '10.0.0.5',
      time: '2023-03-28T10:40:00.123Z',
      bytesIn: 4110,
      dst: '185.199.108.133',
      protocol: 'http',
      url: 'https://raw.githubusercontent.com/IconStorages/images/main/icon7.ico',
      fqdn: 'raw.githubusercontent.com',
    });
    expect(observations[1]).toMatchObject({
      fqdn: 'akamaicontainer.com',
      dstPort: 443,
      dst: '203.0.113.10',
      protocol: 'https',
    });
    expect(observations[1]!.url).toBeUndefined();
    expect(observations[2]).toMatchObject({ fqdn: '2001:db8::1', dstPort: 8080 });
    expect(observations[2]!.dst).toBeUndefined();
  });

  it('reports other formats once as unsupported', () => {
    const apache = '10.0.0.5 - - [10/Oct/2000:13:55:36 -0700] "GET /a.gif HTTP/1.0" 200 2326\n'.repeat(50);
    const r = parseSquidAccessLog(apache, 'access.log');
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => i.code)).toEqual(['unsupported']);
  });

  it('reports a cut last line as truncated and keeps the rest', () => {
    const r = parseSquidAccessLog(LOG.trimEnd() + '\n1680000099.000    180 10.0.0.5 TCP_MI', 'access.log');
    expect(r.observations).toHaveLength(3);
    expect(r.issues.map((i) => i.code)).toEqual(['truncated']);
  });
});

describe('squidCollector', () => {
  it('claims access.log only under a squid directory', () => {
    expect(squidCollector.matches(fileRef('/var/log/squid/access.log'))).toBe(true);
    expect(squidCollector.matches(fileRef('/var/log/squid/access.log.2.gz'))).toBe(true);
    expect(squidCollector.matches(fileRef('/var/log/nginx/access.log'))).toBe(false);
    expect(squidCollector.sniff(Buffer.from(LOG), fileRef('/x/proxy.log'))).toBe(true);
  });
  it('collects', () => {
    const r = squidCollector.collect(collectorInput('/var/log/squid/access.log', LOG));
    expect(r.observations).toHaveLength(3);
  });
});
