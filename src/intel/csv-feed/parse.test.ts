import { describe, expect, it } from 'vitest';
import { fileRef } from '../../../test/fixtures.js';
import { importersFor } from '../../scan/load-intel.js';
import { importers } from '../index.js';
import { parseCsvFeed } from './parse.js';

const where = { file: 'feeds/x.csv', pluginId: 'intel/csv-feed' };
const csv = (s: string) => Buffer.from(s, 'utf8');

describe('CSV feeds', () => {
  it('maps a value/type header automatically, with description and confidence columns', () => {
    const r = parseCsvFeed(
      csv(
        'type,value,comment,confidence\nsha256,7986BBAEE8940DA11CE089383521AB420C443AB7B15ED42AED91FD31CE833896,ffmpeg,90\nip-dst,45.77.10[.]2,c2,0.4\nurl,hxxps://evil[.]com/x,,\nmutex,abc,,\n',
      ),
      where,
    );
    expect(r.layout).toBe('auto');
    expect(r.intel.indicators.map((i) => [i.type, i.value, i.confidence, i.sourceRef])).toEqual([
      ['sha256', '7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896', 0.9, 'x.csv#L2'],
      ['ip', '45.77.10.2', 0.4, 'x.csv#L3'],
      ['url', 'https://evil.com/x', undefined, 'x.csv#L4'],
    ]);
    expect(r.issues.map((i) => i.message)).toEqual([
      'indicator type "mutex" is not supported (1 row skipped)',
    ]);
  });

  it('reads an explicit mapping (no header, fixed type, other delimiter)', () => {
    const r = parseCsvFeed(csv('evil.com;first\nbad.org;second\n'), where, {
      value: 0,
      description: 1,
      fixedType: 'domain',
      delimiter: ';',
      header: false,
      source: { id: 'acme', name: 'Acme feed' },
    });
    expect(r.intel.indicators.map((i) => `${i.source}:${i.value}:${i.description}`)).toEqual([
      'acme:evil.com:first',
      'acme:bad.org:second',
    ]);
  });

  it('drops warning-listed and invalid values with issues', () => {
    const r = parseCsvFeed(
      csv(
        'Indicator,Data,Note\nURL,github.com,x\nIP,10.1.2.3,x\nSHA1,xyz,x\nURL,github.com/evil/repo,kept\n',
      ),
      where,
    );
    expect(r.intel.indicators.map((i) => i.value)).toEqual(['github.com/evil/repo']);
    expect(r.issues.map((i) => i.code).sort()).toEqual(['invalid-value', 'warninglist', 'warninglist']);
    expect(r.issues.every((i) => i.line !== undefined)).toBe(true);
  });

  it('refuses a CSV with no recognisable columns, and claims only recognisable CSVs by content', () => {
    const r = parseCsvFeed(csv('time,src,dst\n1,2,3\n'), where);
    expect(r.issues[0]!.code).toBe('unsupported');
    expect(
      importersFor(
        importers,
        fileRef('iocs.txt'),
        csv('value,entity_type,description\nx.com,hostname,y\n'),
      ).map((i) => i.id),
    ).toEqual(['intel/csv-feed']);
    expect(importersFor(importers, fileRef('data.dat'), csv('time,src,dst\n')).map((i) => i.id)).toEqual([]);
  });
});
