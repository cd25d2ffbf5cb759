import { describe, expect, it } from 'vitest';
import { mergeSections, normaliseKeyPath, parseRegFile } from './parse.js';

const utf16 = (s: string): Buffer => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]);
const H5 = 'Windows Registry Editor Version 5.00\r\n\r\n';

describe('parseRegFile', () => {
  it('decodes strings with escapes, dword, default value and deletions', () => {
    const { document, issues } = parseRegFile(
      utf16(
        `${H5}[HKEY_LOCAL_MACHINE\\SOFTWARE\\X]\r\n@="def"\r\n"a"="C:\\\\dir\\\\ \\"q\\""\r\n"n"=dword:0000ffff\r\n"gone"=-\r\n`,
      ),
      'x.reg',
    );
    expect(issues).toEqual([]);
    expect(document?.format).toBe('regedit5');
    expect(document?.encoding).toBe('utf-16le');
    const values = document?.sections[0]?.values ?? [];
    expect(values.map((v) => [v.name, v.data, v.line])).toEqual([
      ['', { type: 'sz', value: 'def' }, 4],
      ['a', { type: 'sz', value: 'C:\\dir\\ "q"' }, 5],
      ['n', { type: 'dword', value: 65535 }, 6],
      ['gone', { type: 'delete' }, 7],
    ]);
  });

  it('joins "\\" continuations and decodes hex(2) as UTF-16LE, hex(7) as a list and hex(b) as a qword', () => {
    // "%TEMP%\x" as UTF-16LE with terminator, split across three physical lines.
    const expand = [...Buffer.from('%TEMP%\\x\u0000', 'utf16le')].map((b) => b.toString(16).padStart(2, '0'));
    const text =
      `${H5}[HKEY_CURRENT_USER\\K]\r\n"e"=hex(2):${expand.slice(0, 6).join(',')},\\\r\n  ${expand.slice(6, 12).join(',')},\\\r\n  ${expand.slice(12).join(',')}\r\n` +
      `"m"=hex(7):61,00,00,00,62,00,63,00,00,00,00,00\r\n"q"=hex(b):01,00,00,00,00,00,00,80\r\n"b"=hex:de,ad,BE,ef\r\n"z"=hex:\r\n"after"="ok"\r\n`;
    const { document, issues } = parseRegFile(utf16(text), 'x.reg');
    expect(issues).toEqual([]);
    const v = Object.fromEntries((document?.sections[0]?.values ?? []).map((x) => [x.name, x]));
    expect(v['e']?.data).toEqual({ type: 'expand-sz', value: '%TEMP%\\x' });
    expect(v['e']?.line).toBe(4);
    expect(v['m']?.data).toEqual({ type: 'multi-sz', value: ['a', 'bc'] });
    expect(v['q']?.data).toEqual({ type: 'qword', value: 0x8000000000000001n });
    expect(v['b']?.data).toEqual({
      type: 'binary',
      typeCode: 3,
      value: new Uint8Array([0xde, 0xad, 0xbe, 0xef]),
    });
    expect(v['z']?.data).toEqual({ type: 'binary', typeCode: 3, value: new Uint8Array([]) });
    expect(v['after']?.line).toBe(11);
  });

  it('reads REGEDIT4 as windows-1252 with 8-bit hex(2) strings', () => {
    const text =
      'REGEDIT4\r\n\r\n[HKEY_CURRENT_USER\\K]\r\n"p"="Soci\xe9t\xe9"\r\n"e"=hex(2):25,41,25,00\r\n';
    const { document, issues } = parseRegFile(Buffer.from(text, 'latin1'), 'x.reg');
    expect(issues).toEqual([]);
    expect(document?.format).toBe('regedit4');
    expect(document?.encoding).toBe('windows-1252');
    expect(document?.sections[0]?.values.map((x) => x.data)).toEqual([
      { type: 'sz', value: 'Société' },
      { type: 'expand-sz', value: '%A%' },
    ]);
  });

  it('keeps a string value that spans lines (embedded newline)', () => {
    const { document, issues } = parseRegFile(
      utf16(`${H5}[HKCU\\K]\r\n"s"="one\r\ntwo"\r\n"t"="x"\r\n`),
      'x.reg',
    );
    expect(issues).toEqual([]);
    expect(document?.sections[0]?.path).toBe('HKEY_CURRENT_USER\\K');
    expect(document?.sections[0]?.values.map((x) => x.data)).toEqual([
      { type: 'sz', value: 'one\ntwo' },
      { type: 'sz', value: 'x' },
    ]);
  });

  it('reports malformed lines with their line numbers and keeps going', () => {
    const text = `${H5}"orphan"="x"\r\n[HKLM\\A]\r\nnot a value\r\n"d"=dword:xyz\r\n"h"=hex:1,zz\r\n"u"=str:foo\r\n[NOPE\\B]\r\n"skipped"="x"\r\n[HKLM\\C]\r\n"ok"="yes"\r\n`;
    const { document, issues } = parseRegFile(utf16(text), 'bad.reg');
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['parse-error', 3],
      ['parse-error', 5],
      ['unsupported', 6],
      ['parse-error', 7],
      ['unsupported', 8],
      ['invalid-value', 9],
    ]);
    expect(issues.every((i) => i.file === 'bad.reg')).toBe(true);
    expect(document?.sections.map((s) => s.path)).toEqual(['HKEY_LOCAL_MACHINE\\A', 'HKEY_LOCAL_MACHINE\\C']);
    expect(document?.sections[1]?.values[0]?.data).toEqual({ type: 'sz', value: 'yes' });
  });

  it('reports a missing header, truncation in a continuation and an odd UTF-16 byte count', () => {
    expect(parseRegFile(Buffer.from('[HKLM\\A]\n'), 'a.reg').issues.map((i) => [i.code, i.line])).toEqual([
      ['parse-error', 1],
    ]);
    const cut = parseRegFile(utf16(`${H5}[HKLM\\A]\r\n"b"=hex:01,02,\\\r\n`), 'a.reg');
    expect(cut.issues.map((i) => [i.code, i.line])).toEqual([['truncated', 4]]);
    const odd = Buffer.concat([utf16(`${H5}[HKLM\\A]\r\n"x"="y"\r\n`), Buffer.from([0x41])]);
    const r = parseRegFile(odd, 'a.reg');
    expect(r.issues.map((i) => i.code)).toEqual(['truncated']);
    expect(r.issues[0]?.offset).toBe(odd.length - 1);
    expect(r.document?.sections[0]?.values).toHaveLength(1);
  });

  it('rejects binary garbage and empty files with one issue each', () => {
    expect(parseRegFile(Buffer.alloc(0), 'e.reg').issues.map((i) => i.code)).toEqual(['empty']);
    const g = parseRegFile(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x00, 0x01, 0xff]), 'g.reg');
    expect(g.document).toBeNull();
    expect(g.issues.map((i) => [i.code, i.offset])).toEqual([['encoding', 4]]);
  });

  it('mergeSections applies repeated sections, [-key] deletions of subtrees and value deletions', () => {
    const text = `${H5}[HKLM\\S\\A]\r\n"x"="1"\r\n"y"="2"\r\n[HKLM\\S\\A\\Sub]\r\n"z"="3"\r\n[hklm\\s\\a]\r\n"X"="4"\r\n"y"=-\r\n[HKLM\\S\\B]\r\n"k"="v"\r\n[-HKEY_LOCAL_MACHINE\\S\\B]\r\n`;
    const { document } = parseRegFile(utf16(text), 'm.reg');
    const keys = mergeSections(document!);
    expect([...keys.values()].map((k) => k.path)).toEqual([
      'HKEY_LOCAL_MACHINE\\S\\A',
      'HKEY_LOCAL_MACHINE\\S\\A\\Sub',
    ]);
    const a = keys.get('hkey_local_machine\\s\\a');
    expect([...(a?.values.values() ?? [])].map((v) => [v.name, v.data])).toEqual([
      ['X', { type: 'sz', value: '4' }],
    ]);
  });

  it('normaliseKeyPath expands root abbreviations and rejects unknown roots', () => {
    expect(normaliseKeyPath('HKU\\S-1-5-18\\Software\\')).toBe('HKEY_USERS\\S-1-5-18\\Software');
    expect(normaliseKeyPath('HKEY_FOO\\x')).toBeNull();
    expect(normaliseKeyPath('')).toBeNull();
  });
});
