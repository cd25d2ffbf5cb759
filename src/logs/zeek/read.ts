/**
 * Zeek log I/O: gzip-aware decoding of a buffer (for collectors, whose runner already read the
 * file) and streaming reads of files from disk (for the beacons command and benchmarks), plus a
 * directory walk. Parsing itself is in parse.ts.
 */
import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { constants, createGunzip, gunzipSync } from 'node:zlib';
import type { Issue } from '../../core/issue.js';
import { issue } from '../../core/issue.js';
import { decodeText } from '../../util/text.js';
import { ZeekLineParser, zeekLogTypeFromName, type ZeekParseOptions, type ZeekRecord } from './parse.js';

/** Decompressed logs larger than this are cut (bounded memory); 1 GiB by default. */
export const DEFAULT_MAX_DECOMPRESSED = 1024 * 1024 * 1024;

/** True when the buffer starts with the gzip magic bytes. */
export function isGzip(buf: Uint8Array): boolean {
  return buf.length >= 2 && buf[0] === 0x1f && buf[1] === 0x8b;
}

/**
 * Turns a log file's bytes into text: gunzips when needed (a gzip stream cut short yields what
 * could be decompressed and a `truncated` issue), then decodes UTF-8 (invalid bytes become
 * U+FFFD with an `encoding` issue). Never throws.
 */
export function decodeLogBuffer(
  buf: Buffer,
  file: string,
  opts: { pluginId?: string; maxBytes?: number } = {},
): { text: string; issues: Issue[] } {
  const issues: Issue[] = [];
  const where = { file, pluginId: opts.pluginId };
  const max = opts.maxBytes ?? DEFAULT_MAX_DECOMPRESSED;
  let data: Buffer = buf;
  if (isGzip(buf)) {
    try {
      data = gunzipSync(buf, { maxOutputLength: max });
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'ERR_BUFFER_TOO_LARGE') {
        issues.push(
          issue('too-large', `decompressed log exceeds ${max} bytes; skipped`, { ...where, offset: 0 }),
        );
        return { text: '', issues };
      }
      try {
        data = gunzipSync(buf, { maxOutputLength: max, finishFlush: constants.Z_SYNC_FLUSH });
        issues.push(
          issue('truncated', 'gzip stream cut short; read what could be decompressed', {
            ...where,
            offset: buf.length,
          }),
        );
      } catch {
        issues.push(issue('archive-error', 'not a readable gzip stream', { ...where, offset: 0 }));
        return { text: '', issues };
      }
    }
  }
  const decoded = decodeText(data);
  if (decoded) return { text: decoded.text, issues };
  issues.push(
    issue('encoding', 'log is not valid UTF-8; invalid bytes replaced', {
      ...where,
      offset: firstInvalidUtf8(data),
    }),
  );
  return { text: new TextDecoder('utf-8', { fatal: false }).decode(data), issues };
}

/** Byte offset of the first invalid UTF-8 sequence (or the length when valid). */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  while (i < b.length) {
    const c = b[i] as number;
    const n =
      c < 0x80
        ? 0
        : c >= 0xc2 && c <= 0xdf
          ? 1
          : c >= 0xe0 && c <= 0xef
            ? 2
            : c >= 0xf0 && c <= 0xf4
              ? 3
              : -1;
    if (n < 0 || (n > 0 && i + n >= b.length)) return i;
    for (let k = 1; k <= n; k++) if (((b[i + k] as number) & 0xc0) !== 0x80) return i;
    i += n + 1;
  }
  return b.length;
}

/** Summary of one streamed file. */
export interface ReadSummary {
  file: string;
  records: number;
  lines: number;
  issues: Issue[];
}

/**
 * Streams one Zeek log file (plain or gzip) line by line with bounded memory, calling
 * `onRecord` for each parsed record. The log path defaults to the one the file name implies.
 * Never rejects for bad content: problems are issues in the summary.
 */
export async function readZeekFile(
  file: string,
  onRecord: (r: ZeekRecord) => void,
  opts: ZeekParseOptions & { signal?: AbortSignal } = {},
): Promise<ReadSummary> {
  const base = path.basename(file);
  const hint = opts.pathHint ?? zeekLogTypeFromName(base)?.type;
  const parserOpts: ZeekParseOptions = { ...opts, file: opts.file ?? file };
  if (hint !== undefined) parserOpts.pathHint = hint;
  const parser = new ZeekLineParser(parserOpts);
  const where = { file: parserOpts.file, pluginId: opts.pluginId };
  let lines = 0;
  let rest = '';
  const decoder = new TextDecoder('utf-8', { fatal: false });
  const feed = (chunk: string, final: boolean): void => {
    let text = rest + chunk;
    let start = 0;
    for (;;) {
      const nl = text.indexOf('\n', start);
      if (nl < 0) break;
      lines++;
      const r = parser.line(text.slice(start, nl), lines, false);
      if (r) onRecord(r);
      start = nl + 1;
    }
    text = text.slice(start);
    if (final) {
      if (text.length > 0) {
        lines++;
        const r = parser.line(text, lines, true);
        if (r) onRecord(r);
      }
      rest = '';
    } else {
      rest = text;
    }
  };

  const head = await readHead(file);
  const gz = isGzip(head);
  const extra: Issue[] = [];
  await new Promise<void>((resolve) => {
    const src = createReadStream(file);
    let stream: NodeJS.ReadableStream = src;
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      feed(decoder.decode(), true);
      resolve();
    };
    src.on('error', (e) => {
      extra.push(issue('unreadable', `cannot read: ${(e as NodeJS.ErrnoException).code ?? 'error'}`, where));
      finish();
    });
    if (gz) {
      const gunzip = createGunzip({ finishFlush: constants.Z_SYNC_FLUSH });
      gunzip.on('error', () => {
        extra.push(
          issue('truncated', 'gzip stream cut short or corrupt; read what could be decompressed', where),
        );
        src.destroy();
        finish();
      });
      stream = src.pipe(gunzip);
    }
    stream.on('data', (chunk: Buffer) => {
      if (opts.signal?.aborted) {
        src.destroy();
        finish();
        return;
      }
      feed(decoder.decode(chunk, { stream: true }), false);
    });
    stream.on('end', finish);
  });
  parser.finish();
  return { file, records: parser.recordCount, lines, issues: [...parser.issues, ...extra] };
}

async function readHead(file: string): Promise<Buffer> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const s = createReadStream(file, { start: 0, end: 1 });
    s.on('data', (c: string | Buffer) => {
      if (typeof c !== 'string') chunks.push(c);
    });
    s.on('error', () => resolve(Buffer.alloc(0)));
    s.on('end', () => resolve(Buffer.concat(chunks)));
  });
}

/**
 * Walks files and directories (recursively, symlinks not followed) and returns the regular files
 * for which `want(baseName)` holds, sorted by path so output is deterministic.
 */
export async function walkFiles(
  paths: readonly string[],
  want: (name: string) => boolean,
  issues: Issue[] = [],
): Promise<string[]> {
  const out: string[] = [];
  const visit = async (p: string, depth: number): Promise<void> => {
    let st;
    try {
      st = await stat(p);
    } catch {
      issues.push(issue('unreadable', 'path not found or unreadable', { file: p }));
      return;
    }
    if (st.isDirectory()) {
      if (depth > 32) return;
      let entries;
      try {
        entries = await readdir(p, { withFileTypes: true });
      } catch {
        issues.push(issue('unreadable', 'directory unreadable', { file: p }));
        return;
      }
      for (const e of entries) {
        if (e.isSymbolicLink()) continue;
        await visit(path.join(p, e.name), depth + 1);
      }
    } else if (st.isFile() && (depth === 0 || want(path.basename(p)))) {
      out.push(p);
    }
  };
  for (const p of paths) await visit(p, 0);
  return out.sort();
}
