/**
 * Worker thread of {@link HashPool}: reads one regular file (no symlink following, non-blocking
 * open so a FIFO swapped in after listing cannot hang it), feeds sha256, sha1 and md5, runs the
 * pool's content scanners on the bytes (when the file is within the size limit) and returns the
 * bytes transferred, not copied.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import type { ThreadScanner } from '../core/plugin.js';
import { MultiHasher } from '../util/hash.js';
import type { HashRequest, HashResponse, HashWorkerData } from './hash-pool.js';

const CHUNK = 1 << 20;

type Result = Extract<HashResponse, { type: 'result' }>;

const scanners: { id: string; scanner: ThreadScanner }[] = [];

function message(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Builds every scanner once; those that fail are reported and left out. */
async function buildScanners(data: HashWorkerData | undefined): Promise<HashResponse> {
  const infos: Record<string, unknown> = {};
  const errors: Record<string, string> = {};
  for (const s of data?.scanners ?? []) {
    try {
      const mod = (await import(s.module)) as {
        createThreadScanner: (init: unknown) => ThreadScanner;
      };
      const scanner = mod.createThreadScanner(s.init);
      scanners.push({ id: s.id, scanner });
      infos[s.id] = scanner.info;
    } catch (err) {
      errors[s.id] = message(err);
    }
  }
  return { type: 'ready', infos, errors };
}

/** Each scanner's result for these bytes; a scanner that throws leaves no result. */
function scan(content: Buffer, path: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of scanners) {
    try {
      out[s.id] = s.scanner.scan(content, path);
    } catch {
      // The content matcher does the work itself when the result is missing.
    }
  }
  return out;
}

function hashOne(req: Extract<HashRequest, { type: 'hash' }>): Result {
  let fd: number;
  try {
    fd = openSync(req.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return { type: 'result', id: req.id, error: message(err) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { type: 'result', id: req.id, error: 'not a regular file' };
    const hasher = new MultiHasher();
    // Not zero-filled (every byte kept is read first); its own ArrayBuffer, so it can be transferred.
    let keep: Buffer | null = st.size <= req.maxKeep ? Buffer.allocUnsafeSlow(st.size) : null;
    let size = 0;
    let chunk: Buffer | null = null;
    for (;;) {
      let n: number;
      if (keep && size < keep.length) {
        n = readSync(fd, keep, size, Math.min(CHUNK * 8, keep.length - size), null);
        if (n === 0) break;
        hasher.update(keep.subarray(size, size + n));
      } else {
        chunk ??= Buffer.allocUnsafe(CHUNK);
        n = readSync(fd, chunk, 0, CHUNK, null);
        if (n === 0) break;
        hasher.update(chunk.subarray(0, n));
        if (keep) keep = null; // the file grew past its listed size: hash on, do not keep a partial copy
      }
      size += n;
    }
    const out: Result = { type: 'result', id: req.id, digests: hasher.done(), size };
    if (keep) {
      // `keep` views the whole of its own ArrayBuffer; a file that shrank leaves a shorter prefix.
      const bytes = size === keep.length ? keep : keep.subarray(0, size);
      if (scanners.length > 0) out.scans = scan(bytes, req.shown);
      out.content = keep.buffer as ArrayBuffer;
      out.contentLength = size;
    }
    return out;
  } catch (err) {
    return { type: 'result', id: req.id, error: message(err) };
  } finally {
    closeSync(fd);
  }
}

const ready = buildScanners(workerData as HashWorkerData | undefined);
void ready.then((r) => {
  parentPort?.postMessage(r);
  parentPort?.on('message', (req: HashRequest) => {
    if (req.type === 'scan') {
      parentPort!.postMessage({
        type: 'result',
        id: req.id,
        scans: scan(Buffer.from(req.content), req.path),
      } satisfies Result);
      return;
    }
    const res = hashOne(req);
    parentPort!.postMessage(res, res.content ? [res.content] : []);
  });
});
