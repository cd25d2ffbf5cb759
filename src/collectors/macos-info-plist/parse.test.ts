import { describe, expect, it } from 'vitest';
import { IssueSink } from '../app-common.js';
import { parseBinaryPlist, parseXmlPlist, PlistUid } from './parse.js';

/** A minimal bplist00 writer for tests: objects are given already encoded, refs are 1 byte. */
function bplist(objects: number[][], top = 0, offsetSize = 2, refSize = 1): Buffer {
  const parts: number[] = [...Buffer.from('bplist00')];
  const offsets: number[] = [];
  for (const o of objects) {
    offsets.push(parts.length);
    parts.push(...o);
  }
  const tableAt = parts.length;
  for (const off of offsets) for (let i = offsetSize - 1; i >= 0; i--) parts.push((off >> (8 * i)) & 0xff);
  const trailer = Buffer.alloc(32);
  trailer[6] = offsetSize;
  trailer[7] = refSize;
  trailer.writeBigUInt64BE(BigInt(objects.length), 8);
  trailer.writeBigUInt64BE(BigInt(top), 16);
  trailer.writeBigUInt64BE(BigInt(tableAt), 24);
  return Buffer.concat([Buffer.from(parts), trailer]);
}
const ascii = (s: string): number[] => [0x50 | s.length, ...Buffer.from(s, 'latin1')];
const utf16 = (s: string): number[] => [0x60 | s.length, ...Buffer.from(s, 'utf16le').swap16()];
const dict = (keys: number[], values: number[]): number[] => [0xd0 | keys.length, ...keys, ...values];
const sink = (): IssueSink => new IssueSink('t.plist', 'test');

describe('parseBinaryPlist', () => {
  it('decodes every object type it supports', () => {
    const big = Buffer.alloc(8);
    big.writeBigInt64BE(-5n);
    const i128 = Buffer.alloc(16);
    i128.writeBigInt64BE(0n, 0);
    i128.writeBigUInt64BE(0xffffffffffffffffn, 8);
    const real = Buffer.alloc(8);
    real.writeDoubleBE(2.5);
    const date = Buffer.alloc(8);
    date.writeDoubleBE(0); // 2001-01-01T00:00:00Z
    const objs = [
      [0xa0 | 12, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], // 0: array of 1..12
      ascii('abc'), // 1
      utf16('Société'), // 2
      [0x10, 0xff], // 3: 255
      [0x13, ...big], // 4: -5
      [0x14, ...i128], // 5: 2^64 - 1 as a 128-bit int
      [0x23, ...real], // 6
      [0x33, ...date], // 7
      [0x43, 1, 2, 3], // 8: data
      [0x09], // 9: true
      [0x80, 0x07], // 10: UID 7
      [0xc2, 1, 9], // 11: set
      [0x70 | 2, 0xc3, 0xa9], // 12: UTF-8 string "é"
    ];
    const s = sink();
    const v = parseBinaryPlist(bplist(objs), s);
    expect(s.done()).toEqual([]);
    expect(v).toEqual([
      'abc',
      'Société',
      255,
      -5,
      0xffffffffffffffffn,
      2.5,
      new Date('2001-01-01T00:00:00Z'),
      new Uint8Array([1, 2, 3]),
      true,
      new PlistUid(7),
      ['abc', true],
      'é',
    ]);
  });

  it('reads extended lengths (0xF nibble followed by an int object)', () => {
    const long = 'x'.repeat(20);
    const s = sink();
    expect(parseBinaryPlist(bplist([[0x5f, 0x10, 20, ...Buffer.from(long)]]), s)).toBe(long);
    expect(s.done()).toEqual([]);
  });

  it('reports a reference cycle instead of recursing forever', () => {
    // 0: dict {"self": 0}
    const s = sink();
    const v = parseBinaryPlist(bplist([dict([1], [0]), ascii('self')]), s);
    expect(v).toEqual(new Map());
    expect(s.done().map((i) => i.code)).toEqual(['invalid-value']);
  });

  it('drops out-of-range references and non-string keys with issues, keeping the rest', () => {
    const s = sink();
    const v = parseBinaryPlist(bplist([dict([1, 3, 1], [2, 2, 9]), ascii('k'), ascii('v'), [0x10, 1]]), s);
    expect(v).toEqual(new Map([['k', 'v']]));
    expect(s.done().map((i) => i.code)).toEqual(['invalid-value', 'invalid-value']);
  });

  it('rejects bad trailers, lengths past the object area and unknown markers with offsets', () => {
    const good = bplist([ascii('abc')]);
    const badTop = Buffer.from(good);
    badTop.writeBigUInt64BE(5n, badTop.length - 16);
    const s1 = sink();
    expect(parseBinaryPlist(badTop, s1)).toBeUndefined();
    expect(s1.done()[0]).toMatchObject({ code: 'truncated', offset: badTop.length - 32 });

    const s2 = sink();
    expect(parseBinaryPlist(bplist([[0x5f, 0x10, 200, 0x41]]), s2)).toBeUndefined();
    expect(s2.done()[0]).toMatchObject({ code: 'invalid-value', offset: 8 });

    const s3 = sink();
    expect(parseBinaryPlist(bplist([[0xe0]]), s3)).toBeUndefined();
    expect(s3.done()[0]).toMatchObject({ code: 'unsupported', offset: 8 });

    const s4 = sink();
    expect(parseBinaryPlist(Buffer.from('bplist15' + 'x'.repeat(40)), s4)).toBeUndefined();
    expect(s4.done()[0]?.code).toBe('unsupported');
  });

  it('limits nesting depth instead of overflowing the stack', () => {
    // A chain of 600 one-element arrays (2-byte refs), deeper than MAX_PLIST_DEPTH (256).
    const n = 600;
    const objs: number[][] = [];
    for (let i = 0; i < n - 1; i++) objs.push([0xa1, (i + 1) >> 8, (i + 1) & 0xff]);
    objs.push(ascii('end'));
    const s = sink();
    const v = parseBinaryPlist(bplist(objs, 0, 2, 2), s);
    expect(Array.isArray(v)).toBe(true);
    expect(s.done().map((i) => i.code)).toEqual(['limit-exceeded']);
  });
});

describe('parseXmlPlist', () => {
  it('reads all XML plist element types with entities', () => {
    const xml = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>s</key><string>A &amp; B</string>
	<key>e</key><string/>
	<key>i</key><integer>-42</integer>
	<key>b</key><integer>18446744073709551615</integer>
	<key>r</key><real>2.5</real>
	<key>t</key><true/>
	<key>f</key><false/>
	<key>d</key><date>2023-03-29T00:00:00Z</date>
	<key>x</key><data>
	AAEC/w==
	</data>
	<key>a</key><array><string>1</string><dict/></array>
</dict>
</plist>`;
    const s = sink();
    const v = parseXmlPlist(xml, s);
    expect(s.done()).toEqual([]);
    expect(v).toEqual(
      new Map<string, unknown>([
        ['s', 'A & B'],
        ['e', ''],
        ['i', -42],
        ['b', 18446744073709551615n],
        ['r', 2.5],
        ['t', true],
        ['f', false],
        ['d', new Date('2023-03-29T00:00:00Z')],
        ['x', new Uint8Array([0, 1, 2, 255])],
        ['a', ['1', new Map()]],
      ]),
    );
  });

  it('reports malformed XML and plist structure with line numbers', () => {
    const s1 = sink();
    expect(parseXmlPlist('<plist>\n<dict>\n<key>a</key>\n</plist>', s1)).toBeUndefined();
    expect(s1.done()[0]?.line).toBeGreaterThan(1);
    const s2 = sink();
    const v = parseXmlPlist(
      '<plist>\n<dict>\n<key>a</key>\n<key>b</key>\n<integer>x</integer>\n<string>lost</string>\n</dict>\n</plist>',
      s2,
    );
    expect(v).toEqual(new Map());
    expect(s2.done().map((i) => [i.code, i.line])).toEqual([
      ['parse-error', 3],
      ['invalid-value', 5],
      ['parse-error', 6],
    ]);
    const s3 = sink();
    expect(
      parseXmlPlist('<!DOCTYPE plist [<!ENTITY a "x">]><plist><string>&a;</string></plist>', s3),
    ).toBeUndefined();
    expect(s3.done()[0]?.code).toBe('unsupported');
  });
});
