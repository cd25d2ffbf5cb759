import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fileRef } from '../../../test/fixtures.js';
import { canonicalJson, packChecksum, sealPack } from './checksum.js';
import { chainhuntPackImporter } from './index.js';
import { parsePack } from './parse.js';

const opts = { file: 'p.chainhunt.json', pluginId: 'intel/chainhunt-pack' };
const parse = (v: unknown) => parsePack(Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)), opts);
const codes = (r: { issues: { code: string }[] }) => r.issues.map((i) => i.code);

function basePack(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    schema: 'chainhunt-intel/1',
    id: 'test-pack',
    name: 'Test pack',
    version: '1',
    sources: [{ id: 'src', name: 'Source', url: 'https://example.org/', license: 'CC0-1.0' }],
    advisories: [
      {
        id: 'ADV-1',
        source: 'src',
        summary: 'Bad app',
        severity: 'high',
        references: ['https://example.org/adv', 'javascript:alert(1)'],
        affected: [
          {
            product: { names: ['Example App'], excludeNames: ['Example App Server'] },
            platform: 'windows',
            versions: ['1.2.3'],
            ranges: [{ introduced: '1.0', lastAffected: '1.2.9' }],
            fixed: ['1.3.0'],
          },
          {
            product: { names: ['Broken'] },
            platform: 'windows',
            versions: ['1'],
            ranges: [{ fixed: '2', lastAffected: '1.9' }],
          },
        ],
      },
    ],
    indicators: [
      {
        type: 'SHA256'.toLowerCase(),
        value: 'AA124A4B4DF12B34E74EE7F6C683B2EBEC4CE9A8EDCF9BE345823B4FDCF5D868',
        source: 'src',
        advisoryId: 'ADV-1',
      },
      { type: 'domain', value: 'Evil[.]Example[.]com.', source: 'src', sourceRef: 'x#L1' },
      { type: 'url', value: 'hxxps://Evil[.]example[.]com/Path', source: 'src' },
      {
        type: 'filename',
        value: '\\\\evil\\.dll$',
        patternSyntax: 'regex',
        excludePattern: '\\\\Windows\\\\',
        source: 'src',
        score: 80,
      },
      { type: 'filename', value: '(a)\\1', patternSyntax: 'regex', source: 'src' },
      { type: 'md5', value: 'not-hex', source: 'src' },
      { type: 'registry-key', value: 'HKLM\\x', source: 'src' },
      { type: 'domain', value: 'other.example', source: 'nobody' },
      { type: 'domain', value: 'evil.example.com', source: 'src' },
      { type: 'ip', value: '198.51.100.7', source: 'src', advisoryId: 'NOPE' },
      { type: 'domain', value: 'x.example', source: 'src', patternSyntax: 'glob' },
    ],
    ...extra,
  };
}

describe('canonical JSON and checksum', () => {
  it('sorts keys by UTF-16 code units (RFC 8785 §3.2.3 example) without whitespace', () => {
    const obj = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Order given by RFC 8785 section 3.2.3 (property sorting example).
    expect(canonicalJson(obj).startsWith('{"\\r":"Carriage Return","1":"One","\u0080":"Control","ö"')).toBe(
      true,
    );
    expect(canonicalJson(obj)).toBe(
      '{"\\r":"Carriage Return","1":"One","\u0080":"Control","\u00f6":"Latin Small Letter O With Diaeresis","\u20ac":"Euro Sign","\ud83d\ude00":"Emoji: Grinning Face","\ufb33":"Hebrew Letter Dalet With Dagesh"}',
    );
    expect(canonicalJson({ b: [1, 'x', { d: null, c: true }], a: 1.5 })).toBe(
      '{"a":1.5,"b":[1,"x",{"c":true,"d":null}]}',
    );
  });

  it('matches an independent implementation (Python json.dumps(sort_keys=True, separators=(",",":")) + hashlib.sha256)', () => {
    const p = {
      schema: 'chainhunt-intel/1',
      id: 't',
      name: 'T',
      version: '1',
      sources: [{ id: 's', name: 'S' }],
      indicators: [
        { type: 'md5', value: '0123456789abcdef0123456789abcdef', source: 's', description: 'café €' },
      ],
    };
    expect(packChecksum({ ...p, checksum: 'sha256:ignored' })).toBe(
      'sha256:6d136912d8621b23841950f681f098c9f853071dbb3476befb64ca7589f0aecd',
    );
  });

  it('refuses values without a canonical form', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(/nesting/);
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(/non-finite/);
  });
});

describe('parsePack', () => {
  it('loads a sealed pack, normalises values and drops each bad record with an issue', () => {
    const r = parse(sealPack(basePack()));
    expect(r.info).toMatchObject({ id: 'test-pack', checksum: 'verified' });
    expect(r.intel.sources).toEqual([
      { id: 'src', name: 'Source', url: 'https://example.org/', license: 'CC0-1.0' },
    ]);
    const adv = r.intel.advisories[0]!;
    expect(adv.references).toEqual(['https://example.org/adv']);
    expect(adv.affected).toHaveLength(1);
    expect(adv.affected[0]).toEqual({
      product: { names: ['Example App'], excludeNames: ['Example App Server'] },
      platform: 'windows',
      versions: ['1.2.3'],
      ranges: [{ introduced: '1.0', lastAffected: '1.2.9' }],
      fixed: ['1.3.0'],
    });
    const values = r.intel.indicators.map((i) => `${i.type}:${i.value}`);
    expect(values).toEqual([
      'sha256:aa124a4b4df12b34e74ee7f6c683b2ebec4ce9a8edcf9be345823b4fdcf5d868',
      'domain:evil.example.com',
      'url:https://evil.example.com/Path',
      'filename:\\\\evil\\.dll$',
      'ip:198.51.100.7',
    ]);
    expect(r.intel.indicators[0]!.advisoryId).toBe('ADV-1');
    expect(r.intel.indicators[3]).toMatchObject({
      patternSyntax: 'regex',
      excludePattern: '\\\\Windows\\\\',
      score: 80,
    });
    expect(r.intel.indicators[4]!.advisoryId).toBeUndefined();
    const msgs = r.issues.map((i) => `${i.code} ${i.message}`);
    const expectIssue = (re: RegExp) =>
      expect(
        msgs.some((m) => re.test(m)),
        `${re} in\n${msgs.join('\n')}`,
      ).toBe(true);
    expectIssue(/^invalid-value \/advisories\/0\/references\/1 dropped/);
    expectIssue(/^invalid-value \/advisories\/0\/affected\/1 dropped: .*fixed and lastAffected/);
    expectIssue(/^unsupported \/indicators\/4 dropped: regex not supported by RE2/);
    expectIssue(/^invalid-value \/indicators\/5 dropped: md5 value is not hexadecimal/);
    expectIssue(/^unsupported \/indicators\/6 dropped: indicator type "registry-key"/);
    expectIssue(/^invalid-value \/indicators\/7 dropped: source nobody is not declared/);
    expectIssue(/^duplicate \/indicators\/8 dropped/);
    expectIssue(/^invalid-value \/indicators\/9: advisoryId NOPE/);
    expectIssue(/^invalid-value \/indicators\/10 dropped: patternSyntax/);
    expect(r.issues).toHaveLength(9);
    for (const i of r.issues)
      expect(i).toMatchObject({ file: 'p.chainhunt.json', pluginId: 'intel/chainhunt-pack' });
  });

  it('refuses a pack whose checksum does not match', () => {
    const sealed = sealPack(basePack());
    const tampered = {
      ...sealed,
      indicators: [{ type: 'domain', value: 'innocent.example', source: 'src' }],
    };
    const r = parse(tampered);
    expect(codes(r)).toEqual(['checksum-mismatch']);
    expect(r.intel.indicators).toHaveLength(0);
    expect(r.intel.advisories).toHaveLength(0);
    expect(r.info).toBeUndefined();
  });

  it('verifies independently of formatting and key order', () => {
    const sealed = sealPack(basePack());
    const reordered = Object.fromEntries(Object.entries(sealed).reverse());
    const r = parse(JSON.stringify(reordered, null, '\t'));
    expect(r.info?.checksum).toBe('verified');
  });

  it('loads a pack without checksum but says so', () => {
    const r = parse(basePack());
    expect(r.info?.checksum).toBe('missing');
    expect(r.issues[0]).toMatchObject({
      code: 'invalid-value',
      message: expect.stringMatching(/no checksum/),
    });
    expect(r.intel.indicators.length).toBe(5);
  });

  it('refuses malformed checksums, other format versions and non-packs', () => {
    expect(codes(parse({ ...basePack(), checksum: 'md5:abc' }))).toEqual(['checksum-mismatch']);
    expect(codes(parse({ ...basePack(), schema: 'chainhunt-intel/2' }))).toEqual(['unsupported']);
    expect(codes(parse({ hello: 'world' }))).toEqual(['parse-error']);
    expect(codes(parse([1, 2]))).toEqual(['parse-error']);
    const noName = basePack();
    delete noName['name'];
    expect(codes(parse(sealPack(noName)))).toEqual(['parse-error']);
  });

  it('turns corrupted input into issues', () => {
    const good = JSON.stringify(sealPack(basePack()), null, 2);
    expect(codes(parsePack(Buffer.alloc(0), opts))).toEqual(['empty']);
    expect(codes(parse(good.slice(0, good.length / 2)))).toEqual(['truncated']);
    expect(codes(parsePack(Buffer.from([0x7b, 0x22, 0xe9, 0xff, 0x22, 0x7d]), opts))).toEqual(['encoding']);
    const garbage = Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 7919 + 13) % 256));
    expect(codes(parsePack(garbage, opts))).toEqual(['encoding']);
    expect(codes(parse('['.repeat(200_000)))).toHaveLength(1);
    // UTF-16LE with BOM is still a pack.
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(good, 'utf16le')]);
    expect(parsePack(utf16, opts).info?.checksum).toBe('verified');
  });

  it('never throws on arbitrary bytes or JSON', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        const r = parsePack(Buffer.from(bytes), opts);
        expect(Array.isArray(r.issues)).toBe(true);
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const r = parse({
          ...basePack(),
          indicators: [v],
          advisories: [v],
          sources: [v, { id: 'src', name: 'S' }],
        });
        expect(r.issues.length + r.intel.indicators.length).toBeGreaterThan(0);
      }),
      { numRuns: 300 },
    );
  });
});

describe('chainhuntPackImporter', () => {
  it('claims *.chainhunt.json by name and other JSON by content', () => {
    expect(chainhuntPackImporter.matches(fileRef('intel/x/3cx.chainhunt.json'))).toBe(true);
    expect(chainhuntPackImporter.matches(fileRef('intel/x/3cx.json'))).toBe(false);
    expect(chainhuntPackImporter.sniff(Buffer.from('{\n  "schema" : "chainhunt-intel/1", "id": "x"'))).toBe(
      true,
    );
    expect(chainhuntPackImporter.sniff(Buffer.from('{"schema":"https://json-schema.org"}'))).toBe(false);
    expect(chainhuntPackImporter.sniff(Buffer.from('{"schema": "chainhunt-intel/1"}', 'utf16le'))).toBe(true);
  });

  it('imports through the plugin interface', async () => {
    const content = Buffer.from(JSON.stringify(sealPack(basePack())));
    const r = await Promise.resolve(
      chainhuntPackImporter.import({
        file: fileRef('a.chainhunt.json', content.length),
        content,
        signal: new AbortController().signal,
      }),
    );
    expect(r.intel.indicators).toHaveLength(5);
    expect(r.issues.every((i) => i.pluginId === 'intel/chainhunt-pack')).toBe(true);
  });
});
