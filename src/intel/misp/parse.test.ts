import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fileRef } from '../../../test/fixtures.js';
import { importersFor } from '../../scan/load-intel.js';
import { importers } from '../index.js';
import { mispImporter } from './index.js';
import { parseMispEvent } from './parse.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const fx = (n: string) => readFileSync(path.join(here, '__fixtures__', n));

describe('MISP event import (hand-written fixture after the MISP core format)', () => {
  const r = parseMispEvent(fx('event.json'), { file: 'event.json', pluginId: 'intel/misp' });

  it('maps attribute types, composite types and object attributes; refangs and lower-cases', () => {
    expect(r.intel.indicators.map((i) => `${i.type}:${i.value}`)).toEqual([
      'sha256:aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868',
      'filename:ffmpeg.dll',
      'md5:74bc2d0b6680faa1a5a76b27e5479cbc',
      'domain:akamaicontainer.com',
      'ip:45.77.10.2',
      'sha1:bf939c9c261d27ee7bb92325cc588624fca75429',
    ]);
  });

  it('keeps the organisation as source, attribute uuid as source id, to_ids as confidence, the CVE as advisory', () => {
    expect(r.intel.sources).toEqual([{ id: 'circl', name: 'CIRCL (MISP)' }]);
    expect(r.intel.indicators[0]).toMatchObject({
      source: 'circl',
      sourceId: 'a0000000-0000-4000-8000-000000000001',
      confidence: 1,
      advisoryId: 'CVE-2023-29059',
    });
    expect(r.intel.indicators.find((i) => i.type === 'ip')!.confidence).toBe(0.5);
    expect(r.intel.advisories.map((a) => a.id)).toEqual(['CVE-2023-29059']);
  });

  it('reports unsupported types, warning-listed and invalid values, never silently', () => {
    const msgs = r.issues.map((i) => `${i.code}: ${i.message}`).sort();
    expect(msgs).toHaveLength(4);
    expect(msgs[0]).toMatch(/^invalid-value: sha1 "not-a-hash".*not hexadecimal/);
    expect(msgs[1]).toMatch(/^unsupported: MISP attribute type "mutex"/);
    expect(msgs[2]).toMatch(
      /^warninglist: ip dropped by warning list: 8\.8\.8\.8 is a listed public DNS resolver/,
    );
    expect(msgs[3]).toMatch(/^warninglist: md5 dropped by warning list: .*empty file/);
  });

  it('is recognised by content; a feed manifest.json is accepted without indicators or issues', async () => {
    expect(
      importersFor(importers, fileRef('5e1f2a3b-0000-4c5d-8e9f-0a1b2c3d4e5f.json'), fx('event.json')).map(
        (i) => i.id,
      ),
    ).toContain('intel/misp');
    const claim = importersFor(importers, fileRef('manifest.json'), fx('manifest.json')).map((i) => i.id);
    expect(claim).toContain('intel/misp');
    const m = await Promise.resolve(
      mispImporter.import({
        file: fileRef('feed/manifest.json'),
        content: fx('manifest.json'),
        signal: new AbortController().signal,
      }),
    );
    expect(m.issues).toEqual([]);
    expect(m.intel.indicators).toEqual([]);
  });

  it('accepts the REST API list form', () => {
    const list = Buffer.from(`[${fx('event.json').toString('utf8')}]`);
    expect(parseMispEvent(list, { file: 'x', pluginId: 'p' }).intel.indicators).toHaveLength(6);
  });
});
