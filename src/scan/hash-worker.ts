/**
 * Worker thread of {@link HashPool}: reads one regular file (no symlink following, non-blocking
 * open so a FIFO swapped in after listing cannot hang it), feeds sha256, sha1 and md5, and returns
 * the bytes (transferred, not copied) when the file is within the size limit.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { parentPort } from 'node:worker_threads';
import { MultiHasher } from '../util/hash.js';
import type { HashRequest, HashResponse } from './hash-pool.js';

const CHUNK = 1 << 20;

function hashOne(req: HashRequest): HashResponse {
  let fd: number;
  try {
    fd = openSync(req.path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    return { id: req.id, error: err instanceof Error ? err.message : String(err) };
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return { id: req.id, error: 'not a regular file' };
    const hasher = new MultiHasher();
    let keep: Buffer | null = st.size <= req.maxKeep ? Buffer.from(new ArrayBuffer(st.size)) : null;
    let size = 0;
    const chunk = Buffer.allocUnsafe(CHUNK);
    for (;;) {
      let n: number;
      if (keep && size < keep.length) {
        n = readSync(fd, keep, size, Math.min(CHUNK * 8, keep.length - size), null);
        if (n === 0) break;
        hasher.update(keep.subarray(size, size + n));
      } else {
        n = readSync(fd, chunk, 0, CHUNK, null);
        if (n === 0) break;
        hasher.update(chunk.subarray(0, n));
        if (keep) keep = null; // the file grew past its listed size: hash on, do not keep a partial copy
      }
      size += n;
    }
    const out: HashResponse = { id: req.id, digests: hasher.done(), size };
    if (keep) {
      // `keep` views the whole of its own ArrayBuffer; a file that shrank leaves a shorter prefix.
      out.content = keep.buffer as ArrayBuffer;
      out.contentLength = size;
    }
    return out;
  } catch (err) {
    return { id: req.id, error: err instanceof Error ? err.message : String(err) };
  } finally {
    closeSync(fd);
  }
}

parentPort?.on('message', (req: HashRequest) => {
  const res = hashOne(req);
  parentPort!.postMessage(res, res.content ? [res.content] : []);
});
