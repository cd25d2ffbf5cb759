import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import { importersFor } from '../../scan/load-intel.js';
import { importers } from '../index.js';
import { parseOpenIoc } from './parse.js';

const here = path.dirname(fileURLToPath(import.meta.url));

describe('OpenIOC import', () => {
  it('reads the Ozer0x777 OpenIOC 1.0 file: 11 sha256 and 4 sha1, with item ids and author', () => {
    const p = sharedData('3cx', 'raw', 'Ozer0x777-3CX-Iocs', '3CX supply chain attack IOCs 1.1.ioc');
    const text = readFileSync(p, 'utf8');
    const r = parseOpenIoc(Buffer.from(text), { file: p, pluginId: 'intel/openioc' });
    expect(r.issues).toEqual([]);
    // Independent count: the number of Sha256sum / Sha1sum search terms in the file.
    const count = (t: string) => text.split(`search="FileItem/${t}"`).length - 1;
    expect(r.intel.indicators.filter((i) => i.type === 'sha256')).toHaveLength(count('Sha256sum'));
    expect(r.intel.indicators.filter((i) => i.type === 'sha1')).toHaveLength(count('Sha1sum'));
    expect(r.intel.indicators[0]).toMatchObject({
      source: 'ozer0x777',
      sourceId: 'e61782bb-15d7-40a1-ae6b-a9746c0ad27d',
    });
  });

  it('reads OpenIOC 1.1; negations, unknown terms and AND groups are reported, not approximated', () => {
    const r = parseOpenIoc(readFileSync(path.join(here, '__fixtures__', 'openioc-1.1.ioc')), {
      file: 'x.ioc',
      pluginId: 'intel/openioc',
    });
    expect(r.intel.indicators.map((i) => `${i.type}:${i.value}`)).toEqual([
      'md5:74bc2d0b6680faa1a5a76b27e5479cbc',
      'domain:akamaicontainer.com',
      'filename:*3CXDesktopApp*',
    ]);
    expect(r.intel.sources[0]!.id).toBe('example-analyst');
    const msgs = r.issues.map((i) => i.message).sort();
    expect(msgs).toEqual([
      'OpenIOC item of an AND group (a conjunction) is not supported (2 items skipped)',
      'OpenIOC negated item is not supported (1 item skipped)',
      'OpenIOC search term RegistryItem/Path is not supported (1 item skipped)',
    ]);
  });

  it('is claimed by the .ioc name, and by content under another name', () => {
    const c = readFileSync(path.join(here, '__fixtures__', 'openioc-1.1.ioc'));
    expect(importersFor(importers, fileRef('a.ioc'), c).map((i) => i.id)).toEqual(['intel/openioc']);
    expect(importersFor(importers, fileRef('a.xml'), c).map((i) => i.id)).toEqual(['intel/openioc']);
  });
});
