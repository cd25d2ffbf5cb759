// Integration: a Sysmon DNS event exported as Windows event XML, read by the EVTX collector, then
// matched by the network matcher. Guards the event layout contract between the two plugins.
import { describe, expect, it } from 'vitest';
import { collectorInput } from '../../../test/fixtures.js';
import { evtxCollector } from '../../collectors/evtx/index.js';
import type { LogEventObservation } from '../../core/observation.js';
import { networkMatcher } from './index.js';
import { contactFromSysmonEvent } from './sysmon.js';

const event = (id: number, data: Record<string, string>): string =>
  `<Event xmlns="http://schemas.microsoft.com/win/2004/08/events/event"><System><Provider Name="Microsoft-Windows-Sysmon" Guid="{5770385f-c22a-43e0-bf4c-06f5698ffbd9}"/><EventID>${id}</EventID><Version>5</Version><Level>4</Level><Task>${id}</Task><Opcode>0</Opcode><Keywords>0x8000000000000000</Keywords><TimeCreated SystemTime="2023-03-29T10:11:12.3456789Z"/><EventRecordID>${100 + id}</EventRecordID><Correlation/><Execution ProcessID="3000" ThreadID="3100"/><Channel>Microsoft-Windows-Sysmon/Operational</Channel><Computer>ws1.corp.example</Computer><Security UserID="S-1-5-18"/></System><EventData>${Object.entries(
    data,
  )
    .map(([k, v]) => `<Data Name="${k}">${v}</Data>`)
    .join('')}</EventData></Event>`;

const XML = `<?xml version="1.0" encoding="utf-8"?>\n<Events>${event(22, {
  RuleName: '-',
  UtcTime: '2023-03-29 10:11:12.345',
  ProcessId: '4242',
  QueryName: 'msstorageazure.com',
  QueryStatus: '0',
  QueryResults: '::ffff:203.0.113.5;',
  Image: 'C:\\Users\\u\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe',
})}${event(3, {
  UtcTime: '2023-03-29 10:11:13.000',
  Image: 'C:\\Users\\u\\AppData\\Local\\Programs\\3CXDesktopApp\\3CXDesktopApp.exe',
  Protocol: 'tcp',
  SourceIp: '10.0.0.5',
  SourcePort: '50123',
  DestinationIp: '203.0.113.5',
  DestinationHostname: 'msstorageazure.com',
  DestinationPort: '443',
})}</Events>\n`;

describe('Sysmon events from the EVTX collector', () => {
  it('EventID 22 and 3 become contacts and match a C2 domain', () => {
    const res = evtxCollector.collect(collectorInput('/e/sysmon.xml', XML));
    const events = res.observations.flatMap((o): LogEventObservation[] =>
      o.kind === 'log-event' ? [{ ...o, host: 'ws1', collectorId: 'collectors/evtx' }] : [],
    );
    expect(events).toHaveLength(2);
    const contacts = events.map(contactFromSysmonEvent);
    expect(contacts[0]).toMatchObject({
      fqdn: 'msstorageazure.com',
      logType: 'sysmon/22',
      time: '2023-03-29T10:11:12.345Z',
    });
    expect(contacts[1]).toMatchObject({
      src: '10.0.0.5',
      dst: '203.0.113.5',
      dstPort: 443,
      fqdn: 'msstorageazure.com',
      logType: 'sysmon/3',
    });
    const p = networkMatcher.prepare({
      sources: [],
      advisories: [],
      rules: [],
      indicators: [{ type: 'domain', value: 'msstorageazure.com', source: '3cx-pack' }],
    })!;
    const findings = events.flatMap((e) => p.match(e));
    expect(findings.map((f) => [f.indicator!.source, f.evidence[0]!.found['logType']])).toEqual(
      expect.arrayContaining([
        ['3cx-pack', 'sysmon/22'],
        ['3cx-pack', 'sysmon/3'],
      ]),
    );
  });
});
