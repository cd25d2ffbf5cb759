import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import { sigbaseFilenameIocsImporter } from './index.js';
import { parseFilenameIocs } from './parse.js';

const ID = 'intel/sigbase-filename-iocs';
const parse = (text: string, file = 'filename-iocs.txt') => parseFilenameIocs(Buffer.from(text), file, ID);
const valueLines = (text: string) =>
  text.split(/\r\n|\n|\r/).filter((l) => l.trim() !== '' && !l.trim().startsWith('#')).length;

describe('parseFilenameIocs', () => {
  it('reads REGEX;SCORE[;FP-REGEX] with the comment above as description', () => {
    const r = parse(
      '# Example APT\n\\\\evil\\.exe;80\n(?i)\\\\procdump(64)?\\.exe;50;(?i)(SysInternals\\\\)\n',
    );
    expect(r.issues).toEqual([]);
    expect(r.intel.indicators).toEqual([
      {
        type: 'filename',
        value: '\\\\evil\\.exe',
        source: 'sigbase',
        sourceRef: 'filename-iocs.txt:2',
        patternSyntax: 'regex',
        score: 80,
        severity: 'high',
        description: 'Example APT',
      },
      {
        type: 'filename',
        value: '(?i)\\\\procdump(64)?\\.exe',
        source: 'sigbase',
        sourceRef: 'filename-iocs.txt:3',
        patternSyntax: 'regex',
        score: 50,
        severity: 'low',
        excludePattern: '(?i)(SysInternals\\\\)',
        description: 'Example APT',
      },
    ]);
  });

  it('reports regexes RE2 cannot run (backreferences, lookaround) as unsupported, and bad lines', () => {
    const r = parse(
      [
        '(a)\\1;50',
        'foo(?=bar);50',
        'ok\\.exe;60;(?<!x)y',
        'no-score',
        'x;high',
        'x;101',
        'a;1;b;c',
        '[unclosed;50',
      ].join('\n'),
    );
    expect(r.intel.indicators).toEqual([]);
    expect(r.issues.map((i) => [i.code, i.line])).toEqual([
      ['unsupported', 1],
      ['unsupported', 2],
      ['unsupported', 3],
      ['parse-error', 4],
      ['invalid-value', 5],
      ['invalid-value', 6],
      ['unsupported', 7],
      ['unsupported', 8],
    ]);
    expect(r.issues[0]!.message).toMatch(/RE2/);
    expect(r.issues[2]!.message).toMatch(/false-positive regex/);
  });

  it('reads the full signature-base filename-iocs.txt: every value line is an indicator or an issue', () => {
    const text = readFileSync(sharedData('signature-base/iocs/filename-iocs.txt'), 'utf8');
    const r = parse(text);
    expect(r.totalLines).toBe(4563);
    expect(r.intel.indicators.length + r.issues.length).toBe(valueLines(text));
    // `awk -F';' 'NF==3'` on value lines: 30 lines carry a false-positive regex.
    expect(
      r.intel.indicators.filter((i) => i.excludePattern !== undefined).length +
        r.issues.filter((i) => /false-positive/.test(i.message)).length,
    ).toBe(30);
    const line = r.intel.indicators.find((i) => i.sourceRef === 'filename-iocs.txt:4243');
    expect(line).toMatchObject({
      value: '\\\\3CXDesktopApp-18\\.12\\.407\\.msi',
      score: 80,
      severity: 'high',
    });
    expect(line?.description).toMatch(
      /^3CX file name IOCs of malicious packages https:\/\/www\.volexity\.com/,
    );
    const wa = r.intel.indicators.find((i) => i.sourceRef === 'filename-iocs.txt:250');
    expect(wa?.excludePattern).toBe(
      '(\\\\WhatsApp|\\\\Prefetch\\\\|\\\\(Packages|WindowsApps)\\\\.{8}\\.WhatsAppDesktop)',
    );
  });

  it('reads the 3CX excerpt with the known patterns', () => {
    const r = parse(
      readFileSync(sharedData('3cx/raw/signature-base/filename-iocs.3cx-lines.txt'), 'utf8'),
      'filename-iocs.3cx-lines.txt',
    );
    expect(r.issues).toEqual([]);
    const values = r.intel.indicators.map((i) => `${i.value};${i.score}`);
    expect(values).toContain('C:\\\\Windows\\\\system32\\\\catroot2\\\\edb\\.chk\\.log;80');
    expect(values).toContain('\\\\Library\\\\Graphics\\\\Quartz$;75');
    expect(values).toContain('C:\\\\ProgramData\\\\TPM\\\\;60');
    expect(r.intel.indicators).toHaveLength(16);
  });
});

describe('sigbaseFilenameIocsImporter', () => {
  it('claims conventional names only', () => {
    for (const n of ['filename-iocs.txt', 'custom-filename-iocs.txt', 'filename-iocs.3cx-lines.txt'])
      expect(sigbaseFilenameIocsImporter.matches(fileRef(n)), n).toBe(true);
    for (const n of ['hash-iocs.txt', 'filenames.txt'])
      expect(sigbaseFilenameIocsImporter.matches(fileRef(n)), n).toBe(false);
  });
});
