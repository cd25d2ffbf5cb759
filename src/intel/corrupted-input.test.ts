/**
 * Corrupted input for every importer of this folder (truncated, wrong encoding, binary garbage,
 * empty): each yields issues naming the file, never an exception.
 */
import { describe, expect, it } from 'vitest';
import { fileRef } from '../../test/fixtures.js';
import type { Importer } from '../core/plugin.js';
import { chainhuntPackImporter } from './chainhunt-pack/index.js';
import { sealPack } from './chainhunt-pack/checksum.js';
import { sigbaseC2IocsImporter } from './sigbase-c2-iocs/index.js';
import { sigbaseFilenameIocsImporter } from './sigbase-filename-iocs/index.js';
import { sigbaseHashIocsImporter } from './sigbase-hash-iocs/index.js';

const pack = JSON.stringify(
  sealPack({
    schema: 'chainhunt-intel/1',
    id: 'p',
    name: 'P',
    version: '1',
    sources: [{ id: 's', name: 'S' }],
    indicators: [{ type: 'domain', value: 'evil.example', source: 's' }],
  }),
);

interface Case {
  importer: Importer;
  name: string;
  good: string;
  /** A prefix of `good` cut inside a value. */
  truncated: string;
}

const cases: Case[] = [
  {
    importer: chainhuntPackImporter,
    name: 'x.chainhunt.json',
    good: pack,
    truncated: pack.slice(0, pack.indexOf('evil') + 2),
  },
  {
    importer: sigbaseHashIocsImporter,
    name: 'hash-iocs.txt',
    good: '# c\naa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868;3CX msi\n',
    truncated:
      '# c\naa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868;3CX msi\n59e1edf4d82fae4978e97512b0331b',
  },
  {
    importer: sigbaseC2IocsImporter,
    name: 'c2-iocs.txt',
    good: '# c\nakamaicontainer.com\n198.51.100.7\n',
    truncated: '# c\nakamaicontainer.com\n198.51.100.',
  },
  {
    importer: sigbaseFilenameIocsImporter,
    name: 'filename-iocs.txt',
    good: '# c\n\\\\evil\\.exe;80\n',
    truncated: '# c\n\\\\evil\\.exe;80\n\\\\other(\\.',
  },
];

/** Deterministic pseudo-random bytes with NULs and invalid UTF-8 (an LCG; no Math.random). */
function garbage(n: number): Buffer {
  const b = Buffer.alloc(n);
  let x = 12345;
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) >>> 0;
    b[i] = x >>> 24;
  }
  return b;
}

async function run(c: Case, content: Buffer) {
  return c.importer.import({
    file: fileRef(`intel/${c.name}`, content.length),
    content,
    signal: new AbortController().signal,
  });
}

describe.each(cases)('$importer.id on corrupted input', (c) => {
  it('imports the good sample cleanly (control)', async () => {
    const r = await run(c, Buffer.from(c.good));
    expect(r.issues.filter((i) => i.code !== 'invalid-value' || !/no checksum/.test(i.message))).toEqual([]);
    expect(r.intel.indicators.length).toBeGreaterThan(0);
  });

  it('empty → empty issue', async () => {
    const r = await run(c, Buffer.alloc(0));
    expect(r.issues.map((i) => i.code)).toEqual(['empty']);
    expect(r.issues[0]!.file).toBe(`intel/${c.name}`);
    expect(r.issues[0]!.pluginId).toBe(c.importer.id);
  });

  it('binary garbage → encoding issue, nothing imported', async () => {
    const r = await run(c, garbage(4096));
    expect(r.issues.map((i) => i.code)).toEqual(['encoding']);
    expect(r.intel.indicators).toEqual([]);
  });

  it('wrong encoding (Latin-1 bytes) → encoding issue', async () => {
    const r = await run(c, Buffer.from(c.good.replace('c', 'café'), 'latin1'));
    expect(r.issues.map((i) => i.code)).toEqual(['encoding']);
  });

  it('UTF-16LE cut mid code unit → encoding issue', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(c.good, 'utf16le')]);
    expect((await run(c, utf16)).intel.indicators.length).toBeGreaterThan(0);
    const r = await run(c, utf16.subarray(0, utf16.length - 1));
    expect(r.issues.map((i) => i.code)).toEqual(['encoding']);
  });

  it('truncated inside a value → an issue for it, earlier values kept', async () => {
    const r = await run(c, Buffer.from(c.truncated));
    expect(r.issues.length).toBeGreaterThan(0);
    expect(
      r.issues.some((i) => ['truncated', 'invalid-value', 'unsupported', 'parse-error'].includes(i.code)),
    ).toBe(true);
    if (c.importer !== chainhuntPackImporter) {
      expect(r.intel.indicators.length).toBeGreaterThan(0);
      expect(r.issues.at(-1)!.line).toBe(c.truncated.split('\n').length);
    }
  });
});
