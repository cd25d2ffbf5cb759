import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import { sigbaseHashIocsImporter } from './index.js';
import { parseHashIocs } from './parse.js';

const ID = 'intel/sigbase-hash-iocs';
const parse = (text: string, file = 'hash-iocs.txt') => parseHashIocs(Buffer.from(text), file, ID);

/** Lines that are neither blank nor `#` comments, counted independently of the parser. */
function valueLines(text: string): number {
  return text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;
}

describe('parseHashIocs', () => {
  it('tells md5, sha1 and sha256 apart by length and lower-cases them', () => {
    const r = parse(
      [
        '# header',
        '',
        'D5101C3B86D973A848AB7ED79CD11E5A;upper md5',
        '3dc840d32ce86cebf657b17cef62814646ba8e98;sha1; with; semicolons',
        'e6bbc33815b9f20b0cf832d7401dd893fbc467c800728b5891336706da0dbcec',
      ].join('\r\n'),
    );
    expect(r.issues).toEqual([]);
    expect(r.intel.indicators).toEqual([
      {
        type: 'md5',
        value: 'd5101c3b86d973a848ab7ed79cd11e5a',
        source: 'sigbase',
        sourceRef: 'hash-iocs.txt:3',
        severity: 'high',
        description: 'upper md5',
      },
      {
        type: 'sha1',
        value: '3dc840d32ce86cebf657b17cef62814646ba8e98',
        source: 'sigbase',
        sourceRef: 'hash-iocs.txt:4',
        severity: 'high',
        description: 'sha1; with; semicolons',
      },
      {
        type: 'sha256',
        value: 'e6bbc33815b9f20b0cf832d7401dd893fbc467c800728b5891336706da0dbcec',
        source: 'sigbase',
        sourceRef: 'hash-iocs.txt:5',
        severity: 'high',
      },
    ]);
    expect(r.intel.sources.map((s) => [s.id, s.license])).toEqual([['sigbase', 'DRL-1.1']]);
  });

  it('reports invalid hex, wrong lengths and duplicates with their line', () => {
    const r = parse(
      'zz124a4b4df12b34e74ee7f6c683b2eb;bad\nabc;short\nd5101c3b86d973a848ab7ed79cd11e5a;x\nD5101C3B86D973A848AB7ED79CD11E5A;y\n',
    );
    expect(r.intel.indicators).toHaveLength(1);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['invalid-value', 1],
      ['invalid-value', 2],
      ['duplicate', 4],
    ]);
    expect(r.issues[0]!.message).toMatch(/not hexadecimal/);
    expect(r.issues[1]!.message).toMatch(/3 hex digits/);
    expect(r.issues.every((i) => i.file === 'hash-iocs.txt' && i.pluginId === ID)).toBe(true);
  });

  it('reads the full signature-base hash-iocs.txt: every value line is an indicator or an issue', () => {
    const text = readFileSync(sharedData('signature-base/iocs/hash-iocs.txt'), 'utf8');
    const r = parse(text);
    expect(r.totalLines).toBe(3357); // wc -l
    expect(r.intel.indicators.length + r.issues.length).toBe(valueLines(text));
    // Independent count by length (grep -cE '^[0-9a-fA-F]{64};' etc.): 1259 sha256, 926 sha1, 1039 md5 lines.
    const byType = { md5: 0, sha1: 0, sha256: 0 } as Record<string, number>;
    for (const i of r.intel.indicators) byType[i.type] = (byType[i.type] ?? 0) + 1;
    const dupes = r.issues.filter((i) => i.code === 'duplicate').length;
    expect(r.issues.every((i) => i.code === 'duplicate')).toBe(true);
    expect(byType['md5']! + byType['sha1']! + byType['sha256']! + dupes).toBe(1259 + 926 + 1039);
    expect(r.intel.indicators.every((i) => i.value === i.value.toLowerCase())).toBe(true);
    // b56279… is listed twice (3CX shellcode, then Gopuram loaders).
    expect(r.issues.some((i) => i.code === 'duplicate' && /b56279136d816a11/.test(i.message))).toBe(true);
  });

  it('reads the 3CX excerpt with the known values', () => {
    const r = parse(
      readFileSync(sharedData('3cx/raw/signature-base/hash-iocs.3cx-lines.txt'), 'utf8'),
      '3cx/raw/signature-base/hash-iocs.3cx-lines.txt',
    );
    const find = (v: string) => r.intel.indicators.find((i) => i.value === v);
    expect(find('aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868')).toMatchObject({
      type: 'sha256',
      description: expect.stringContaining('3cxdesktopapp-18.12.407.msi'),
      sourceRef: expect.stringMatching(/^hash-iocs\.3cx-lines\.txt:\d+$/),
    });
    expect(find('6285ffb5f98d35cd98e78d48b63a05af6e4e4dea')?.type).toBe('sha1');
    expect(find('9f85a07d4b4abff82ca18d990f062a84')).toMatchObject({
      type: 'md5',
      description: expect.stringMatching(/^Gopuram IOC/),
    });
    expect(r.intel.indicators).toHaveLength(50);
  });
});

describe('sigbaseHashIocsImporter', () => {
  it('claims conventional names only', () => {
    for (const n of ['hash-iocs.txt', 'otx-hash-iocs.txt', 'hash-iocs.3cx-lines.txt', 'HASH-IOCS.TXT'])
      expect(sigbaseHashIocsImporter.matches(fileRef(`iocs/${n}`)), n).toBe(true);
    for (const n of ['c2-iocs.txt', 'hash-iocs.csv', 'hashes.txt'])
      expect(sigbaseHashIocsImporter.matches(fileRef(n)), n).toBe(false);
  });
});
