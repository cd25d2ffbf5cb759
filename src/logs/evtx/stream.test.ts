/** Streaming (`readEvtx` over a path) and the worker pool give exactly what the buffer parser gives. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import type { Issue } from '../../core/issue.js';
import { evtxReader, parseEvtx, readEvtx, readEvtxFiles, suggestWorkers } from './index.js';

const FILES = [
  'EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx', // 12 chunks
  'DeepBlueCLI/powersploit-security.evtx',
  'DeepBlueCLI/Powershell-Invoke-Obfuscation-many.evtx', // 49 chunks, several tasks
].map((p) => sharedData('evtx', ...p.split('/')));

describe('readEvtx and readEvtxFiles', () => {
  it('streams a file chunk by chunk with the same events as the buffer parser', async () => {
    const file = FILES[0]!;
    const expected = [...parseEvtx(readFileSync(file), { file })];
    const got = [];
    const issues: Issue[] = [];
    for await (const e of readEvtx(file, { onIssue: (i) => issues.push(i) })) got.push(e);
    expect(got).toEqual(expected);
    expect(got.length).toBe(530);
    expect(issues).toEqual([]);
  });

  it('reports a missing file as an issue', async () => {
    const issues: Issue[] = [];
    const got = [];
    for await (const e of readEvtx('/nonexistent/x.evtx', { onIssue: (i) => issues.push(i) })) got.push(e);
    expect(got).toEqual([]);
    expect(issues.map((i) => i.code)).toEqual(['unreadable']);
  });

  it.each([0, 2])('workers=%i: ordered batches equal to the buffer parser', async (workers) => {
    const expected = FILES.flatMap((f) => [...parseEvtx(readFileSync(f), { file: f })]);
    const events = [];
    const lines: string[] = [];
    for await (const b of readEvtxFiles(FILES, { workers, mode: 'events', chunksPerTask: 4 })) {
      expect(b.issues).toEqual([]);
      events.push(...b.events);
    }
    for await (const b of readEvtxFiles(FILES, { workers, mode: 'jsonl', chunksPerTask: 4 }))
      lines.push(...b.lines.split('\n').filter(Boolean));
    expect(events).toEqual(expected);
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual(
      expected.map((e) => JSON.parse(JSON.stringify(e.event)) as unknown),
    );
    expect(path.basename(FILES[2]!)).toMatch(/many/);
  });

  it('parses small inputs in-thread unless workers are asked for', () => {
    expect(suggestWorkers(FILES.slice(1, 2))).toBe(0); // 68 KiB
    expect(suggestWorkers(FILES.slice(1, 2), 2)).toBe(0);
    expect(
      suggestWorkers(
        Array.from({ length: 8 }, () => FILES[0]!),
        2,
      ),
    ).toBe(2); // 8 × 1.1 MB
  });

  it('exposes the LogReader interface', () => {
    const buf = readFileSync(FILES[1]!);
    expect(evtxReader.sniff(buf.subarray(0, 16))).toBe(true);
    expect(evtxReader.sniff(Buffer.from('{"Event":{}}'))).toBe(false);
    const recs = [...evtxReader.read(buf)];
    expect(recs).toHaveLength(27);
    expect(recs[0]!.offset).toBe(4096 + 512);
  });
});
