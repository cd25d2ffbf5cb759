/**
 * Reads listed evidence: one pass per file feeds sha256, sha1 and md5 and (up to the size limit)
 * the buffer handed to collectors. Archive members are read in one sequential pass per archive.
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { errorMessage } from '../core/errors.js';
import { issue, type Issue } from '../core/issue.js';
import { MultiHasher, type Digests } from '../util/hash.js';
import { safeMemberName, visitTar, visitZip } from './archive.js';
import type { WalkLimits } from './limits.js';
import type { EvidenceEntry } from './walk.js';

/** One file read: digests always, content when within the size limit. */
export interface ReadFile {
  entry: EvidenceEntry;
  /** null when the file is larger than `maxFileSize` (hashed by streaming only). */
  content: Buffer | null;
  digests: Digests;
  size: number;
  /** Content scanners' results by matcher id, when the reader ran them (the hashing threads). */
  scans?: Record<string, unknown>;
}

const READ_ID = 'scan/read';

async function consume(
  stream: Readable,
  maxKeep: number,
): Promise<{ content: Buffer | null; digests: Digests; size: number }> {
  const hasher = new MultiHasher();
  const chunks: Buffer[] = [];
  let size = 0;
  let keep = true;
  for await (const chunk of stream) {
    const b = chunk as Buffer;
    hasher.update(b);
    size += b.length;
    if (keep) {
      if (size > maxKeep) {
        keep = false;
        chunks.length = 0;
      } else {
        chunks.push(b);
      }
    }
  }
  return { content: keep ? Buffer.concat(chunks, size) : null, digests: hasher.done(), size };
}

/** Reads and hashes one plain file (e.g. `HashPool.hash`, on worker threads); `shown`: path as walked. */
export type FsFileReader = (
  path: string,
  maxKeep: number,
  shown: string,
) => Promise<{ content: Buffer | null; digests: Digests; size: number; scans?: Record<string, unknown> }>;

/**
 * Reads every entry and calls `onFile` for each, in listing order within each container.
 * Read failures become issues in `issues`. Plain files are read by `readFs` when given (the
 * runner's hashing thread pool), else streamed and hashed on this thread.
 */
export async function readEntries(
  entries: readonly EvidenceEntry[],
  limits: WalkLimits,
  signal: AbortSignal,
  onFile: (f: ReadFile) => Promise<void>,
  issues: Issue[],
  readFs?: FsFileReader,
): Promise<void> {
  const fsEntries: EvidenceEntry[] = [];
  const archives = new Map<string, EvidenceEntry[]>();
  for (const e of entries) {
    if (e.container.kind === 'fs') fsEntries.push(e);
    else {
      const list = archives.get(e.container.archive) ?? [];
      list.push(e);
      archives.set(e.container.archive, list);
    }
  }
  // Plain files: a few reads in flight so I/O overlaps with parsing.
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < fsEntries.length && !signal.aborted) {
      const e = fsEntries[next++]!;
      let read;
      try {
        read = readFs
          ? await readFs(e.location, limits.maxFileSize, e.ref.path)
          : await consume(createReadStream(e.location, { highWaterMark: 1 << 20 }), limits.maxFileSize);
      } catch (err) {
        issues.push(
          issue('unreadable', `cannot read file: ${errorMessage(err)}`, {
            file: e.ref.path,
            pluginId: READ_ID,
          }),
        );
        continue;
      }
      await onFile({ entry: e, ...read });
    }
  };
  await Promise.all([worker(), worker(), worker(), worker()]);

  for (const [archive, list] of [...archives.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (signal.aborted) break;
    const first = list[0]!;
    const c = first.container;
    if (c.kind === 'fs') continue;
    const wanted = new Map<string, EvidenceEntry[]>();
    for (const e of list) {
      const q = wanted.get(e.location) ?? [];
      q.push(e);
      wanted.set(e.location, q);
    }
    const visit = async (ae: { name: string }, stream: Readable | null): Promise<void> => {
      const name = safeMemberName(ae.name);
      const q = name === null ? undefined : wanted.get(name);
      const e = q?.shift();
      if (!e || !stream) return;
      let read;
      try {
        read = await consume(stream, limits.maxFileSize);
      } catch (err) {
        issues.push(
          issue('archive-error', `cannot read archive member: ${errorMessage(err)}`, {
            file: e.ref.path,
            pluginId: READ_ID,
          }),
        );
        return;
      }
      await onFile({ entry: e, ...read });
    };
    try {
      if (c.kind === 'zip') {
        await visitZip(archive, visit, signal, (ae) => {
          const n = safeMemberName(ae.name);
          return n !== null && (wanted.get(n)?.length ?? 0) > 0;
        });
      } else {
        await visitTar(archive, c.kind === 'tgz', visit, signal);
      }
    } catch (err) {
      issues.push(
        issue('archive-error', `archive read stopped: ${errorMessage(err)}`, {
          file: c.archiveDisplay,
          pluginId: READ_ID,
        }),
      );
    }
  }
}
