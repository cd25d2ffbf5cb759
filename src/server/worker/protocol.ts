/**
 * The observation stream a worker posts back for an ingest job: gzip-compressed NDJSON, one JSON
 * object per line. Lines, in order:
 *
 * - `{"t":"begin","v":1,"job":ID,"bundle":PATH}`: the job, and where the worker had the bundle file
 *   (the server puts its own copy's path in its place, so stored paths do not depend on the worker);
 * - `{"t":"host","i":N,"host":HostContext}`: host N, before its first observation;
 * - `{"t":"obs","h":N,"o":Observation}`: one observation of host N;
 * - `{"t":"end","observations":COUNT,"issues":[Issue…],"issueCount":COUNT}`: the end (a stream
 *   without it is truncated and refused).
 *
 * The server reads the stream from a spooled file with every size bounded and each line checked;
 * a bad line is an error naming its line number and the reason, and nothing of the job is stored.
 */
import { createReadStream } from 'node:fs';
import { StringDecoder } from 'node:string_decoder';
import { pipeline, Transform, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import type { HostContext, Platform } from '../../core/host.js';
import { ISSUE_CODES as ALL_ISSUE_CODES, type Issue, type IssueCode } from '../../core/issue.js';
import type { Observation } from '../../core/observation.js';
import type { ObservationSink, ObservationSource } from '../../store/ingest.js';

/** The protocol version in the `begin` line. */
export const PROTOCOL_VERSION = 1;
/** Most issues carried in the `end` line (the count is always exact). */
export const MAX_ISSUES = 1000;
/** Longest line accepted (bytes of JSON). */
export const MAX_LINE_BYTES = 8 * 1024 * 1024;

/** A malformed observation stream: the line and the reason. */
export class ProtocolError extends Error {
  constructor(
    readonly line: number,
    reason: string,
  ) {
    super(`observation stream, line ${line}: ${reason}`);
  }
}

/**
 * Builds the lines of an observation stream on the worker: `begin`, then `add` for every
 * observation (host lines are written as new hosts appear), then `end`.
 */
export class ObservationEncoder {
  private readonly hosts = new Map<string, number>();
  private count = 0;

  constructor(private readonly write: (line: string) => void) {}

  begin(job: string, bundle: string): void {
    this.write(`${JSON.stringify({ t: 'begin', v: PROTOCOL_VERSION, job, bundle })}\n`);
  }

  add(o: Observation, host: HostContext): void {
    const key = JSON.stringify([host.tenant ?? '', host.id, host.root]);
    let i = this.hosts.get(key);
    if (i === undefined) {
      i = this.hosts.size;
      this.hosts.set(key, i);
      this.write(`${JSON.stringify({ t: 'host', i, host })}\n`);
    }
    this.count++;
    this.write(`${JSON.stringify({ t: 'obs', h: i, o })}\n`);
  }

  end(issues: readonly Issue[]): void {
    this.write(
      `${JSON.stringify({ t: 'end', observations: this.count, issueCount: issues.length, issues: issues.slice(0, MAX_ISSUES) })}\n`,
    );
  }

  get observations(): number {
    return this.count;
  }
}

/** What a fully read stream said besides its observations. */
export interface StreamSummary {
  job: string;
  observations: number;
  issues: Issue[];
  issueCount: number;
}

type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const KINDS = new Set(['package', 'app', 'file', 'log-event', 'net-contact']);
const PLATFORMS = new Set<Platform>(['windows', 'macos', 'linux', 'unknown']);
const ISSUE_CODES = new Set<IssueCode>(ALL_ISSUE_CODES);

function need(cond: boolean, line: number, reason: string): asserts cond {
  if (!cond) throw new ProtocolError(line, reason);
}

const optString = (o: Obj, k: string): boolean => o[k] === undefined || typeof o[k] === 'string';
const optNumber = (o: Obj, k: string): boolean =>
  o[k] === undefined || (typeof o[k] === 'number' && Number.isFinite(o[k]));

/** Checks the fields the store and the hunts read; returns the reason it is unusable, or null. */
export function checkObservation(o: unknown): string | null {
  if (!isObj(o)) return 'an observation must be an object';
  if (typeof o['kind'] !== 'string' || !KINDS.has(o['kind'])) return `unknown observation kind`;
  if (typeof o['host'] !== 'string' || typeof o['collectorId'] !== 'string')
    return 'host and collectorId must be strings';
  if (!isObj(o['source']) || typeof o['source']['file'] !== 'string') return 'source.file must be a string';
  for (const k of ['tenant']) if (!optString(o, k)) return `${k} must be a string`;
  switch (o['kind']) {
    case 'package':
      for (const k of ['ecosystem', 'name', 'version'])
        if (typeof o[k] !== 'string') return `package ${k} must be a string`;
      if (
        !Array.isArray(o['locations']) ||
        !o['locations'].every((l) => isObj(l) && typeof l['file'] === 'string')
      )
        return 'package locations must be a list of {file}';
      return null;
    case 'app':
      if (typeof o['name'] !== 'string') return 'app name must be a string';
      if (typeof o['platform'] !== 'string' || !PLATFORMS.has(o['platform'] as Platform))
        return 'app platform must be windows, macos, linux or unknown';
      for (const k of ['version', 'publisher']) if (!optString(o, k)) return `app ${k} must be a string`;
      return null;
    case 'file':
      for (const k of ['path', 'name', 'sha256', 'sha1', 'md5'])
        if (typeof o[k] !== 'string') return `file ${k} must be a string`;
      if (typeof o['size'] !== 'number' || !Number.isFinite(o['size']) || o['size'] < 0)
        return 'file size must be a number';
      return null;
    case 'log-event':
      if (!isObj(o['event'])) return 'log-event event must be an object';
      for (const k of ['time', 'channel']) if (!optString(o, k)) return `log-event ${k} must be a string`;
      if (!optNumber(o, 'eventId')) return 'log-event eventId must be a number';
      return null;
    default:
      for (const k of ['time', 'src', 'dst', 'fqdn', 'sni', 'url'])
        if (!optString(o, k)) return `net-contact ${k} must be a string`;
      return null;
  }
}

function checkHost(h: unknown): string | null {
  if (!isObj(h)) return 'a host must be an object';
  if (typeof h['id'] !== 'string' || h['id'] === '') return 'host id must be a non-empty string';
  if (typeof h['root'] !== 'string') return 'host root must be a string';
  for (const k of ['hostname', 'osVersion', 'tenant', 'collectedAt'])
    if (!optString(h, k)) return `host ${k} must be a string`;
  if (h['os'] !== undefined && !PLATFORMS.has(h['os'] as Platform))
    return 'host os must be windows, macos, linux or unknown';
  return null;
}

function checkIssue(i: unknown): Issue | null {
  if (!isObj(i) || typeof i['message'] !== 'string' || !ISSUE_CODES.has(i['code'] as IssueCode)) return null;
  const out: Issue = { code: i['code'] as IssueCode, message: i['message'].slice(0, 2000) };
  if (typeof i['file'] === 'string') out.file = i['file'];
  if (typeof i['line'] === 'number') out.line = i['line'];
  if (typeof i['offset'] === 'number') out.offset = i['offset'];
  if (typeof i['pluginId'] === 'string') out.pluginId = i['pluginId'];
  return out;
}

/** `p` with the prefix `from` replaced by `to` (paths the worker saw, as the server has them). */
function moved(p: string, from: string, to: string): string {
  return from !== '' && (p === from || p.startsWith(`${from}!`) || p.startsWith(`${from}/`))
    ? to + p.slice(from.length)
    : p;
}

function relocate(o: Observation, from: string, to: string): Observation {
  const source = { ...o.source, file: moved(o.source.file, from, to) };
  if (o.kind === 'file') return { ...o, source, path: moved(o.path, from, to) };
  if (o.kind === 'package')
    return { ...o, source, locations: o.locations.map((l) => ({ ...l, file: moved(l.file, from, to) })) };
  return { ...o, source };
}

/** Options of {@link readObservationStream}. */
export interface ReadOptions {
  /** The job the stream must be for. */
  job: string;
  /** The server's path of the bundle, put in place of the worker's. */
  bundlePath: string;
  /** Most bytes the stream may expand to. */
  maxBytes: number;
  /** Called once the `end` line is read. */
  onEnd?: (summary: StreamSummary) => void;
}

/** Counts bytes and refuses more than `max`. */
function cap(max: number): Transform {
  let n = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > max) cb(new Error(`observation stream larger than ${max} bytes expanded`));
      else cb(null, chunk);
    },
  });
}

/**
 * An observation source reading a stream (gzip NDJSON, from `open()`), checking every line; usable
 * with `ingestObservations`. Throws {@link ProtocolError} on the first bad line.
 */
export function observationSource(open: () => Readable, o: ReadOptions): ObservationSource {
  return async (sink: ObservationSink) => {
    // pipeline, not pipe: an error anywhere (bad gzip, the cap) ends the chain and reaches the reader.
    const chain = pipeline(open(), createGunzip(), cap(o.maxBytes), () => undefined);
    const summary = await readLines(chain, o, sink);
    o.onEnd?.(summary);
    return { issues: summary.issues };
  };
}

/** {@link observationSource} over a spooled file. */
export function observationFileSource(file: string, o: ReadOptions): ObservationSource {
  return observationSource(() => createReadStream(file), o);
}

/** The lines of `input` (UTF-8), refusing a line longer than `max` characters. */
async function* linesOf(input: Readable, max: number): AsyncGenerator<string> {
  const dec = new StringDecoder('utf8');
  let pending = '';
  for await (const chunk of input as AsyncIterable<Buffer>) {
    const text = dec.write(chunk);
    // Only the new text can hold the next newline: no rescanning of a long pending line.
    let i = text.indexOf('\n');
    if (i < 0) {
      pending += text;
    } else {
      yield pending + text.slice(0, i);
      let from = i + 1;
      for (i = text.indexOf('\n', from); i >= 0; i = text.indexOf('\n', from)) {
        yield text.slice(from, i);
        from = i + 1;
      }
      pending = text.slice(from);
    }
    if (pending.length > max) throw new LineTooLong();
  }
  pending += dec.end();
  if (pending !== '') yield pending;
}

class LineTooLong extends Error {}

async function readLines(input: Readable, o: ReadOptions, sink: ObservationSink): Promise<StreamSummary> {
  const hosts: HostContext[] = [];
  let from = '';
  let n = 0;
  let count = 0;
  let end: StreamSummary | null = null;
  try {
    for await (const line of linesOf(input, MAX_LINE_BYTES)) {
      n++;
      need(end === null, n, 'data after the end line');
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        throw new ProtocolError(n, 'not JSON');
      }
      need(isObj(v), n, 'a line must be a JSON object');
      if (n === 1) {
        need(v['t'] === 'begin', n, 'the first line must be begin');
        need(v['v'] === PROTOCOL_VERSION, n, `unsupported protocol version ${String(v['v'])}`);
        need(v['job'] === o.job, n, `stream is for job ${String(v['job'])}, not ${o.job}`);
        need(typeof v['bundle'] === 'string', n, 'begin needs the bundle path');
        from = v['bundle'];
        continue;
      }
      switch (v['t']) {
        case 'host': {
          const why = checkHost(v['host']);
          need(why === null, n, why ?? '');
          need(v['i'] === hosts.length, n, `host index ${String(v['i'])} out of order`);
          const h = v['host'] as HostContext;
          hosts.push({ ...h, root: moved(h.root, from, o.bundlePath) });
          break;
        }
        case 'obs': {
          const h = typeof v['h'] === 'number' ? hosts[v['h']] : undefined;
          need(h !== undefined, n, `unknown host index ${String(v['h'])}`);
          const why = checkObservation(v['o']);
          need(why === null, n, why ?? '');
          count++;
          sink(relocate(v['o'] as Observation, from, o.bundlePath), h);
          break;
        }
        case 'end': {
          need(
            v['observations'] === count,
            n,
            `end says ${String(v['observations'])} observations, got ${count}`,
          );
          need(Array.isArray(v['issues']), n, 'end needs issues');
          const issues = (v['issues'] as unknown[])
            .slice(0, MAX_ISSUES)
            .map(checkIssue)
            .filter((i): i is Issue => i !== null)
            .map((i) => (i.file === undefined ? i : { ...i, file: moved(i.file, from, o.bundlePath) }));
          const issueCount = typeof v['issueCount'] === 'number' ? v['issueCount'] : issues.length;
          end = { job: o.job, observations: count, issues, issueCount };
          break;
        }
        default:
          throw new ProtocolError(n, `unknown line type ${JSON.stringify(v['t'])}`);
      }
    }
  } catch (err) {
    if (err instanceof ProtocolError) throw err;
    if (err instanceof LineTooLong)
      throw new ProtocolError(n + 1, `line longer than ${MAX_LINE_BYTES} bytes`);
    throw new ProtocolError(n + 1, `unreadable: ${(err as Error).message.split('\n')[0] ?? ''}`);
  } finally {
    input.destroy();
  }
  need(n > 0, 1, 'empty stream');
  need(end !== null, n + 1, 'truncated: no end line');
  return end;
}
