import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef, sharedData } from '../../../test/fixtures.js';
import type { LogEventObservation } from '../../core/observation.js';
import { evtxCollector } from './index.js';

const SAMPLE = 'DeepBlueCLI/powersploit-security.evtx'; // libevtx: Security|1102 ×1, Security|4688 ×26

describe('collectors/evtx', () => {
  it('claims .evtx by name and event dumps only by content', () => {
    expect(evtxCollector.matches(fileRef('C:/logs/Security.EVTX'))).toBe(true);
    expect(evtxCollector.matches(fileRef('events.json'))).toBe(false);
    expect(evtxCollector.sniff(Buffer.from('ElfFile\0rest'), fileRef('x.bin'))).toBe(true);
    expect(evtxCollector.sniff(Buffer.from('{"Event":{"System":{"EventID":1}}}'), fileRef('x.json'))).toBe(
      true,
    );
    expect(evtxCollector.sniff(Buffer.from('{"name":"x","version":"1.0.0"}'), fileRef('package.json'))).toBe(
      false,
    );
  });

  it('turns every EVTX record into a log-event observation', () => {
    const path = sharedData('evtx', ...SAMPLE.split('/'));
    const res = evtxCollector.collect(collectorInput(path, readFileSync(path)));
    expect(res.issues).toEqual([]);
    const obs = res.observations as LogEventObservation[];
    expect(obs).toHaveLength(27);
    expect(obs.filter((o) => o.eventId === 4688)).toHaveLength(26);
    const first = obs.find((o) => o.eventId === 4688)!;
    expect(first).toMatchObject({
      kind: 'log-event',
      channel: 'Security',
      provider: 'Microsoft-Windows-Security-Auditing',
      source: { file: path },
    });
    expect(first.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    expect(typeof first.recordId).toBe('number');
    expect(typeof first.source.offset).toBe('number');
    expect(
      (first.event as { Event: { EventData: Record<string, unknown> } }).Event.EventData['NewProcessName'],
    ).toEqual(expect.any(String));
  });

  it('reads evtx_dump JSON and XML exports into the same model', () => {
    // evtx_dump's own layout for a qualified EventID (object with #text) is accepted too.
    const json =
      '{"Event":{"System":{"EventID":{"#attributes":{"Qualifiers":16384},"#text":7036},"Channel":"System","Computer":"h","EventRecordID":9,"TimeCreated":{"#attributes":{"SystemTime":"2023-01-01T00:00:00.000000Z"}}}}}\n';
    const j = evtxCollector.collect(collectorInput('e.json', json));
    expect(j.observations).toEqual([
      expect.objectContaining({
        kind: 'log-event',
        eventId: 7036,
        channel: 'System',
        computer: 'h',
        recordId: 9,
        time: '2023-01-01T00:00:00.000000Z',
        source: { file: 'e.json', line: 1 },
      }),
    ]);
    const xml = `<Events><Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><EventID>4104</EventID><Channel>Microsoft-Windows-PowerShell/Operational</Channel></System></Event></Events>`;
    const x = evtxCollector.collect(collectorInput('e.xml', xml));
    expect(x.observations).toEqual([
      expect.objectContaining({ eventId: 4104, channel: 'Microsoft-Windows-PowerShell/Operational' }),
    ]);
  });

  it('returns issues, not exceptions, for garbage', () => {
    const r = evtxCollector.collect(collectorInput('bad.evtx', Buffer.from('ElfFile\0' + 'x'.repeat(5000))));
    expect(r.observations).toEqual([]);
    expect(r.issues.length).toBeGreaterThan(0);
    expect(r.issues.every((i) => i.file === 'bad.evtx' && i.pluginId === 'collectors/evtx')).toBe(true);
    const u = evtxCollector.collect(collectorInput('notes.txt', 'hello'));
    expect(u.issues.map((i) => i.code)).toEqual(['unsupported']);
  });
});
