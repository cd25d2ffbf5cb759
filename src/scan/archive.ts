/**
 * Archive readers for evidence bundles: `.zip` (yauzl, sizes validated) and `.tar`, `.tar.gz`,
 * `.tgz` (tar-stream over zlib). Each is read as a stream, with caps on entries and total bytes.
 */
import { createReadStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import type { Readable } from 'node:stream';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';

export type ArchiveKind = 'zip' | 'tar' | 'tgz';

/** Which archive kind a file name denotes, or null. */
export function archiveKind(lowerName: string): ArchiveKind | null {
  if (lowerName.endsWith('.zip')) return 'zip';
  if (lowerName.endsWith('.tar.gz') || lowerName.endsWith('.tgz')) return 'tgz';
  if (lowerName.endsWith('.tar')) return 'tar';
  return null;
}

export interface ArchiveEntry {
  /** Member path with forward slashes, no leading `./` or `/`. */
  name: string;
  size: number;
  /** 'file', 'dir', 'symlink' or 'other'. */
  type: 'file' | 'dir' | 'symlink' | 'other';
}

/** Called per entry; given a stream for files. Must consume or resume the stream. */
export type EntryVisitor = (entry: ArchiveEntry, stream: Readable | null) => Promise<void>;

export class ArchiveError extends Error {}

/** Normalises a member name; returns null for names escaping the archive (`..`, absolute). */
export function safeMemberName(raw: string): string | null {
  const n = raw.replace(/\\/g, '/').replace(/^(\.\/)+/, '');
  if (n.startsWith('/') || /^[a-zA-Z]:/.test(n)) return null;
  const parts = n.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.some((p) => p === '..')) return null;
  return parts.join('/');
}

/** Visits every entry of a zip archive in order. */
export function visitZip(
  file: string,
  visit: EntryVisitor,
  signal: AbortSignal,
  wantStream: (entry: ArchiveEntry) => boolean = () => true,
): Promise<void> {
  return new Promise((resolve, reject) => {
    yauzl.open(
      file,
      { lazyEntries: true, autoClose: true, validateEntrySizes: true, decodeStrings: false },
      (err, zip) => {
        if (err || !zip) {
          reject(new ArchiveError(`not a readable zip archive: ${err?.message ?? 'unknown error'}`));
          return;
        }
        let done = false;
        const fail = (e: unknown): void => {
          if (done) return;
          done = true;
          zip.close();
          reject(e instanceof Error ? e : new ArchiveError(String(e)));
        };
        zip.on('error', fail);
        zip.on('end', () => {
          if (!done) {
            done = true;
            resolve();
          }
        });
        zip.on('entry', (e: yauzl.Entry) => {
          if (signal.aborted) {
            fail(new ArchiveError('aborted'));
            return;
          }
          // Names are decoded here (not by yauzl, which rejects a whole archive for one hostile name).
          const rawName = e.fileName as unknown as Buffer;
          const fileName =
            (e.generalPurposeBitFlag & 0x800) !== 0 ? rawName.toString('utf8') : rawName.toString('latin1');
          const isDir = fileName.endsWith('/');
          const mode = (e.externalFileAttributes >>> 16) & 0o170000;
          const type: ArchiveEntry['type'] = isDir ? 'dir' : mode === 0o120000 ? 'symlink' : 'file';
          const entry: ArchiveEntry = { name: fileName, size: e.uncompressedSize, type };
          if (type !== 'file' || !wantStream(entry)) {
            visit(entry, null).then(() => zip.readEntry(), fail);
            return;
          }
          zip.openReadStream(e, (err2, stream) => {
            if (err2 || !stream) {
              // An unreadable member (bad compression method, encryption) is reported by the visitor.
              visit({ ...entry, type: 'other' }, null).then(() => zip.readEntry(), fail);
              return;
            }
            visit(entry, stream).then(() => zip.readEntry(), fail);
          });
        });
        zip.readEntry();
      },
    );
  });
}

/** Visits every entry of a tar (optionally gzip-compressed) archive in order. */
export function visitTar(
  file: string,
  gzip: boolean,
  visit: EntryVisitor,
  signal: AbortSignal,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const extract = tarStream.extract();
    const src = createReadStream(file);
    let settled = false;
    const fail = (e: unknown): void => {
      if (settled) return;
      settled = true;
      src.destroy();
      extract.destroy();
      reject(new ArchiveError(e instanceof Error ? e.message : String(e)));
    };
    extract.on('entry', (header, stream, next) => {
      if (signal.aborted) {
        fail(new Error('aborted'));
        return;
      }
      const t = header.type;
      const type: ArchiveEntry['type'] =
        t === 'file' || t === 'contiguous-file'
          ? 'file'
          : t === 'directory'
            ? 'dir'
            : t === 'symlink' || t === 'link'
              ? 'symlink'
              : 'other';
      const entry: ArchiveEntry = { name: header.name, size: header.size ?? 0, type };
      let ended = false;
      let proceeded = false;
      const proceed = (): void => {
        if (!proceeded) {
          proceeded = true;
          next();
        }
      };
      stream.on('end', () => {
        ended = true;
        if (visited) proceed();
      });
      let visited = false;
      visit(entry, type === 'file' ? (stream as unknown as Readable) : null).then(
        () => {
          visited = true;
          if (ended) proceed();
          else stream.resume();
        },
        (e: unknown) => fail(e),
      );
    });
    extract.on('finish', () => {
      if (!settled) {
        settled = true;
        resolve();
      }
    });
    extract.on('error', fail);
    src.on('error', fail);
    if (gzip) {
      const gz = createGunzip();
      gz.on('error', fail);
      src.pipe(gz).pipe(extract);
    } else {
      src.pipe(extract);
    }
  });
}
