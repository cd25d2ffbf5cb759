import { describe, expect, it } from 'vitest';
import type { Issue } from '../../core/issue.js';
import { parseEvtxJson, sniffEvtxJson } from './parse.js';

const ev = (id: number): string =>
  JSON.stringify({ Event: { System: { EventID: id, Channel: 'Security' }, EventData: { a: 'x{y}"z' } } });
const ids = (text: string, issues?: Issue[]): number[] =>
  [...parseEvtxJson(text, { file: 'e.json', onIssue: (i) => issues?.push(i) })].map(
    (r) => (r.event as { Event: { System: { EventID: number } } }).Event.System.EventID,
  );

describe('evtx_dump JSON', () => {
  it('reads one object per line', () => {
    expect(ids(`${ev(1)}\n${ev(2)}\n${ev(3)}\n`)).toEqual([1, 2, 3]);
  });

  it('reads pretty-printed objects one after another, with their start lines', () => {
    const pretty = [1, 2].map((i) => JSON.stringify(JSON.parse(ev(i)), null, 2)).join('\n');
    const recs = [...parseEvtxJson(pretty)];
    expect(recs.map((r) => r.line)).toEqual([
      1,
      1 + JSON.stringify(JSON.parse(ev(1)), null, 2).split('\n').length,
    ]);
  });

  it("reads evtx_dump's default output (Record N lines), arrays, UTF-16 with BOM", () => {
    expect(ids(`Record 1\n${ev(1)}\nRecord 2\n${ev(2)}\n`)).toEqual([1, 2]);
    expect(ids(`[${ev(1)},\n${ev(2)}]`)).toEqual([1, 2]);
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(`${ev(7)}\n`, 'utf16le')]);
    expect([...parseEvtxJson(utf16)].length).toBe(1);
  });

  it('reports a broken object with its line and keeps going', () => {
    const issues: Issue[] = [];
    expect(
      ids(`${ev(1)}\n{"Event": {"System": nope}}\n${ev(3)}\n{"Other": 1}\n${ev(5)}\n{"Event":`, issues),
    ).toEqual([1, 3, 5]);
    expect(issues.map((i) => [i.code, i.line, i.file])).toEqual([
      ['parse-error', 2, 'e.json'],
      ['invalid-value', 4, 'e.json'],
      ['truncated', 6, 'e.json'],
    ]);
  });

  it('claims only event dumps when sniffing', () => {
    expect(sniffEvtxJson(Buffer.from(`{\n  "Event": {\n    "#attributes": {},\n    "System": {`))).toBe(true);
    expect(sniffEvtxJson(Buffer.from(`Record 1\n{"Event":{"System":{}}}`))).toBe(true);
    expect(sniffEvtxJson(Buffer.from('{"name":"pkg","version":"1.0.0","dependencies":{}}'))).toBe(false);
    expect(sniffEvtxJson(Buffer.from('{"bomFormat":"CycloneDX","specVersion":"1.5"}'))).toBe(false);
    expect(sniffEvtxJson(Buffer.from('{"Event":{"x":1}}'))).toBe(false);
  });
});
