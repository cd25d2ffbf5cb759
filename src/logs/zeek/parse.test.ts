import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import { parseIsoSeconds, parseZeekLog, unescapeZeek, zeekLogTypeFromName } from './parse.js';
import { decodeLogBuffer, readZeekFile } from './read.js';

const T = '\t';
const header = (path: string, fields: string[], types: string[]): string =>
  [
    '#separator \\x09',
    `#set_separator${T},`,
    `#empty_field${T}(empty)`,
    `#unset_field${T}-`,
    `#path${T}${path}`,
    `#fields${T}${fields.join(T)}`,
    `#types${T}${types.join(T)}`,
  ].join('\n');

describe('parseZeekLog (TSV)', () => {
  const fields = ['ts', 'uid', 'id.orig_h', 'id.orig_p', 'query', 'answers', 'TTLs', 'AA', 'tunnel_parents'];
  const types = [
    'time',
    'string',
    'addr',
    'port',
    'string',
    'vector[string]',
    'vector[interval]',
    'bool',
    'set[string]',
  ];
  const text = [
    header('dns', fields, types),
    [
      '1521911720.865716',
      'Cq1',
      '10.47.1.100',
      '41772',
      'ise.wrccdc.org',
      'a.example,134.71.3.16',
      '2230.000000,41830.000000',
      'F',
      '(empty)',
    ].join(T),
    ['1521911721.5', 'Cq2', '10.47.1.101', '41773', 'tab\\x09in\\x2cname', '-', '-', 'T', '-'].join(T),
    '#close\t2024-01-01-00-00-00',
    '',
  ].join('\n');

  it('types values, splits containers, drops unset fields and decodes \\x escapes', () => {
    const r = parseZeekLog(text, { file: 'dns.log' });
    expect(r.issues).toEqual([]);
    expect(r.format).toBe('tsv');
    expect(r.records).toHaveLength(2);
    const [a, b] = r.records;
    expect(a!.logPath).toBe('dns');
    expect(a!.line).toBe(8);
    expect(a!.fields).toEqual({
      ts: 1521911720.865716,
      uid: 'Cq1',
      'id.orig_h': '10.47.1.100',
      'id.orig_p': 41772,
      query: 'ise.wrccdc.org',
      answers: ['a.example', '134.71.3.16'],
      TTLs: [2230, 41830],
      AA: false,
      tunnel_parents: [],
    });
    expect(b!.fields['query']).toBe('tab\tin,name');
    expect('answers' in b!.fields).toBe(false);
    expect(b!.fields['AA']).toBe(true);
  });

  it('reports a line cut short at the end of the file as truncated, and keeps earlier records', () => {
    const cut = text.slice(0, text.indexOf('Cq2') + 12);
    const r = parseZeekLog(cut, { file: 'dns.log' });
    expect(r.records).toHaveLength(1);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([['truncated', 9]]);
  });

  it('reports a bad middle line as parse-error and an invalid count as invalid-value', () => {
    const t2 = [
      header('conn', ['ts', 'orig_bytes'], ['time', 'count']),
      '1.0',
      '2.0\tx12',
      '3.0\t7',
      '',
    ].join('\n');
    const r = parseZeekLog(t2, { file: 'conn.log' });
    expect(r.records.map((x) => x.fields['orig_bytes'])).toEqual(['x12', 7]);
    expect(r.issues.map((i) => i.code)).toEqual(['parse-error', 'invalid-value']);
  });

  it('reports unknown types as unsupported and keeps the value as text', () => {
    const t2 = [header('http', ['ts', 'weird'], ['time', 'int64']), '1.0\tbingbong', ''].join('\n');
    const r = parseZeekLog(t2);
    expect(r.records[0]!.fields['weird']).toBe('bingbong');
    expect(r.issues.map((i) => i.code)).toEqual(['unsupported']);
  });

  it('re-reads headers when rotated logs are concatenated', () => {
    const t2 = [
      header('conn', ['ts', 'a'], ['time', 'count']),
      '1.0\t1',
      header('dns', ['ts', 'b', 'c'], ['time', 'string', 'count']),
      '2.0\tx\t3',
      '',
    ].join('\n');
    const r = parseZeekLog(t2);
    expect(r.records.map((x) => [x.logPath, x.fields])).toEqual([
      ['conn', { ts: 1, a: 1 }],
      ['dns', { ts: 2, b: 'x', c: 3 }],
    ]);
  });

  it('never throws on hostile input', () => {
    for (const junk of [
      '#fields',
      '\u0000\u0001',
      '{"ts":',
      '#separator',
      '#separator \\x',
      '{}\n[1,2]\nnull',
      '-\t-\t-',
    ]) {
      expect(() => parseZeekLog(junk)).not.toThrow();
    }
  });
});

describe('parseZeekLog (JSON)', () => {
  it('flattens nested objects, converts ISO times with microseconds and takes _path', () => {
    const r = parseZeekLog(
      '{"_path":"ssl","ts":"2018-03-24T17:15:20.865716Z","id":{"orig_h":"1.2.3.4"},"server_name":"x.test","n":null}\n',
    );
    expect(r.records[0]!.logPath).toBe('ssl');
    expect(r.records[0]!.fields['ts']).toBeCloseTo(1521911720.865716, 6);
    expect(r.records[0]!.fields['id.orig_h']).toBe('1.2.3.4');
    expect('n' in r.records[0]!.fields).toBe(false);
  });

  it('parses Zeek TSV and JSON forms of the same record into the same fields', () => {
    const tsv = [
      header(
        'conn',
        ['ts', 'id.orig_h', 'id.resp_p', 'local_orig', 'tunnel_parents'],
        ['time', 'addr', 'port', 'bool', 'set[string]'],
      ),
      '1517336042.279652\t192.168.88.2\t53\tT\ta,b',
      '',
    ].join('\n');
    const json =
      '{"ts":1517336042.279652,"id.orig_h":"192.168.88.2","id.resp_p":53,"local_orig":true,"tunnel_parents":["a","b"],"_path":"conn"}';
    const a = parseZeekLog(tsv).records[0]!;
    const b = parseZeekLog(json).records[0]!;
    expect(b.fields).toEqual(a.fields);
    expect(b.logPath).toBe(a.logPath);
  });
});

describe('helpers', () => {
  it('names log types from rotated, open_ and _json file names', () => {
    expect(zeekLogTypeFromName('conn.12:00:00-13:00:00.log.gz')).toEqual({ type: 'conn', open: false });
    expect(zeekLogTypeFromName('open_conn.log')).toEqual({ type: 'conn', open: true });
    expect(zeekLogTypeFromName('conn_json.log')).toEqual({ type: 'conn', open: false });
    expect(zeekLogTypeFromName('conn-summary.00:00:00-01:00:00.log.gz')).toEqual({
      type: 'conn-summary',
      open: false,
    });
    expect(zeekLogTypeFromName('dns.json.gz')).toEqual({ type: 'dns', open: false });
    expect(zeekLogTypeFromName('README')).toBeNull();
  });
  it('unescapes multi-byte UTF-8 written as \\x bytes', () => {
    expect(unescapeZeek('caf\\xc3\\xa9')).toBe('café');
    expect(unescapeZeek('a\\\\b')).toBe('a\\b');
    expect(unescapeZeek('\\xZZ')).toBe('\\xZZ');
  });
  it('parses ISO times with offsets', () => {
    expect(parseIsoSeconds('1970-01-01T01:00:00.5+01:00')).toBe(0.5);
  });
  it('gunzips buffers and reports a cut gzip stream as truncated', () => {
    const plain = Buffer.from('#fields\tts\n' + 'x'.repeat(5000));
    const gz = gzipSync(plain);
    expect(decodeLogBuffer(gz, 'a.log.gz').text).toBe(plain.toString());
    const cut = decodeLogBuffer(gz.subarray(0, gz.length - 30), 'a.log.gz');
    expect(cut.issues.map((i) => i.code)).toContain('truncated');
  });
});

describe('RITA test datasets', () => {
  const rita = (...p: string[]): string => sharedData('zeek', 'rita', ...p);
  const parseFile = (p: string): ReturnType<typeof parseZeekLog> =>
    parseZeekLog(readFileSync(p, 'utf8'), {
      file: p,
      pathHint: zeekLogTypeFromName(p.split('/').pop()!)?.type,
    });

  it('truncated/: cut TSV, cut JSON and headerless TSV give issues, not crashes', () => {
    const conn = parseFile(rita('truncated', 'conn.log'));
    expect(conn.records.length).toBeGreaterThan(50);
    expect(conn.issues.map((i) => i.code)).toContain('truncated');
    const json = parseFile(rita('truncated', 'conn_json.log'));
    expect(json.records).toHaveLength(3);
    expect(json.issues.map((i) => [i.code, i.line])).toEqual([['truncated', 4]]);
    const top = parseFile(rita('truncated', 'conn_top.log'));
    expect(top.records).toHaveLength(0);
    expect(top.issues[0]!.code).toBe('parse-error');
  });

  it('has_unknown_field/: the unknown field is kept as text with an unsupported issue', () => {
    const r = parseFile(rita('has_unknown_field', 'http.log'));
    expect(r.records.length).toBeGreaterThan(0);
    expect(r.issues.some((i) => i.code === 'unsupported' && i.message.includes('i_dont_exist'))).toBe(true);
    expect(r.records.some((x) => x.fields['i_dont_exist'] === 'bingbong')).toBe(true);
  });

  it('streams gzip files with the same result as whole-text parsing', async () => {
    const f = rita('missing_host', '2024-04-19', 'dns.12:00:00-13:00:00.log.gz');
    const whole = parseZeekLog(decodeLogBuffer(readFileSync(f), f).text, { file: f });
    const streamed: unknown[] = [];
    const sum = await readZeekFile(f, (r) => streamed.push(r), { file: f });
    expect(sum.records).toBe(whole.records.length);
    expect(streamed).toEqual(whole.records);
    expect(whole.records.length).toBeGreaterThan(0);
  });
});

describe('zeekTimeToIso', () => {
  it('agrees with Date#toISOString for any time (property)', async () => {
    const fc = await import('fast-check');
    const { zeekTimeToIso } = await import('./parse.js');
    fc.assert(
      fc.property(
        fc.double({ min: -1e10, max: 1e11, noNaN: true }),
        (t) => zeekTimeToIso(t) === new Date(Math.round(t * 1000)).toISOString(),
      ),
    );
  });
});
