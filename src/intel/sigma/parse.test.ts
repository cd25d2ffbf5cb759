import { describe, expect, it } from 'vitest';
import { fileRef } from '../../../test/fixtures.js';
import { sigmaImporter } from './index.js';
import { levelToSeverity, parseSigmaFile } from './parse.js';
import type { SigmaRuleBody } from './types.js';

const body = (r: { body?: unknown }) => r.body as SigmaRuleBody;

describe('parseSigmaFile', () => {
  it('keeps metadata (DRL 1.1: author and references) and the parsed detection', () => {
    const { rules, issues } = parseSigmaFile(
      `title: Susp
id: 11111111-2222-3333-4444-555555555555
status: test
level: critical
author: A. Author
references: [https://example.com/a]
tags: [attack.execution]
logsource: { product: Windows, category: Process_Creation }
detection:
  sel: { GrantedAccess: 0x1F0FFF, EventID: 10, Port: 0445, Flag: true, Empty: null }
  condition: sel
`,
      'r.yml',
    );
    expect(issues).toEqual([]);
    expect(rules).toHaveLength(1);
    const r = rules[0]!;
    expect(r).toMatchObject({
      id: '11111111-2222-3333-4444-555555555555',
      format: 'sigma',
      source: 'sigma',
      level: 'critical',
      status: 'test',
      author: 'A. Author',
      references: ['https://example.com/a'],
      tags: ['attack.execution'],
      file: 'r.yml',
    });
    expect(body(r).logsource).toEqual({ product: 'windows', category: 'process_creation' });
    // plain numbers keep their source text so hex and leading zeros survive
    expect(body(r).detection?.['sel']).toEqual({
      GrantedAccess: '0x1F0FFF',
      EventID: '10',
      Port: '0445',
      Flag: true,
      Empty: null,
    });
  });

  it('handles action: global, reset and repeat', () => {
    const { rules, issues } = parseSigmaFile(
      `action: global
title: G
detection: { s: { A: 1 }, condition: s }
---
id: a
logsource: { category: x }
---
action: repeat
id: b
---
action: reset
---
title: H
id: c
logsource: { category: y }
detection: { t: { B: 2 }, condition: t }
`,
      'm.yml',
    );
    expect(issues).toEqual([]);
    expect(
      rules.map((r) => [r.id, r.title, body(r).logsource.category, Object.keys(body(r).detection ?? {})]),
    ).toEqual([
      ['a', 'G', 'x', ['s', 'condition']],
      ['b', 'G', 'x', ['s', 'condition']],
      ['c', 'H', 'y', ['t', 'condition']],
    ]);
  });

  it('reports YAML errors and broken rules with the file, and ignores YAML that is not a rule', () => {
    const bad = parseSigmaFile('title: [unclosed\n', 'bad.yml');
    expect(bad.rules).toEqual([]);
    expect(bad.issues[0]).toMatchObject({ code: 'parse-error', file: 'bad.yml', pluginId: 'intel/sigma' });
    const noCond = parseSigmaFile('title: x\nlogsource: {}\ndetection: { s: { A: 1 } }\n', 'nc.yml');
    expect(noCond.issues[0]?.message).toMatch(/without condition/);
    const info = parseSigmaFile('id: x\ndescription: N/A\nrule_metadata: [{ id: y }]\n', 'info.yml');
    expect(info).toEqual({ rules: [], issues: [] });
  });

  it('parses correlation and filter blocks', () => {
    const { rules, issues } = parseSigmaFile(
      `title: C
id: c
correlation: { type: event_count, rules: base, group-by: [User], timespan: 1h, condition: { gte: 5 } }
---
title: F
id: f
logsource: { product: windows }
filter: { rules: [base], sel: { User: x }, condition: not sel }
`,
      'cf.yml',
    );
    expect(issues).toEqual([]);
    expect(body(rules[0]!).correlation).toEqual({
      type: 'event_count',
      rules: ['base'],
      groupBy: ['User'],
      timespan: '1h',
      condition: { gte: '5' },
      generate: false,
      aliases: {},
    });
    expect(body(rules[1]!).filter).toEqual({
      rules: ['base'],
      detection: { sel: { User: 'x' }, condition: 'not sel' },
    });
  });

  it('bounds alias expansion (billion laughs)', () => {
    const lol = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
    for (let i = 1; i < 9; i++)
      lol.push(
        `${'b'.repeat(i)}: &${'b'.repeat(i)} [${Array(10)
          .fill(`*${i === 1 ? 'a' : 'b'.repeat(i - 1)}`)
          .join(', ')}]`,
      );
    const { issues } = parseSigmaFile(
      `title: t\n${lol.join('\n')}\ndetection: { s: { A: 1 }, condition: s }\n`,
      'lol.yml',
    );
    expect(issues[0]?.code).toBe('limit-exceeded');
  });

  it('maps levels', () => {
    expect(levelToSeverity('informational')).toBe('info');
    expect(levelToSeverity('HIGH')).toBe('high');
    expect(levelToSeverity('weird')).toBeUndefined();
  });
});

describe('sigmaImporter', () => {
  const signal = new AbortController().signal;
  it('imports a rule file with a DRL source', () => {
    const content = Buffer.from(
      'title: t\nid: i\nlogsource: { category: proxy }\ndetection: { s: { cs-host: x }, condition: s }\n',
    );
    const r = sigmaImporter.import({ file: fileRef('rules/t.yml', content.length), content, signal });
    expect(r.issues).toEqual([]);
    expect(r.intel.rules.map((x) => x.id)).toEqual(['i']);
    expect(r.intel.sources[0]).toMatchObject({ id: 'sigma', license: 'DRL-1.1' });
    expect(sigmaImporter.matches(fileRef('x/Rule.YML'))).toBe(true);
    expect(sigmaImporter.matches(fileRef('x/rule.json'))).toBe(false);
  });
  it('reports undecodable content', () => {
    const content = Buffer.from([0x74, 0xff, 0xfe, 0xfd, 0x80]);
    const r = sigmaImporter.import({ file: fileRef('b.yml', content.length), content, signal });
    expect(r.issues[0]?.code).toBe('encoding');
  });
});
