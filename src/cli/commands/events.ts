/**
 * `chainhunt events FILE... --format jsonl`: prints every event of Windows event logs (`.evtx`,
 * evtx_dump JSON, Windows XML exports) as JSON Lines in the evtx_dump layout
 * (`{"Event":{"System":{…,"Channel":…,"EventID":…},"EventData":{…}}}`), one event per line, in
 * file order. `.evtx` files are parsed on worker threads; problems go to stderr.
 */
import { once } from 'node:events';
import { open, readFile } from 'node:fs/promises';
import type { Writable } from 'node:stream';
import type { Command } from 'commander';
import type { Issue } from '../../core/issue.js';
import { sniffEventFile } from '../../collectors/evtx/parse.js';
import type { EventFileKind } from '../../collectors/evtx/parse.js';
import { EvtxPool, suggestWorkers } from '../../logs/evtx/pool.js';
import { parseEvtxJson } from '../../logs/evtx-json/parse.js';
import { parseEvtxXml } from '../../logs/evtx-xml/parse.js';

/** Options of the events command. */
export interface EventsOptions {
  format?: string;
  /** Worker threads for `.evtx` (0 = parse in the main thread). */
  workers?: number;
  /** Also print records found in EVTX chunk slack. */
  recover?: boolean;
}

/** Writes with back-pressure; false once the reader has gone away (e.g. `| head`, EPIPE). */
async function write(out: Writable, s: string): Promise<boolean> {
  if (out.destroyed || out.writableEnded || out.errored) return false;
  if (s.length && !out.write(s)) {
    await Promise.race([once(out, 'drain'), once(out, 'close'), once(out, 'error')]).catch(() => undefined);
  }
  return !(out.destroyed || out.errored);
}

function issueLine(i: Issue): string {
  const where = i.offset !== undefined ? `@${i.offset}` : i.line !== undefined ? `:${i.line}` : '';
  return `${i.file ?? ''}${where}: ${i.code}: ${i.message}\n`;
}

async function sniffPath(path: string): Promise<EventFileKind | null | Error> {
  try {
    const fh = await open(path, 'r');
    try {
      const head = Buffer.alloc(4096);
      const { bytesRead } = await fh.read(head, 0, head.length, 0);
      return sniffEventFile(head.subarray(0, bytesRead));
    } finally {
      await fh.close();
    }
  } catch (e) {
    return e instanceof Error ? e : new Error(String(e));
  }
}

/** Runs the command; returns the exit code (0 ok, 1 some file unreadable or not an event log, 2 usage). */
export async function runEvents(
  files: readonly string[],
  options: EventsOptions,
  out: Writable,
  err: Writable,
): Promise<number> {
  const format = options.format ?? 'jsonl';
  if (format !== 'jsonl') {
    err.write(`events: unsupported --format ${format} (supported: jsonl)\n`);
    return 2;
  }
  let code = 0;
  // A closed pipe is not an error of ours: stop quietly.
  const onOutError = (): void => undefined;
  out.on('error', onOutError);
  let pool: EvtxPool | null = null;
  const pending: string[] = [];
  const flushEvtx = async (): Promise<void> => {
    if (!pending.length) return;
    pool ??= new EvtxPool(options.workers ?? suggestWorkers(pending));
    for await (const b of pool.read(pending.splice(0), {
      mode: 'jsonl',
      recover: options.recover === true,
    })) {
      await write(out, b.lines);
      for (const i of b.issues) {
        if (i.code === 'unreadable') code = 1;
        err.write(issueLine(i));
      }
    }
  };
  try {
    for (const f of files) {
      const kind = await sniffPath(f);
      if (kind instanceof Error) {
        await flushEvtx();
        err.write(`${f}: unreadable: ${kind.message}\n`);
        code = 1;
        continue;
      }
      if (kind === 'evtx') {
        pending.push(f);
        continue;
      }
      await flushEvtx();
      if (kind === null) {
        err.write(`${f}: unsupported: not an EVTX file, evtx_dump JSON or Windows XML event export\n`);
        code = 1;
        continue;
      }
      const content = await readFile(f);
      const onIssue = (i: Issue): void => void err.write(issueLine(i));
      const records =
        kind === 'evtx-json'
          ? parseEvtxJson(content, { file: f, onIssue })
          : parseEvtxXml(content, { file: f, onIssue });
      let buf = '';
      for (const r of records) {
        buf += JSON.stringify(r.event) + '\n';
        if (buf.length > 1 << 20) {
          if (!(await write(out, buf))) break;
          buf = '';
        }
      }
      await write(out, buf);
    }
    await flushEvtx();
  } finally {
    if (pool) await (pool as EvtxPool).close();
    out.off('error', onOutError);
  }
  return code;
}

/** Registers `chainhunt events FILE... --format jsonl` on a commander program. */
export function registerEventsCommand(program: Command): void {
  program
    .command('events')
    .description(
      'print Windows events (.evtx, evtx_dump JSON, XML exports) as JSON Lines in evtx_dump layout',
    )
    .argument('<files...>', 'event log files')
    .option('--format <format>', 'output format: jsonl', 'jsonl')
    .option(
      '--workers <n>',
      'worker threads for .evtx files (default: number of cores, none for small inputs; 0 = none)',
      (v) => Math.max(0, Number.parseInt(v, 10) || 0),
    )
    .option('--recover', 'also print records found in EVTX chunk slack (after the free-space offset)')
    .action(async (files: string[], opts: EventsOptions) => {
      process.exitCode = await runEvents(files, opts, process.stdout, process.stderr);
    });
}
