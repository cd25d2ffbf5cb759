import { describe, expect, it } from 'vitest';
import type { LogEventObservation } from '../../core/observation.js';
import { parseSigmaFile } from '../../intel/sigma/parse.js';
import { parseCondition } from './condition.js';
import { SigmaEngine } from './engine.js';
import { parseMapping } from './mapping.js';
import { sigmaMatcher } from './index.js';
import { sigmaTimeline, timelineCsv, timelineJsonl } from './timeline.js';

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

function ev(
  data: Record<string, unknown>,
  opts: {
    eventId?: number | { '#text': number };
    channel?: string;
    time?: string;
    record?: number;
    host?: string;
  } = {},
): LogEventObservation {
  return {
    kind: 'log-event',
    host: opts.host ?? 'h1',
    collectorId: 'test',
    source: { file: 'e.json', offset: opts.record ?? 1 },
    event: {
      Event: {
        System: {
          EventID: opts.eventId ?? 1,
          Channel: opts.channel ?? SYSMON,
          Computer: 'pc1',
          EventRecordID: opts.record ?? 1,
          TimeCreated: { '#attributes': { SystemTime: opts.time ?? '2024-01-01T00:00:00Z' } },
        },
        EventData: data,
      },
    },
  };
}

function engineFor(yaml: string) {
  const { rules, issues } = parseSigmaFile(yaml, 'test.yml');
  expect(issues).toEqual([]);
  return new SigmaEngine(rules);
}

function rule(detection: string, extra = ''): string {
  return `title: T
id: r1
level: high
author: Someone
logsource: { product: windows, category: process_creation }
${extra}
detection:
${detection}
`;
}

const ids = (e: SigmaEngine, o: LogEventObservation) => e.match(o).map((f) => f.rule?.id);

describe('conditions', () => {
  it('parses precedence not > and > or', () => {
    expect(parseCondition('a or b and not c')).toEqual({
      k: 'or',
      items: [
        { k: 'id', name: 'a' },
        {
          k: 'and',
          items: [
            { k: 'id', name: 'b' },
            { k: 'not', item: { k: 'id', name: 'c' } },
          ],
        },
      ],
    });
    expect(() => parseCondition('a | count() > 5')).toThrow(/aggregation/);
    expect(() => parseCondition('(a or b')).toThrow(/missing \)/);
    expect(() => parseCondition('2 of sel*')).toThrow(/not supported/);
  });

  it('evaluates 1 of / all of with patterns and them (them ignores _ identifiers)', () => {
    const e = engineFor(
      rule(`  sel_a: { Image|endswith: '\\a.exe' }
  sel_b: { CommandLine|contains: 'x' }
  _aux: { User: 'nobody' }
  condition: all of sel_* and not 1 of them and 1 of _aux or (sel_a and 1 of them)`),
    );
    expect(ids(e, ev({ Image: 'C:\\a.exe', CommandLine: 'nope' }))).toEqual(['r1']);
    expect(ids(e, ev({ Image: 'C:\\b.exe', CommandLine: 'x' }))).toEqual([]);
  });

  it('a list of conditions is an OR', () => {
    const e = engineFor(rule(`  a: { Image: 'x' }\n  b: { Image: 'y' }\n  condition: [a, b]`));
    expect(ids(e, ev({ Image: 'Y' }))).toEqual(['r1']);
  });
});

describe('values and modifiers in rules', () => {
  it('lists are OR, maps are AND, list of maps is OR of ANDs', () => {
    const e = engineFor(
      rule(`  sel:
    - Image|endswith: ['\\cmd.exe', '\\pwsh.exe']
      CommandLine|contains: whoami
    - User: SYSTEM
  condition: sel`),
    );
    expect(ids(e, ev({ Image: 'C:\\cmd.exe', CommandLine: 'WHOAMI /all' }))).toEqual(['r1']);
    expect(ids(e, ev({ Image: 'C:\\cmd.exe', CommandLine: 'dir' }))).toEqual([]);
    expect(ids(e, ev({ User: 'system' }))).toEqual(['r1']);
  });

  it('contains|all needs every value', () => {
    const e = engineFor(rule(`  sel: { CommandLine|contains|all: [' -a', ' -b'] }\n  condition: sel`));
    expect(ids(e, ev({ CommandLine: 'x -b -a' }))).toEqual(['r1']);
    expect(ids(e, ev({ CommandLine: 'x -a' }))).toEqual([]);
  });

  it('cased keeps case; numbers keep their text (0x1F stays hex)', () => {
    const e = engineFor(
      rule(`  sel: { CommandLine|cased|contains: 'ABC', GrantedAccess: 0x1F }\n  condition: sel`),
    );
    expect(ids(e, ev({ CommandLine: 'xABCx', GrantedAccess: '0x1f' }))).toEqual(['r1']);
    expect(ids(e, ev({ CommandLine: 'xabcx', GrantedAccess: '0x1f' }))).toEqual([]);
    expect(ids(e, ev({ CommandLine: 'xABCx', GrantedAccess: '31' }))).toEqual([]);
  });

  it('null matches a missing or empty-element field; empty string matches an empty value; exists', () => {
    const e = engineFor(
      rule(`  n: { OriginalFileName: null }
  emp: { Description: '' }
  ex: { Company|exists: true }
  nex: { Product|exists: false }
  condition: n and emp and ex and nex`),
    );
    expect(ids(e, ev({ Description: '', Company: 'x' }))).toEqual(['r1']);
    expect(ids(e, ev({ OriginalFileName: null, Description: '', Company: 'x' }))).toEqual(['r1']);
    expect(ids(e, ev({ OriginalFileName: 'a.exe', Description: '', Company: 'x' }))).toEqual([]);
    expect(ids(e, ev({ Description: 'd', Company: 'x' }))).toEqual([]);
    expect(ids(e, ev({ Description: '' }))).toEqual([]);
    expect(ids(e, ev({ Description: '', Company: 'x', Product: 'p' }))).toEqual([]);
  });

  it('keywords search every field value (substring, case-insensitive)', () => {
    const e = engineFor(rule(`  kw: ['mimikatz', 'sekurlsa::*']\n  condition: kw`));
    expect(ids(e, ev({ CommandLine: 'run MimiKatz.exe' }))).toEqual(['r1']);
    expect(ids(e, ev({ ParentCommandLine: 'x sekurlsa::logonpasswords' }))).toEqual(['r1']);
    expect(ids(e, ev({ CommandLine: 'benign' }))).toEqual([]);
  });

  it('fieldref compares two fields of the event', () => {
    const e = engineFor(rule(`  sel: { ParentImage|fieldref: Image }\n  condition: sel`));
    expect(ids(e, ev({ Image: 'C:\\A.exe', ParentImage: 'c:\\a.exe' }))).toEqual(['r1']);
    expect(ids(e, ev({ Image: 'C:\\A.exe', ParentImage: 'c:\\b.exe' }))).toEqual([]);
  });

  it('base64offset|contains finds an encoded command', () => {
    const e = engineFor(
      rule(`  sel: { CommandLine|base64offset|contains: 'Invoke-Mimikatz' }\n  condition: sel`),
    );
    const enc = Buffer.from('xx; Invoke-Mimikatz -Dump').toString('base64');
    expect(ids(e, ev({ CommandLine: `powershell -enc ${enc}` }))).toEqual(['r1']);
    expect(
      ids(e, ev({ CommandLine: `powershell -enc ${Buffer.from('Invoke-Other').toString('base64')}` })),
    ).toEqual([]);
  });

  it('wide|base64offset finds UTF-16LE encoded PowerShell', () => {
    const e = engineFor(rule(`  sel: { CommandLine|wide|base64offset|contains: 'IEX' }\n  condition: sel`));
    const enc = Buffer.from('$a=1; IEX $b', 'utf16le').toString('base64');
    expect(ids(e, ev({ CommandLine: `powershell -e ${enc}` }))).toEqual(['r1']);
  });

  it('EventID given as {#text} and numbers in rules compare as text', () => {
    const e = engineFor(
      `title: S\nid: s1\nlogsource: { product: windows, service: security }\ndetection:\n  sel: { EventID: 4624, LogonType: 10 }\n  condition: sel\n`,
    );
    expect(ids(e, ev({ LogonType: 10 }, { eventId: { '#text': 4624 }, channel: 'Security' }))).toEqual([
      's1',
    ]);
    expect(ids(e, ev({ LogonType: 3 }, { eventId: 4624, channel: 'Security' }))).toEqual([]);
  });
});

describe('routing and mappings', () => {
  it('routes by channel and EventID: a Sysmon 1 rule is not tested on Sysmon 11', () => {
    const e = engineFor(rule(`  sel: { Image|endswith: '.exe' }\n  condition: sel`));
    expect(ids(e, ev({ Image: 'a.exe' }, { eventId: 1 }))).toEqual(['r1']);
    expect(ids(e, ev({ Image: 'a.exe' }, { eventId: 11 }))).toEqual([]);
    expect(ids(e, ev({ Image: 'a.exe' }, { eventId: 1, channel: 'Application' }))).toEqual([]);
  });

  it('Security 4688 events reach process_creation rules with Sysmon field names', () => {
    const e = engineFor(
      rule(`  sel: { Image|endswith: '\\whoami.exe', ParentImage|endswith: '\\cmd.exe' }\n  condition: sel`),
    );
    const o = ev(
      {
        NewProcessName: 'C:\\Windows\\System32\\whoami.exe',
        ParentProcessName: 'C:\\Windows\\System32\\cmd.exe',
      },
      { eventId: 4688, channel: 'Security' },
    );
    const f = e.match(o);
    expect(f.map((x) => x.rule?.id)).toEqual(['r1']);
    expect(f[0]!.evidence[0]!.found).toEqual({
      Image: 'C:\\Windows\\System32\\whoami.exe',
      ParentImage: 'C:\\Windows\\System32\\cmd.exe',
    });
  });

  it('accepts flat events: channel from the observation, or Sysmon inferred from the provider', () => {
    const e = engineFor(rule(`  sel: { Image|endswith: '\\x.exe' }\n  condition: sel`));
    const flat = (event: Record<string, unknown>, channel?: string): LogEventObservation => {
      const o: LogEventObservation = {
        kind: 'log-event',
        host: 'h',
        collectorId: 't',
        source: { file: 'f.jsonl' },
        event,
      };
      if (channel !== undefined) o.channel = channel;
      return o;
    };
    expect(ids(e, flat({ EventID: 1, Image: 'C:\\x.exe' }, SYSMON))).toEqual(['r1']);
    expect(
      ids(e, flat({ EventID: 1, Provider_Name: 'Microsoft-Windows-Sysmon', Image: 'C:\\x.exe' })),
    ).toEqual(['r1']);
    expect(ids(e, flat({ EventID: 1, Image: 'C:\\x.exe' }))).toEqual([]); // no channel, no provider: not routable
  });

  it('unrouted logsources compile but are listed', () => {
    const { rules } = parseSigmaFile(
      `title: L\nid: l1\nlogsource: { product: linux, category: process_creation }\ndetection:\n  s: { Image: x }\n  condition: s\n`,
      'l.yml',
    );
    const e = new SigmaEngine(rules);
    expect(e.stats.compiled).toBe(1);
    expect(e.stats.unrouted).toEqual([
      { file: 'l.yml', id: 'l1', logsource: 'product=linux category=process_creation service=' },
    ]);
  });

  it('the mapping file is validated strictly', () => {
    expect(() =>
      parseMapping('version: 1\nlogsources: [{ match: { product: windows }, sources: [] }]\n'),
    ).toThrow(/invalid Sigma mapping/);
    expect(() =>
      parseMapping('version: 1\nlogsources: []\nfields: [{ when: { chanel: x }, aliases: {} }]\n'),
    ).toThrow(/invalid Sigma mapping/);
  });
});

describe('unsupported constructs are reported and the rule skipped', () => {
  it.each([
    ['unknown modifier', `  s: { Image|foo: x }\n  condition: s`, /unknown modifier "foo"/],
    [
      'lookahead regex',
      `  s: { Image|re: '(?=a)b' }\n  condition: s`,
      /re: .*invalid or unsupported Perl syntax/,
    ],
    ['unresolved expand', `  s: { Image|expand: '%x%' }\n  condition: s`, /unresolved placeholder %x%/],
    ['aggregation', `  s: { Image: x }\n  condition: s | count() > 3`, /aggregation/],
    ['unknown identifier', `  s: { Image: x }\n  condition: t`, /unknown search identifier "t"/],
    ['wide without base64', `  s: { Image|wide: x }\n  condition: s`, /without a following base64/],
  ])('%s', (_name, det, reason) => {
    const { rules } = parseSigmaFile(rule(det), 'bad.yml');
    const e = new SigmaEngine(rules);
    expect(e.stats.compiled).toBe(0);
    expect(e.stats.unsupported[0]?.reason).toMatch(reason);
    expect(e.issues[0]).toMatchObject({ code: 'unsupported', file: 'bad.yml' });
    expect(e.rules).toHaveLength(0);
  });
});

describe('findings', () => {
  it('carry rule metadata, severity from level, the event subject and a stable id', () => {
    const e = engineFor(
      rule(
        `  sel: { Image|endswith: 'a.exe' }\n  condition: sel`,
        'references: [https://x]\ntags: [attack.t1059]\nstatus: test',
      ),
    );
    const [f] = e.match(ev({ Image: 'C:\\a.exe' }, { record: 42, time: '2024-05-01T10:00:00Z' }));
    expect(f).toMatchObject({
      kind: 'sigma',
      severity: 'high',
      host: 'h1',
      rule: {
        id: 'r1',
        title: 'T',
        level: 'high',
        status: 'test',
        author: 'Someone',
        references: ['https://x'],
        tags: ['attack.t1059'],
      },
      subject: {
        type: 'event',
        time: '2024-05-01T10:00:00Z',
        channel: SYSMON,
        eventId: 1,
        recordId: 42,
        computer: 'pc1',
      },
    });
    const [g] = e.match(ev({ Image: 'C:\\a.exe' }, { record: 42, time: '2024-05-01T10:00:00Z' }));
    expect(g!.id).toBe(f!.id);
    const [h] = e.match(ev({ Image: 'C:\\a.exe' }, { record: 43 }));
    expect(h!.id).not.toBe(f!.id);
  });

  it('informational level maps to info severity but keeps the Sigma level on the rule', () => {
    const e = engineFor(
      rule(`  sel: { Image: a }\n  condition: sel`).replace('level: high', 'level: informational'),
    );
    const [f] = e.match(ev({ Image: 'a' }));
    expect(f?.severity).toBe('info');
    expect(f?.rule?.level).toBe('informational');
  });

  it('the matcher plugin returns null without Sigma rules', () => {
    expect(sigmaMatcher.prepare({ sources: [], advisories: [], indicators: [], rules: [] })).toBeNull();
  });

  it('timeline rows are time-sorted; CSV is formula-safe', () => {
    const e = engineFor(rule(`  sel: { CommandLine|contains: 'x' }\n  condition: sel`));
    const f = [
      ...e.match(ev({ CommandLine: '=x' }, { time: '2024-01-02T00:00:00Z', record: 2 })),
      ...e.match(ev({ CommandLine: 'x,y' }, { time: '2024-01-01T00:00:00Z', record: 1 })),
    ];
    const rows = sigmaTimeline(f);
    expect(rows.map((r) => r.recordId)).toEqual(['1', '2']);
    const csv = timelineCsv(rows).split('\n');
    expect(csv[0]).toBe(
      'time,host,computer,channel,eventId,recordId,level,ruleTitle,ruleId,ruleAuthor,details,findingId',
    );
    expect(csv[1]).toContain('"CommandLine: x,y"');
    expect(csv[2]).toContain(',CommandLine: =x,');
    expect(
      timelineJsonl(rows)
        .trim()
        .split('\n')
        .map((l) => (JSON.parse(l) as { recordId: string }).recordId),
    ).toEqual(['1', '2']);
  });
});

describe('multi-document files, filters and correlations', () => {
  it('action: global merges into each following document', () => {
    const { rules, issues } = parseSigmaFile(
      `action: global
title: G
logsource: { product: windows }
detection:
  sel: { Image|endswith: '\\x.exe' }
  condition: sel
---
id: g1
logsource: { category: process_creation }
---
id: g2
logsource: { category: image_load }
`,
      'g.yml',
    );
    expect(issues).toEqual([]);
    expect(rules.map((r) => r.id)).toEqual(['g1', 'g2']);
    const e = new SigmaEngine(rules);
    expect(ids(e, ev({ Image: 'C:\\x.exe' }, { eventId: 1 }))).toEqual(['g1']);
    expect(ids(e, ev({ Image: 'C:\\x.exe' }, { eventId: 7 }))).toEqual(['g2']);
  });

  it('filter rules are ANDed onto the rules they name', () => {
    const e = engineFor(`${rule(`  sel: { Image|endswith: '.exe' }\n  condition: sel`)}---
title: F
id: f1
logsource: { product: windows, category: process_creation }
filter:
  rules: [r1]
  selection: { User: 'admin' }
  condition: not selection
`);
    expect(ids(e, ev({ Image: 'a.exe', User: 'bob' }))).toEqual(['r1']);
    expect(ids(e, ev({ Image: 'a.exe', User: 'ADMIN' }))).toEqual([]);
  });

  const base = `title: Failed logon
id: b1
name: failed_logon
logsource: { product: windows, service: security }
detection:
  sel: { EventID: 4625 }
  condition: sel
`;
  const failed = (user: string, t: string, rec: number, ip = '10.0.0.1') =>
    ev({ TargetUserName: user, IpAddress: ip }, { eventId: 4625, channel: 'Security', time: t, record: rec });

  it('event_count: one finding per (rule, group, window); base rule silent unless generate', () => {
    const e = engineFor(`${base}---
title: Brute force
id: c1
level: high
correlation:
  type: event_count
  rules: [failed_logon]
  group-by: [TargetUserName]
  timespan: 5m
  condition: { gte: 3 }
`);
    const out = [
      failed('alice', '2024-01-01T00:00:00Z', 1),
      failed('alice', '2024-01-01T00:01:00Z', 2),
      failed('bob', '2024-01-01T00:01:30Z', 3),
      failed('alice', '2024-01-01T00:02:00Z', 4),
      failed('alice', '2024-01-01T01:00:00Z', 5),
    ].flatMap((o) => e.match(o));
    expect(out).toEqual([]);
    const fin = e.finish();
    expect(fin).toHaveLength(1);
    expect(fin[0]).toMatchObject({ kind: 'sigma', rule: { id: 'c1' }, severity: 'high', host: 'h1' });
    expect(fin[0]!.evidence[0]!.found).toMatchObject({
      group: { TargetUserName: 'alice' },
      value: 3,
      first: '2024-01-01T00:00:00Z',
      last: '2024-01-01T00:02:00Z',
    });
  });

  it('value_count counts distinct values; temporal_ordered needs the order', () => {
    const e = engineFor(`${base}---
title: Spray
id: c2
correlation:
  type: value_count
  rules: [failed_logon]
  group-by: [IpAddress]
  timespan: 10m
  condition: { gte: 3, field: TargetUserName }
---
title: Success
id: b2
name: ok_logon
logsource: { product: windows, service: security }
detection:
  sel: { EventID: 4624 }
  condition: sel
---
title: Fail then success
id: c3
correlation:
  type: temporal_ordered
  rules: [failed_logon, ok_logon]
  group-by: [TargetUserName]
  timespan: 1h
  generate: true
`);
    const ok = (user: string, t: string, rec: number) =>
      ev({ TargetUserName: user }, { eventId: 4624, channel: 'Security', time: t, record: rec });
    const obs = [
      ok('carol', '2024-01-01T00:00:00Z', 10), // success before failure: no temporal_ordered for carol
      failed('carol', '2024-01-01T00:01:00Z', 11, '10.9.9.9'),
      failed('u1', '2024-01-01T00:00:00Z', 1),
      failed('u2', '2024-01-01T00:01:00Z', 2),
      failed('u2', '2024-01-01T00:02:00Z', 3),
      failed('u3', '2024-01-01T00:03:00Z', 4),
      ok('u3', '2024-01-01T00:04:00Z', 5),
    ];
    const direct = obs.flatMap((o) => e.match(o)).map((f) => f.rule?.id);
    // generate: true on c3 makes both of its rules emit, including b1
    expect(direct.filter((x) => x === 'b1')).toHaveLength(5);
    const fin = e.finish();
    const byRule = (id: string) => fin.filter((f) => f.rule?.id === id);
    expect(byRule('c2')).toHaveLength(1);
    expect(byRule('c2')[0]!.evidence[0]!.found).toMatchObject({ group: { IpAddress: '10.0.0.1' }, value: 3 });
    expect(
      byRule('c3').map((f) => (f.evidence[0]!.found['group'] as Record<string, string>)['TargetUserName']),
    ).toEqual(['u3']);
  });

  it('a correlation naming an unknown rule is unsupported', () => {
    const { rules } = parseSigmaFile(
      `title: X\nid: x\ncorrelation:\n  type: event_count\n  rules: [nope]\n  timespan: 1m\n  condition: { gte: 2 }\n`,
      'c.yml',
    );
    const e = new SigmaEngine(rules);
    expect(e.stats.unsupported[0]?.reason).toMatch(/unknown or unsupported rules: nope/);
  });
});
