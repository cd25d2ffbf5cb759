/**
 * Binary XML on synthetic chunks built from the format description. Expected values follow the
 * documented evtx_dump conventions (render.ts header): integers as JSON numbers, 64-bit beyond
 * 2^53 as decimal strings, hex types as lower-case `0x…`, GUIDs upper-case without braces,
 * FILETIME/SYSTEMTIME as ISO-8601 with microseconds, binary as upper-case hex, SIDs `S-1-…`.
 */
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { Issue } from '../../core/issue.js';
import { BinXmlWriter, V, buildChunk, buildFile, templateInstance } from './__fixtures__/build.js';
import { parseEvtx } from './parse.js';

const GUID_BYTES = [
  0x78, 0x56, 0x34, 0x12, 0x34, 0x12, 0x78, 0x56, 0x9a, 0xbc, 0xde, 0xf0, 0x01, 0x02, 0x03, 0x04,
];

function eventTemplate(w: BinXmlWriter): void {
  w.fragmentHeader();
  w.open('Event', true)
    .attr('xmlns')
    .text('http://schemas.microsoft.com/win/2004/08/events/event')
    .closeStart();
  w.open('System').closeStart();
  w.open('Provider', true).attr('Name').sub(0, 0x01).closeEmpty();
  w.open('EventID').closeStart().sub(1, 0x06).end();
  w.open('TimeCreated', true).attr('SystemTime').sub(2, 0x11).closeEmpty();
  w.open('Correlation', true).attr('ActivityID').sub(3, 0x0f, true).closeEmpty();
  w.open('Channel').closeStart().sub(4, 0x01).end();
  w.open('Security', true).attr('UserID').sub(5, 0x13).closeEmpty();
  w.end(); // System
  w.open('EventData').closeStart();
  const data = (name: string, i: number, type: number, optional = false): void => {
    w.open('Data', true).attr('Name').text(name).closeStart().sub(i, type, optional).end();
  };
  data('i8', 6, 0x03);
  data('u64', 7, 0x0a);
  data('hex32', 8, 0x14);
  data('hex64', 9, 0x15);
  data('real64', 10, 0x0c);
  data('bool', 11, 0x0d);
  data('guid', 12, 0x0f);
  data('sizet', 13, 0x10);
  data('systime', 14, 0x12);
  data('bin', 15, 0x0e);
  data('ansi', 16, 0x02);
  data('i64', 17, 0x09);
  data('real32', 18, 0x0b);
  data('nested', 19, 0x21);
  data('empty', 20, 0x01, true);
  w.open('Data', true).attr('Name').text('refs').closeStart();
  w.text('a ').entityRef('amp').text(' b ').charRef(0x41).cdata('<c>').pi('xml-stylesheet', 'x');
  w.end();
  w.end(); // EventData
  w.end(); // Event
  w.eof();
}

function nested(base: number): number[] {
  // A nested fragment (no dependency ids): <Inner Kind="k">deep</Inner>
  const w = new BinXmlWriter(base);
  w.fragmentHeader();
  w.open('Inner', true, false).attr('Kind').text('k').closeStart().text('deep').end();
  w.eof();
  return w.bytes;
}

function values(nestedBase: number): ReturnType<typeof V.str>[] {
  return [
    V.str('Provider-A'),
    V.u16(4688),
    V.filetime(132000000001234567n), // 2019-04-17T18:40:00.123456Z (Python datetime; 7th digit truncated)
    V.null(),
    V.str('Security'),
    V.sid(1, 5, [21, 1004336348, 1177238915, 682003330, 512]),
    V.i8(-5),
    V.u64(18446744073709551615n),
    V.hex32(0x1f),
    V.hex64(0xdeadbeefcafen),
    V.f64(1.5),
    V.bool(true),
    V.guid(GUID_BYTES),
    V.size8(0x10n),
    V.systime([2024, 2, 4, 29, 23, 59, 58, 7]),
    V.bin([0x00, 0xab, 0x10]),
    V.ansi('plain'),
    V.i64(-42n),
    V.f32(0.1),
    V.binxml(nested(nestedBase)),
    V.str(''),
  ];
}

function parse(file: Buffer): {
  events: ReturnType<typeof parseEvtx> extends Generator<infer T> ? T[] : never;
  issues: Issue[];
} {
  const issues: Issue[] = [];
  const events = [...parseEvtx(file, { file: 'synthetic.evtx', onIssue: (i) => issues.push(i) })];
  return { events, issues };
}

/** Where the nested BinXml value will start: we write the record twice, the second time with the right base. */
function recordWithTemplate(w: BinXmlWriter): number {
  const probe = new BinXmlWriter(w.pos);
  probe.fragmentHeader();
  templateInstance(probe, values(0), eventTemplate);
  const vals = values(0);
  const nestedLen = vals[19]!.bytes.length;
  const tail = vals.slice(20).reduce((n, v) => n + v.bytes.length, 0);
  const nestedBase = probe.pos - tail - nestedLen;
  w.fragmentHeader();
  const def = templateInstance(w, values(nestedBase), eventTemplate);
  w.eof();
  return def;
}

describe('Binary XML templates and value types', () => {
  it('renders every substitution type the evtx_dump way', () => {
    const file = buildFile([buildChunk([(w) => void recordWithTemplate(w)])]);
    const { events, issues } = parse(file);
    expect(issues).toEqual([]);
    expect(events).toHaveLength(1);
    expect(events[0]!.event).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: { '#attributes': { Name: 'Provider-A' } },
          EventID: 4688,
          TimeCreated: { '#attributes': { SystemTime: '2019-04-17T18:40:00.123456Z' } },
          Correlation: null,
          Channel: 'Security',
          Security: { '#attributes': { UserID: 'S-1-5-21-1004336348-1177238915-682003330-512' } },
        },
        EventData: {
          i8: -5,
          u64: '18446744073709551615',
          hex32: '0x1f',
          hex64: '0xdeadbeefcafe',
          real64: '1.5',
          bool: true,
          guid: '12345678-1234-5678-9ABC-DEF001020304',
          sizet: '0x10',
          systime: '2024-02-29T23:59:58.007000Z',
          bin: '00AB10',
          ansi: 'plain',
          i64: -42,
          real32: '0.1',
          // A Data element with element content is rendered as an object, its own attributes included.
          nested: {
            '#attributes': { Name: 'nested' },
            Inner: { '#attributes': { Kind: 'k' }, '#text': 'deep' },
          },
          empty: '',
          refs: 'a & b A<c>',
        },
      },
    });
  });

  it('reuses a template defined by an earlier record (back-reference by offset)', () => {
    let defOffset = 0;
    const chunk = buildChunk([
      (w) => {
        defOffset = recordWithTemplate(w);
      },
      (w) => {
        w.fragmentHeader();
        const vals = values(0);
        vals[19] = V.null();
        vals[1] = V.u16(1);
        templateInstance(w, vals, { defOffset });
        w.eof();
      },
    ]);
    const { events, issues } = parse(buildFile([chunk]));
    expect(issues).toEqual([]);
    expect(
      events.map((e) => (e.event as { Event: { System: { EventID: number } } }).Event.System.EventID),
    ).toEqual([4688, 1]);
    expect(events.map((e) => e.recordId)).toEqual([1, 2]);
    expect(
      (events[1]!.event as { Event: { EventData: Record<string, unknown> } }).Event.EventData['nested'],
    ).toBe('');
  });

  it('repeats the containing element for array values and keeps positional Data', () => {
    const chunk = buildChunk([
      (w) => {
        w.fragmentHeader();
        templateInstance(w, [V.u32s([1, 2, 3]), V.strs(['a', 'b'])], (t) => {
          t.fragmentHeader();
          t.open('Event').closeStart();
          t.open('UserData').closeStart().open('List').closeStart();
          t.open('Item').closeStart().sub(0, 0x88).end();
          t.end().end();
          t.open('EventData').closeStart().open('Data').closeStart().sub(1, 0x81).end().end();
          t.end().eof();
        });
        w.eof();
      },
    ]);
    const { events, issues } = parse(buildFile([chunk]));
    expect(issues).toEqual([]);
    expect(events[0]!.event).toEqual({
      Event: {
        UserData: { List: { Item: 1, Item_1: 2, Item_2: 3 } },
        EventData: { Data: { '#text': ['a', 'b'] } },
      },
    });
  });

  it('finds chunks the file header does not list', () => {
    const mk = (id: number): Buffer =>
      buildChunk(
        [
          (w) => {
            w.fragmentHeader();
            w.open('Event').closeStart().open('EventRecord').closeStart().text(String(id)).end().end().eof();
          },
        ],
        id,
      );
    const { events, issues } = parse(buildFile([mk(1), mk(2), mk(3)], 1));
    expect(events.map((e) => e.recordId)).toEqual([1, 2, 3]);
    expect(issues.map((i) => [i.code, i.offset])).toEqual([['invalid-value', 42]]);
  });

  it('reports a checksum mismatch but still reads the chunk', () => {
    const chunk = buildChunk([(w) => void recordWithTemplate(w)]);
    chunk[100] = 0x55; // unused header byte covered by the header CRC
    const { events, issues } = parse(buildFile([chunk]));
    expect(events).toHaveLength(1);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'checksum-mismatch', file: 'synthetic.evtx', offset: 4096 + 124 }),
    ]);
  });

  it('stops a template that instantiates itself instead of recursing', () => {
    const chunk = buildChunk([
      (w) => {
        w.fragmentHeader();
        templateInstance(w, [], (t, self) => {
          t.fragmentHeader();
          t.open('Event').closeStart();
          t.u8(0x0c).u8(1).u32(0x1234).u32(self).u32(0); // instance of this very template
          t.end().eof();
        });
        w.eof();
      },
      (w) => {
        w.fragmentHeader();
        w.open('Event').closeStart().text('fine').end().eof();
      },
    ]);
    const { events, issues } = parse(buildFile([chunk]));
    expect(events.map((e) => e.event)).toEqual([{ Event: 'fine' }]);
    expect(issues).toEqual([
      expect.objectContaining({ code: 'parse-error', file: 'synthetic.evtx', offset: expect.any(Number) }),
    ]);
    expect(issues[0]!.message).toMatch(/template/);
  });
});

describe('records after the free-space offset', () => {
  it('reports records that continue the sequence past a stale chunk header; recover reads them', () => {
    const rec = (w: BinXmlWriter): void => {
      w.fragmentHeader();
      w.open('Event').closeStart().text('x').end().eof();
    };
    const chunk = buildChunk([rec, rec, rec]);
    const file = buildFile([chunk]);
    const second = [...parseEvtx(file)][1]!.offset - 4096;
    chunk.writeUInt32LE(second, 48); // header says the data ends after record 1
    chunk.writeUInt32LE(crc32(chunk.subarray(512, second)), 52);
    chunk.writeUInt32LE(crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120))), 124);
    const stale = buildFile([chunk]);
    const { events, issues } = parse(stale);
    expect(events.map((e) => e.recordId)).toEqual([1]);
    expect(issues).toEqual([expect.objectContaining({ code: 'invalid-value', offset: 4096 + second })]);
    expect([...parseEvtx(stale, { recover: true })].map((e) => e.recordId)).toEqual([1, 2, 3]);
  });
});

describe('EventID with Qualifiers', () => {
  it('keeps EventID a number and moves Qualifiers to EventID_attributes', () => {
    const chunk = buildChunk([
      (w) => {
        w.fragmentHeader();
        templateInstance(w, [V.u16(7036), V.u16(16384)], (t) => {
          t.fragmentHeader();
          t.open('Event').closeStart().open('System').closeStart();
          t.open('EventID', true).attr('Qualifiers').sub(1, 0x06).closeStart().sub(0, 0x06).end();
          t.open('Channel').closeStart().text('System').end();
          t.end().end().eof();
        });
        w.eof();
      },
    ]);
    const { events } = parse(buildFile([chunk]));
    const sys = (events[0]!.event as { Event: { System: Record<string, unknown> } }).Event.System;
    expect(sys).toEqual({ EventID: 7036, EventID_attributes: { Qualifiers: 16384 }, Channel: 'System' });
    expect(Object.keys(sys)).toEqual(['EventID', 'EventID_attributes', 'Channel']);
  });
});

describe('Binary XML expansion bounds', () => {
  it('stops nested Binary XML that would multiply exponentially', () => {
    // Template T = <E>%0 ×16</E>; value 0 is a fragment instantiating T again, 6 levels deep
    // (within the template nesting limit): 16^6 elements if expanded naively. The record must be
    // rejected with an issue, quickly.
    let defOffset = 0;
    const chunk = buildChunk([
      (w) => {
        w.fragmentHeader();
        defOffset = templateInstance(w, [V.str('leaf')], (t) => {
          t.fragmentHeader();
          t.open('E').closeStart();
          for (let i = 0; i < 16; i++) t.sub(0, 0x21);
          t.end().eof();
        });
        w.eof();
      },
      (w) => {
        // Build the nesting from the inside out; each level's bytes hold the next level.
        const level = (base: number, depth: number): number[] => {
          const x = new BinXmlWriter(base);
          x.fragmentHeader();
          if (depth === 0) {
            x.text('leaf').eof();
            return x.bytes;
          }
          // instance header: 0x0c, 1, id(4), defOffset(4), count(4), descriptor(4) = 18 bytes
          const inner = level(base + 4 + 18, depth - 1);
          templateInstance(x, [V.binxml(inner)], { defOffset });
          x.eof();
          return x.bytes;
        };
        w.fragmentHeader();
        templateInstance(w, [V.binxml(level(w.pos + 18, 6))], { defOffset });
        w.eof();
      },
    ]);
    const { events, issues } = parse(buildFile([chunk]));
    expect(events).toHaveLength(1);
    expect(issues).toEqual([expect.objectContaining({ code: 'parse-error', file: 'synthetic.evtx' })]);
    expect(issues[0]!.message).toMatch(/too many elements/);
  });
});
