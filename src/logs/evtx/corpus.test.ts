/**
 * Acceptance on the shared corpus:
 * - every file of evtx/evtx_index.json (compiled with Debian's libevtx): record count and
 *   per-`Channel|EventID` counts equal, exactly;
 * - every `.evtx` of sigma/regression_data equals its paired evtx_dump `.json`, field by field.
 *   The only normalisation: SystemTime fractions are cut to microseconds (one `.json` was written
 *   by an evtx_dump version that prints nanoseconds); see readme.md.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import type { Issue } from '../../core/issue.js';
import { parseEvtxJson } from '../evtx-json/parse.js';
import { parseEvtx } from './parse.js';
import { channelEventKey } from './task.js';

interface IndexEntry {
  path: string;
  records: number;
  channel_eventid_counts: Record<string, number>;
}

function walk(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(dir)) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(p);
  }
  return out;
}

/** Cuts ISO time fractions to microseconds anywhere in a JSON value. */
function normaliseTimes(v: unknown): unknown {
  if (typeof v === 'string') return v.replace(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6})\d*Z$/, '$1Z');
  if (Array.isArray(v)) return v.map(normaliseTimes);
  if (v !== null && typeof v === 'object')
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, normaliseTimes(x)]));
  return v;
}

describe('EVTX corpus (evtx_index.json, libevtx counts)', () => {
  const root = sharedData('evtx');
  const index = JSON.parse(readFileSync(path.join(root, 'evtx_index.json'), 'utf8')) as IndexEntry[];

  it('lists the 240 shared files', () => {
    expect(index.length).toBe(240);
  });

  it.each(index.map((e) => [e.path, e] as const))('%s', (_name, entry) => {
    const issues: Issue[] = [];
    const counts: Record<string, number> = {};
    let n = 0;
    for (const ev of parseEvtx(readFileSync(path.join(root, entry.path)), {
      file: entry.path,
      onIssue: (i) => issues.push(i),
    })) {
      n++;
      const k = channelEventKey(ev.event);
      counts[k] = (counts[k] ?? 0) + 1;
    }
    expect(n).toBe(entry.records);
    expect(counts).toEqual(entry.channel_eventid_counts);
    expect(issues.filter((i) => i.code === 'parse-error')).toEqual([]);
  });
});

/**
 * Where a `.json` disagrees with its own `.evtx`. Both oracles (Debian's evtxexport and
 * python-evtx's evtx_dump.py) read the `.evtx` value, so the `.json` was produced from other
 * data; the test checks our value is the oracle's and the rest of the event is equal.
 */
const KNOWN_JSON_ERRATA: Record<string, { field: string; evtx: string; json: string }> = {
  'ad691d92-15f2-4181-9aa4-723c74f9ddc3.evtx': {
    field: 'ParentCommandLine',
    evtx: 'C:\\Windows\\Explorer.EXE',
    json: 'C:\\Windows\\Explorer.exe',
  },
};

describe('Sigma regression data (evtx_dump JSON pairs)', () => {
  const root = sharedData('sigma', 'regression_data');
  const files = walk(root)
    .filter((f) => f.endsWith('.evtx'))
    .sort();

  it('finds the 151 EVTX cases', () => {
    expect(files.length).toBe(151);
  });

  it.each(files.map((f) => [path.relative(root, f), f] as const))('%s', (_name, file) => {
    const expected = [...parseEvtxJson(readFileSync(file.replace(/\.evtx$/, '.json')))].map((r) =>
      normaliseTimes(r.event),
    );
    const issues: Issue[] = [];
    const got = [...parseEvtx(readFileSync(file), { file, onIssue: (i) => issues.push(i) })].map((e) =>
      normaliseTimes(JSON.parse(JSON.stringify(e.event))),
    );
    expect(issues).toEqual([]);
    expect(got.length).toBeGreaterThan(0);
    const erratum = KNOWN_JSON_ERRATA[path.basename(file)];
    if (erratum) {
      const data = (e: unknown): Record<string, unknown> =>
        (e as { Event: { EventData: Record<string, unknown> } }).Event.EventData;
      expect(data(expected[0])[erratum.field]).toBe(erratum.json);
      expect(data(got[0])[erratum.field]).toBe(erratum.evtx);
      data(expected[0])[erratum.field] = erratum.evtx;
    }
    expect(got).toEqual(expected);
  });
});
