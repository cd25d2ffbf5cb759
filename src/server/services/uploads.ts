/**
 * Uploaded bundles: streamed to disk with a size cap and a SHA-256 on the way, then checked as an
 * archive before anything is recorded: the kind from its magic bytes, every entry name inside the
 * archive, entry count, expanded size and expansion ratio (zip bombs), and a complete read
 * (truncation). A refused upload leaves nothing behind.
 */
import { createHash, randomUUID } from 'node:crypto';
import {
  closeSync,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  readSync,
  renameSync,
  rmSync,
} from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Transform } from 'node:stream';
import { ArchiveError, safeMemberName, visitTar, visitZip, type ArchiveEntry } from '../../scan/archive.js';
import { MANIFEST_NAME, parseManifest } from '../../scan/manifest.js';
import type { UploadLimits } from '../context.js';

/** A refusal: HTTP status and a message naming the reason. */
export class UploadError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface ReceivedUpload {
  tmpPath: string;
  sha256: string;
  size: number;
}

/** Streams `body` to a temporary file under `dir`, refusing more than `maxBytes`. */
export async function receive(body: Readable, dir: string, maxBytes: number): Promise<ReceivedUpload> {
  mkdirSync(dir, { recursive: true });
  const tmpPath = path.join(dir, `${randomUUID()}.part`);
  const hash = createHash('sha256');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      size += chunk.length;
      if (size > maxBytes) {
        cb(new UploadError(413, `upload larger than the ${maxBytes}-byte limit`));
        return;
      }
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  try {
    await pipeline(body, meter, createWriteStream(tmpPath, { flags: 'wx' }));
  } catch (err) {
    rmSync(tmpPath, { force: true });
    if (err instanceof UploadError) throw err;
    throw new UploadError(400, `upload interrupted: ${(err as Error).message}`);
  }
  if (size === 0) {
    rmSync(tmpPath, { force: true });
    throw new UploadError(400, 'empty upload: expected a zip or tar.gz bundle');
  }
  return { tmpPath, sha256: hash.digest('hex'), size };
}

/**
 * Removes partial uploads (`*.part`) left in `dir` by a server killed while receiving them. Called
 * at start, once this process holds the data folder (the evidence store's writer lock), so none
 * of them is still being received. Returns how many were removed.
 */
export function sweepPartialUploads(dir: string): number {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return 0;
  }
  let n = 0;
  for (const name of names)
    if (name.endsWith('.part')) {
      rmSync(path.join(dir, name), { force: true });
      n++;
    }
  return n;
}

export type BundleKind = 'zip' | 'tgz' | 'tar';

/** Largest host manifest accepted (they are a few hundred bytes). */
const MAX_MANIFEST_BYTES = 64 * 1024;

/** The archive kind from the first bytes, or null. */
export function sniffKind(file: string): BundleKind | null {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = readSync(fd, head, 0, 512, 0);
    if (n >= 4 && head.readUInt32LE(0) === 0x04034b50) return 'zip';
    if (n >= 4 && head.readUInt32LE(0) === 0x06054b50) return 'zip'; // empty zip: refused later
    if (n >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tgz';
    if (n >= 262 && head.subarray(257, 262).toString('latin1') === 'ustar') return 'tar';
    return null;
  } finally {
    closeSync(fd);
  }
}

export interface BundleCheck {
  kind: BundleKind;
  entries: number;
  expandedBytes: number;
  manifests: number;
}

/** Reads the whole archive once, enforcing the limits; throws UploadError on the first problem. */
export async function checkBundle(file: string, size: number, limits: UploadLimits): Promise<BundleCheck> {
  const kind = sniffKind(file);
  if (!kind) throw new UploadError(415, 'not an archive: expected a zip or tar.gz bundle');
  let entries = 0;
  let expanded = 0;
  let manifests = 0;
  const ac = new AbortController();
  const visit = async (e: ArchiveEntry, stream: Readable | null): Promise<void> => {
    entries++;
    if (entries > limits.maxEntries)
      throw new UploadError(413, `archive has more than ${limits.maxEntries} entries`);
    const name = safeMemberName(e.name);
    if (name === null)
      throw new UploadError(
        422,
        `path traversal: archive entry ${JSON.stringify(e.name)} escapes the bundle`,
      );
    const isManifest = e.type !== 'dir' && name.split('/').pop()?.toLowerCase() === MANIFEST_NAME;
    if (isManifest) manifests++;
    if (!stream) {
      if (isManifest) throw new UploadError(422, `${name}: the host manifest is not a readable regular file`);
      return;
    }
    const manifest: Buffer[] = [];
    let manifestBytes = 0;
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (isManifest) {
        manifestBytes += chunk.length;
        if (manifestBytes > MAX_MANIFEST_BYTES)
          throw new UploadError(422, `${name}: host manifest larger than ${MAX_MANIFEST_BYTES} bytes`);
        manifest.push(chunk);
      }
      expanded += chunk.length;
      if (expanded > limits.maxExpandedBytes)
        throw new UploadError(413, `archive expands beyond ${limits.maxExpandedBytes} bytes (zip bomb?)`);
      if (expanded > 1024 * 1024 && expanded / size > limits.maxRatio)
        throw new UploadError(
          413,
          `archive expands more than ${limits.maxRatio} times its size (zip bomb?): ${expanded} bytes from ${size}`,
        );
    }
    if (isManifest) {
      // A manifest that names no host would file the bundle under a made-up name: refused.
      const parsed = parseManifest(Buffer.concat(manifest), name);
      if (!parsed.manifest)
        throw new UploadError(422, `${name}: ${parsed.issues[0]?.message ?? 'unreadable host manifest'}`);
    }
  };
  // The first refusal, whatever wrapping the archive reader gives it.
  const first: { refusal?: UploadError } = {};
  const checked = async (e: ArchiveEntry, stream: Readable | null): Promise<void> => {
    try {
      await visit(e, stream);
    } catch (err) {
      if (err instanceof UploadError) first.refusal ??= err;
      throw err;
    }
  };
  try {
    if (kind === 'zip') await visitZip(file, checked, ac.signal);
    else await visitTar(file, kind === 'tgz', checked, ac.signal);
  } catch (err) {
    if (first.refusal) throw first.refusal;
    if (err instanceof UploadError) throw err;
    const inner = (err as { cause?: unknown }).cause;
    if (inner instanceof UploadError) throw inner;
    const msg = err instanceof ArchiveError || err instanceof Error ? err.message : String(err);
    if (/zip bomb|escapes the bundle|entries|expands/.test(msg)) throw new UploadError(422, msg);
    if (/too many bytes in the stream/.test(msg))
      throw new UploadError(422, `an archive entry expands beyond its declared size (zip bomb?): ${msg}`);
    throw new UploadError(422, `truncated or corrupt ${kind === 'zip' ? 'zip' : 'tar'} archive: ${msg}`);
  }
  if (entries === 0) throw new UploadError(422, 'empty archive');
  if (manifests === 0)
    throw new UploadError(422, `no ${MANIFEST_NAME} in the bundle: every host bundle names its host in one`);
  return { kind, entries, expandedBytes: expanded, manifests };
}

/** Moves a checked upload to its permanent place; returns the path. */
export function keep(tmpPath: string, dir: string, sha256: string, kind: BundleKind): string {
  mkdirSync(dir, { recursive: true });
  const ext = kind === 'zip' ? '.zip' : kind === 'tgz' ? '.tar.gz' : '.tar';
  const dest = path.join(dir, `${sha256}${ext}`);
  renameSync(tmpPath, dest);
  return dest;
}
