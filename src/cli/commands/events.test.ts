import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import { runEvents } from './events.js';

function sink(): { stream: Writable; text: () => string } {
  const parts: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      parts.push(chunk.toString('utf8'));
      cb();
    },
  });
  return { stream, text: () => parts.join('') };
}

describe('chainhunt events', () => {
  it('prints one evtx_dump JSON event per line, with Channel and EventID, for EVTX and JSON inputs in order', async () => {
    const evtx = sharedData('evtx', 'DeepBlueCLI', 'powersploit-security.evtx');
    const dir = mkdtempSync(path.join(tmpdir(), 'events-'));
    const json = path.join(dir, 'dump.json');
    writeFileSync(
      json,
      '{"Event":{"System":{"EventID":4104,"Channel":"Microsoft-Windows-PowerShell/Operational"}}}\n',
    );
    const out = sink();
    const err = sink();
    const code = await runEvents([evtx, json], { format: 'jsonl', workers: 0 }, out.stream, err.stream);
    expect(code).toBe(0);
    expect(err.text()).toBe('');
    const lines = out.text().trimEnd().split('\n');
    expect(lines).toHaveLength(28); // 27 records (libevtx) + 1
    const events = lines.map(
      (l) => JSON.parse(l) as { Event: { System: { Channel: string; EventID: number } } },
    );
    expect(
      events.filter((e) => e.Event.System.Channel === 'Security' && e.Event.System.EventID === 4688),
    ).toHaveLength(26);
    expect(events[27]!.Event.System.EventID).toBe(4104);
  });

  it('rejects other formats and reports unreadable files', async () => {
    const err = sink();
    expect(await runEvents(['x'], { format: 'csv' }, sink().stream, err.stream)).toBe(2);
    const err2 = sink();
    expect(
      await runEvents(['/nonexistent.evtx'], { format: 'jsonl', workers: 0 }, sink().stream, err2.stream),
    ).toBe(1);
    expect(err2.text()).toMatch(/nonexistent\.evtx: unreadable/);
  });
});
