import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import type { Issue } from '../../core/issue.js';
import { parseEvtxJson } from '../evtx-json/parse.js';
import { parseEvtxXml, sniffEvtxXml } from './parse.js';

const here = path.dirname(fileURLToPath(import.meta.url));

function find(dir: string, name: string): string | undefined {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) {
      const r = find(p, name);
      if (r) return r;
    } else if (e === name) return p;
  }
  return undefined;
}

/** XML has no value types: EventData numbers become strings; python-evtx rounds time to 100 µs steps differently, so compare to 0.1 ms. */
function untyped(ev: unknown): unknown {
  const e = structuredClone(ev) as {
    Event: {
      EventData?: Record<string, unknown>;
      System: { TimeCreated: { '#attributes': { SystemTime: string } } };
    };
  };
  const d = e.Event.EventData;
  if (d) for (const k of Object.keys(d)) if (typeof d[k] === 'number') d[k] = String(d[k]);
  const tc = e.Event.System.TimeCreated['#attributes'];
  tc.SystemTime = tc.SystemTime.replace(/\.(\d{4})\d*Z$/, '.$1Z');
  return e;
}

describe('Windows XML event exports', () => {
  // Fixtures: python-evtx's evtx_dump.py output for three Sigma regression .evtx files (readme.md).
  const fixtures = readdirSync(path.join(here, '__fixtures__')).filter((f) => f.endsWith('.xml'));

  it.each(fixtures)('%s equals the evtx_dump JSON of the same .evtx (untyped)', (name) => {
    const issues: Issue[] = [];
    const got = [
      ...parseEvtxXml(readFileSync(path.join(here, '__fixtures__', name)), {
        file: name,
        onIssue: (i) => issues.push(i),
      }),
    ];
    const json = find(sharedData('sigma', 'regression_data'), name.replace(/\.xml$/, '.json'));
    expect(json).toBeDefined();
    const expected = [...parseEvtxJson(readFileSync(json!))].map((r) => untyped(r.event));
    expect(issues).toEqual([]);
    expect(got.map((r) => untyped(r.event))).toEqual(expected);
    expect(got[0]!.line).toBeGreaterThan(1);
  });

  it('reads an Event Viewer style export (Qualifiers, braces, 100 ns time, RenderingInfo, entities)', () => {
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<Events>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><Provider Name='Service Control Manager' Guid='{555908d1-a6d7-4695-8e1e-26931d2012f4}' EventSourceName='Service Control Manager'/><EventID Qualifiers='16384'>7036</EventID><Version>0</Version><Level>4</Level><Task>0</Task><Opcode>0</Opcode><Keywords>0x8080000000000000</Keywords><TimeCreated SystemTime='2023-03-29T10:11:12.1234567Z'/><EventRecordID>42</EventRecordID><Correlation/><Execution ProcessID='640' ThreadID='7'/><Channel>System</Channel><Computer>host1</Computer><Security/></System><EventData><Data Name='param1'>3CX &amp; Co</Data><Data Name='param2'>running</Data></EventData><RenderingInfo Culture='en-US'><Message>x</Message></RenderingInfo></Event>
<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'><System><EventID>1</EventID></System><EventData><Data>a</Data><Data>b</Data></EventData></Event>
</Events>`;
    const got = [...parseEvtxXml(xml)];
    expect(got.map((r) => r.line)).toEqual([3, 4]);
    expect(got[0]!.event).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: {
          Provider: {
            '#attributes': {
              Name: 'Service Control Manager',
              Guid: '555908D1-A6D7-4695-8E1E-26931D2012F4',
              EventSourceName: 'Service Control Manager',
            },
          },
          EventID: 7036,
          EventID_attributes: { Qualifiers: 16384 },
          Version: 0,
          Level: 4,
          Task: 0,
          Opcode: 0,
          Keywords: '0x8080000000000000',
          TimeCreated: { '#attributes': { SystemTime: '2023-03-29T10:11:12.123456Z' } },
          EventRecordID: 42,
          Correlation: null,
          Execution: { '#attributes': { ProcessID: 640, ThreadID: 7 } },
          Channel: 'System',
          Computer: 'host1',
          Security: null,
        },
        EventData: { param1: '3CX & Co', param2: 'running' },
        RenderingInfo: { '#attributes': { Culture: 'en-US' }, Message: 'x' },
      },
    });
    expect(got[1]!.event).toEqual({
      Event: {
        '#attributes': { xmlns: 'http://schemas.microsoft.com/win/2004/08/events/event' },
        System: { EventID: 1 },
        EventData: { Data: { '#text': ['a', 'b'] } },
      },
    });
  });

  it('reports bad events and keeps reading; refuses DOCTYPE', () => {
    const ns = "xmlns='http://schemas.microsoft.com/win/2004/08/events/event'";
    const issues: Issue[] = [];
    const got = [
      ...parseEvtxXml(
        `<Events>\n<Event ${ns}><System><EventID>1</Foo></System></Event>\n<Event ${ns}><System><EventID>2</EventID></System></Event>\n<Event ${ns}><System>`,
        { file: 'x.xml', onIssue: (i) => issues.push(i) },
      ),
    ];
    expect(
      got.map((r) => (r.event as { Event: { System: { EventID: number } } }).Event.System.EventID),
    ).toEqual([2]);
    expect(issues.map((i) => [i.code, i.line])).toEqual([
      ['parse-error', 2],
      ['truncated', 4],
    ]);
    const doc: Issue[] = [];
    expect([
      ...parseEvtxXml(`<!DOCTYPE x [<!ENTITY a "b">]><Event ${ns}></Event>`, { onIssue: (i) => doc.push(i) }),
    ]).toEqual([]);
    expect(doc[0]!.code).toBe('unsupported');
  });

  it('sniffs exports by the event namespace only', () => {
    expect(
      sniffEvtxXml(
        Buffer.from(
          `<?xml version="1.0"?><Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event">`,
        ),
      ),
    ).toBe(true);
    expect(
      sniffEvtxXml(
        Buffer.from(`\uFEFF<Event xmlns='http://schemas.microsoft.com/win/2004/08/events/event'>`, 'utf8'),
      ),
    ).toBe(true);
    expect(
      sniffEvtxXml(Buffer.from('<?xml version="1.0"?><project><modelVersion>4.0.0</modelVersion></project>')),
    ).toBe(false);
    expect(sniffEvtxXml(Buffer.from('{"Event":{}}'))).toBe(false);
  });
});
