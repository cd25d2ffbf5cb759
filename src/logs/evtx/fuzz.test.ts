/**
 * Corrupted input: 10,000+ deterministic mutations (truncations, zeroed chunks and regions, random
 * byte flips) of real samples. Nothing may throw or hang; every issue names the file and a byte
 * offset inside it; truncation and zeroing lose exactly the damaged records and keep the rest.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import type { Issue } from '../../core/issue.js';
import { CHUNK_SIZE, FILE_HEADER_SIZE, parseEvtx } from './parse.js';
import type { EvtxEvent } from './parse.js';

/** mulberry32: a small deterministic PRNG. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function run(buf: Buffer, file: string): { events: EvtxEvent[]; issues: Issue[] } {
  const issues: Issue[] = [];
  const events = [...parseEvtx(buf, { file, onIssue: (i) => issues.push(i) })];
  return { events, issues };
}

function sample(rel: string, chunks?: number): Buffer {
  const b = readFileSync(sharedData('evtx', ...rel.split('/')));
  if (chunks === undefined) return b;
  // Keep the first `chunks` chunks and make the header say so (with a valid CRC).
  const out = Buffer.from(b.subarray(0, FILE_HEADER_SIZE + chunks * CHUNK_SIZE));
  out.writeUInt16LE(chunks, 42);
  out.writeUInt32LE(crc32(out.subarray(0, 120)), 124);
  return out;
}

const SAMPLES: [string, Buffer][] = [
  ['powersploit-security.evtx', sample('DeepBlueCLI/powersploit-security.evtx')],
  ['psattack-security.evtx', sample('DeepBlueCLI/psattack-security.evtx')],
  [
    'de_unmanagedpowershell.evtx',
    sample('EVTX-ATTACK-SAMPLES/Defense Evasion/de_unmanagedpowershell_psinject_sysmon_7_8_10.evtx'),
  ],
  // Two populated chunks, so damage to one chunk can be checked against the others.
  [
    'Sysmon_UACME_64-2chunks.evtx',
    sample('EVTX-ATTACK-SAMPLES/Privilege Escalation/Sysmon_UACME_64.evtx', 2),
  ],
];

const PER_SAMPLE = 2600; // 4 × 2600 = 10,400 mutations

describe('EVTX reader under corruption', () => {
  it.each(SAMPLES)('%s survives %#: 2,600 mutations', (name, original) => {
    const base = run(original, name);
    expect(base.issues).toEqual([]);
    expect(base.events.length).toBeGreaterThan(20);
    const ids = base.events.map((e) => e.recordId);
    const chunkOf = (e: EvtxEvent): number => Math.floor((e.offset - FILE_HEADER_SIZE) / CHUNK_SIZE);
    const slots = Math.ceil((original.length - FILE_HEADER_SIZE) / CHUNK_SIZE);
    const next = rng(0xc0ffee ^ original.length ^ name.length);
    const bad: string[] = [];
    const stats = { truncated: 0, zeroed: 0, flipped: 0, issues: 0 };

    for (let m = 0; m < PER_SAMPLE; m++) {
      const kind = m % 4;
      const buf = Buffer.from(original);
      let file = buf;
      let zeroedChunk = -1;
      if (kind === 0) {
        file = buf.subarray(0, Math.floor(next() * original.length));
        stats.truncated++;
      } else if (kind === 1) {
        if (slots > 1 && next() < 0.5) {
          zeroedChunk = Math.floor(next() * slots);
          buf.fill(
            0,
            FILE_HEADER_SIZE + zeroedChunk * CHUNK_SIZE,
            FILE_HEADER_SIZE + (zeroedChunk + 1) * CHUNK_SIZE,
          );
        } else {
          const at = Math.floor(next() * buf.length);
          buf.fill(0, at, Math.min(buf.length, at + 1 + Math.floor(next() * 4096)));
        }
        stats.zeroed++;
      } else {
        // Random byte flips; half of them land in the first KiB of a chunk (headers, first records, templates).
        const flips = 1 + Math.floor(next() * 16);
        for (let f = 0; f < flips; f++) {
          const at =
            next() < 0.5
              ? FILE_HEADER_SIZE + Math.floor(next() * slots) * CHUNK_SIZE + Math.floor(next() * 1024)
              : Math.floor(next() * buf.length);
          if (at < buf.length) buf[at] = Math.floor(next() * 256);
        }
        stats.flipped++;
      }

      let out: { events: EvtxEvent[]; issues: Issue[] };
      try {
        out = run(file, name);
      } catch (e) {
        bad.push(`mutation ${m}: threw ${String(e)}`);
        continue;
      }
      stats.issues += out.issues.length;
      for (const i of out.issues) {
        if (i.file !== name || typeof i.offset !== 'number' || i.offset < 0 || i.offset > original.length) {
          bad.push(`mutation ${m}: issue without file/offset: ${JSON.stringify(i)}`);
          break;
        }
      }
      // Output stays proportional to the input: a record takes at least 28 bytes.
      if (out.events.length > Math.ceil(file.length / 28))
        bad.push(`mutation ${m}: ${out.events.length} events from ${file.length} bytes`);
      for (const e of out.events) {
        if (e.event === null || typeof e.event !== 'object' || e.offset < 0 || e.offset >= file.length) {
          bad.push(`mutation ${m}: malformed event at ${e.offset}`);
          break;
        }
      }
      if (kind === 0) {
        // A truncated file yields a prefix of the original records, unchanged.
        const got = out.events.map((e) => e.recordId);
        if (got.some((id, i) => id !== ids[i])) bad.push(`mutation ${m}: truncation changed records`);
        const cut = file.length - FILE_HEADER_SIZE;
        const partial = cut > 0 ? cut % CHUNK_SIZE : 0;
        const partialStart = file.length - partial;
        if (
          partial >= 8 &&
          file.toString('latin1', partialStart, partialStart + 8) === 'ElfChnk\0' &&
          !out.issues.some((i) => i.code === 'truncated')
        ) {
          bad.push(`mutation ${m}: truncated chunk not reported`);
        }
      }
      if (zeroedChunk >= 0) {
        const expected = base.events.filter((e) => chunkOf(e) !== zeroedChunk).map((e) => e.recordId);
        if (JSON.stringify(out.events.map((e) => e.recordId)) !== JSON.stringify(expected)) {
          bad.push(`mutation ${m}: zeroing chunk ${zeroedChunk} affected other chunks`);
        }
      }
    }
    expect(bad.slice(0, 5)).toEqual([]);
    expect(stats.truncated + stats.zeroed + stats.flipped).toBe(PER_SAMPLE);
    // The damage was noticed: mutations produced issues.
    expect(stats.issues).toBeGreaterThan(PER_SAMPLE / 4);
  });

  it('reports where a damaged record is', () => {
    const [name, original] = SAMPLES[0]!;
    const buf = Buffer.from(original);
    const first = run(original, name).events[1]!;
    buf.writeUInt32LE(0xffff, first.offset + 4); // impossible record size
    const { events, issues } = run(buf, name);
    expect(issues.find((i) => i.code === 'parse-error')).toEqual(
      expect.objectContaining({ file: name, offset: first.offset }),
    );
    expect(issues.find((i) => i.code === 'checksum-mismatch')).toEqual(
      expect.objectContaining({ file: name, offset: FILE_HEADER_SIZE + 52 }),
    );
    // The reader resynchronises on the next record signature.
    expect(events.length).toBe(run(original, name).events.length - 1);
    expect(path.basename(name)).toBe(name);
  });
});
