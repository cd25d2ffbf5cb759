import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import type { HostContext } from '../../core/host.js';
import type { Observation } from '../../core/observation.js';
import { jobIdOf, retryDelayMs, subjectOf } from '../jobs/nats.js';
import {
  MAX_ISSUES,
  MAX_LINE_BYTES,
  ObservationEncoder,
  observationSource,
  ProtocolError,
  type StreamSummary,
} from './protocol.js';

const JOB = '8c1f4c4e-2f5e-4a59-9d59-0a4cfbb2f1a1';
const WORKER_BUNDLE = '/tmp/chainhunt-job-x/abc.zip';
const SERVER_BUNDLE = '/data/uploads/t-acme/abc.zip';

const host: HostContext = {
  id: 'win-finance-01',
  root: WORKER_BUNDLE,
  fromManifest: true,
  hostname: 'WIN-FINANCE-01',
  os: 'windows',
  tenant: 'acme',
};

const file: Observation = {
  kind: 'file',
  host: 'win-finance-01',
  collectorId: 'scan/read',
  source: { file: `${WORKER_BUNDLE}!/ffmpeg.dll` },
  path: `${WORKER_BUNDLE}!/ffmpeg.dll`,
  name: 'ffmpeg.dll',
  size: 3,
  sha256: 'a'.repeat(64),
  sha1: 'b'.repeat(40),
  md5: 'c'.repeat(32),
};

const pkg: Observation = {
  kind: 'package',
  host: 'win-finance-01',
  collectorId: 'collectors/npm',
  source: { file: `${WORKER_BUNDLE}!/app/package-lock.json`, line: 3 },
  ecosystem: 'npm',
  name: 'left-pad',
  version: '1.3.0',
  locations: [{ file: `${WORKER_BUNDLE}!/app/package-lock.json` }],
};

const app: Observation = {
  kind: 'app',
  host: 'win-finance-01',
  collectorId: 'collectors/windows-reg',
  source: { file: `${WORKER_BUNDLE}!/registry/x.reg`, line: 5 },
  name: '3CX Desktop App',
  version: '18.12.416',
  platform: 'windows',
  scope: 'user',
  installLocation: 'C:\\Users\\alice\\AppData\\Local\\Programs\\3CXDesktopApp\\',
};

function encode(build: (e: ObservationEncoder) => void): string {
  let out = '';
  build(new ObservationEncoder((l) => (out += l)));
  return out;
}

function valid(): string {
  return encode((e) => {
    e.begin(JOB, WORKER_BUNDLE);
    e.add(file, host);
    e.add(pkg, host);
    e.add(app, { ...host, id: 'other', root: `${WORKER_BUNDLE}!/other` });
    e.end([{ code: 'parse-error', message: 'bad line', file: `${WORKER_BUNDLE}!/network/dns.log`, line: 2 }]);
  });
}

async function read(
  text: string | Buffer,
  opts: { gzip?: boolean; maxBytes?: number; job?: string } = {},
): Promise<{ got: { o: Observation; h: HostContext }[]; summary: StreamSummary | null; issues: unknown[] }> {
  const raw = typeof text === 'string' ? Buffer.from(text) : text;
  const body = opts.gzip === false ? raw : gzipSync(raw);
  const got: { o: Observation; h: HostContext }[] = [];
  let summary: StreamSummary | null = null;
  const source = observationSource(() => Readable.from([body]), {
    job: opts.job ?? JOB,
    bundlePath: SERVER_BUNDLE,
    maxBytes: opts.maxBytes ?? 64 * 1024 * 1024,
    onEnd: (s) => (summary = s),
  });
  const { issues } = await source((o, h) => got.push({ o, h }));
  return { got, summary, issues };
}

async function refusal(text: string | Buffer, opts: Parameters<typeof read>[1] = {}): Promise<string> {
  try {
    await read(text, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(ProtocolError);
    return (err as Error).message;
  }
  throw new Error('the stream was accepted');
}

describe('observation stream', () => {
  it('round-trips observations with their hosts, in the server’s paths', async () => {
    const { got, summary, issues } = await read(valid());
    expect(got.map((g) => g.o.kind)).toEqual(['file', 'package', 'app']);
    expect(got[0]?.h).toEqual({ ...host, root: SERVER_BUNDLE });
    expect(got[2]?.h.root).toBe(`${SERVER_BUNDLE}!/other`);
    const f = got[0]?.o as Extract<Observation, { kind: 'file' }>;
    expect(f.path).toBe(`${SERVER_BUNDLE}!/ffmpeg.dll`);
    expect(f.source.file).toBe(`${SERVER_BUNDLE}!/ffmpeg.dll`);
    const p = got[1]?.o as Extract<Observation, { kind: 'package' }>;
    expect(p.locations[0]?.file).toBe(`${SERVER_BUNDLE}!/app/package-lock.json`);
    // Paths on the host itself are not bundle paths and stay as they are.
    const a = got[2]?.o as Extract<Observation, { kind: 'app' }>;
    expect(a.installLocation).toBe(app.installLocation);
    expect(summary).toMatchObject({ job: JOB, observations: 3, issueCount: 1 });
    expect(issues).toEqual([
      { code: 'parse-error', message: 'bad line', file: `${SERVER_BUNDLE}!/network/dns.log`, line: 2 },
    ]);
  });

  it('reads several gzip members as one stream (how workers spool)', async () => {
    const text = valid();
    const cut = text.indexOf('\n', text.length / 2) + 1;
    const body = Buffer.concat([gzipSync(text.slice(0, cut)), gzipSync(text.slice(cut))]);
    const { got } = await read(body, { gzip: false });
    expect(got).toHaveLength(3);
  });

  it('carries at most MAX_ISSUES issues but the exact count', () => {
    const many = Array.from({ length: MAX_ISSUES + 5 }, (_, i) => ({
      code: 'parse-error' as const,
      message: `m${i}`,
    }));
    const text = encode((e) => {
      e.begin(JOB, WORKER_BUNDLE);
      e.end(many);
    });
    const end = JSON.parse(text.trim().split('\n')[1] ?? '{}') as { issues: unknown[]; issueCount: number };
    expect(end.issues).toHaveLength(MAX_ISSUES);
    expect(end.issueCount).toBe(MAX_ISSUES + 5);
  });

  it('refuses a truncated stream (no end line), naming the line', async () => {
    const lines = valid().split('\n');
    const msg = await refusal(lines.slice(0, 3).join('\n') + '\n');
    expect(msg).toMatch(/line 4: truncated: no end line/);
  });

  it('refuses a stream for another job', async () => {
    expect(await refusal(valid(), { job: 'another-job' })).toMatch(/line 1: stream is for job/);
  });

  it('refuses a count that does not match', async () => {
    const text = valid().replace('"observations":3', '"observations":4');
    expect(await refusal(text)).toMatch(/end says 4 observations, got 3/);
  });

  it.each([
    ['not JSON', (l: string[]) => l.splice(2, 0, '{oops'), /line 3: not JSON/],
    [
      'an unknown line type',
      (l: string[]) => l.splice(2, 0, '{"t":"nope"}'),
      /line 3: unknown line type "nope"/,
    ],
    [
      'an unknown host index',
      (l: string[]) => l.splice(2, 0, '{"t":"obs","h":7,"o":{}}'),
      /unknown host index 7/,
    ],
    [
      'an observation of an unknown kind',
      (l: string[]) =>
        l.splice(
          2,
          0,
          '{"t":"obs","h":0,"o":{"kind":"x","host":"h","collectorId":"c","source":{"file":"f"}}}',
        ),
      /line 3: unknown observation kind/,
    ],
    [
      'a file without digests',
      (l: string[]) =>
        l.splice(
          2,
          0,
          '{"t":"obs","h":0,"o":{"kind":"file","host":"h","collectorId":"c","source":{"file":"f"},"path":"p","name":"n","size":1}}',
        ),
      /file sha256 must be a string/,
    ],
    [
      'a host without an id',
      (l: string[]) => l.splice(1, 1, '{"t":"host","i":0,"host":{"root":"/"}}'),
      /host id/,
    ],
    [
      'data after the end',
      (l: string[]) => l.splice(l.length - 1, 0, '{"t":"end"}'),
      /data after the end line/,
    ],
    [
      'a first line that is not begin',
      (l: string[]) => l.splice(0, 1),
      /line 1: the first line must be begin/,
    ],
  ])('refuses %s', async (_name, change, reason) => {
    const lines = valid().split('\n');
    change(lines);
    expect(await refusal(lines.join('\n'))).toMatch(reason);
  });

  it('refuses an empty stream and one that is not gzip', async () => {
    expect(await refusal('')).toMatch(/empty stream/);
    expect(await refusal(valid(), { gzip: false })).toMatch(/line 1: unreadable/);
  });

  it('refuses a stream expanding beyond the cap, and an endless line, without reading it all', async () => {
    expect(await refusal(valid(), { maxBytes: 200 })).toMatch(/larger than 200 bytes expanded/);
    const long = Buffer.alloc(MAX_LINE_BYTES + 1024, 0x61);
    expect(await refusal(long)).toMatch(/line 1: line longer than/);
  });
});

describe('job subjects', () => {
  it('puts the type and id in the subject and reads the id back', () => {
    expect(subjectOf('ingest', JOB)).toBe(`chainhunt.jobs.ingest.${JOB}`);
    expect(jobIdOf(subjectOf('hunt', JOB))).toBe(JOB);
    expect(jobIdOf('chainhunt.jobs.other.x')).toBeNull();
    expect(jobIdOf('chainhunt.jobs.ingest.a.b')).toBeNull();
  });

  it('backs off failed deliveries from 2 s to at most a minute', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 50].map(retryDelayMs)).toEqual([
      2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000,
    ]);
  });
});
