/**
 * EVTX file structure: the file header, chunks found by walking the file physically (every
 * 64 KiB after the 4 KiB header, whatever the header's chunk count says), header and chunk CRC32
 * checks (reported, never fatal), and event records (signature, size, trailing copy of the size).
 * Pure functions over buffers; `index.ts` adds streaming from disk and worker parallelism.
 */
import { crc32 } from 'node:zlib';
import { issue } from '../../core/issue.js';
import type { Issue, IssueCode } from '../../core/issue.js';
import { BinXmlError, ChunkBinXml } from './binxml.js';
import { renderRecord } from './render.js';
import type { JsonValue } from './render.js';
import { filetimeText } from './values.js';

/** Size of the file header block. */
export const FILE_HEADER_SIZE = 4096;
/** Size of one chunk. */
export const CHUNK_SIZE = 65536;
const CHUNK_HEADER_SIZE = 512;
const FILE_MAGIC = Buffer.from('ElfFile\0', 'latin1');
const CHUNK_MAGIC = Buffer.from('ElfChnk\0', 'latin1');
const RECORD_MAGIC = Buffer.from([0x2a, 0x2a, 0, 0]);

/** One event record. */
export interface EvtxEvent {
  /** Event record identifier from the record header. */
  recordId: number;
  /** Record header write time (ISO-8601 UTC), null when out of range. */
  written: string | null;
  /** Byte offset of the record in the file. */
  offset: number;
  /** The event in evtx_dump JSON layout: `{ Event: { System, EventData | UserData } }`. */
  event: { [key: string]: JsonValue };
}

/** Options shared by the EVTX readers. */
export interface EvtxOptions {
  /** File name put on issues. */
  file?: string;
  /** Receives every problem found; the reader never throws for bad input. */
  onIssue?: (i: Issue) => void;
  /**
   * Also read records found in chunk slack after the free-space offset (left over from an
   * earlier use of the chunk; libevtx calls them "recovered"). Off by default.
   */
  recover?: boolean;
}

/** What the file header says (all fields best effort). */
export interface EvtxFileHeader {
  valid: boolean;
  chunkCount: number;
  nextRecordId: number;
  flags: number;
  majorVersion: number;
  minorVersion: number;
}

const PLUGIN_ID = 'logs/evtx';

function report(opts: EvtxOptions, code: IssueCode, message: string, offset: number): void {
  opts.onIssue?.(issue(code, message, { file: opts.file, offset, pluginId: PLUGIN_ID }));
}

/** Checks the file header (signature, CRC32 of its first 120 bytes); problems become issues. */
export function readFileHeader(buf: Uint8Array, opts: EvtxOptions = {}): EvtxFileHeader {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const none: EvtxFileHeader = {
    valid: false,
    chunkCount: 0,
    nextRecordId: 0,
    flags: 0,
    majorVersion: 0,
    minorVersion: 0,
  };
  if (b.length < 128) {
    report(opts, 'truncated', `file is ${b.length} bytes, shorter than the EVTX file header`, 0);
    return none;
  }
  if (!b.subarray(0, 8).equals(FILE_MAGIC)) {
    report(opts, 'parse-error', 'no "ElfFile" signature; walking chunks anyway', 0);
    return none;
  }
  const stored = b.readUInt32LE(124);
  const actual = crc32(b.subarray(0, 120));
  if (stored !== actual) {
    report(
      opts,
      'checksum-mismatch',
      `file header CRC32 is 0x${stored.toString(16)}, computed 0x${actual.toString(16)}`,
      124,
    );
  }
  return {
    valid: true,
    chunkCount: b.readUInt16LE(42),
    nextRecordId: Number(b.readBigUInt64LE(24)),
    flags: b.readUInt32LE(120),
    majorVersion: b.readUInt16LE(38),
    minorVersion: b.readUInt16LE(36),
  };
}

/** File offsets of every chunk slot in a file of `size` bytes (the physical walk). */
export function chunkOffsets(size: number): number[] {
  const out: number[] = [];
  for (let off = FILE_HEADER_SIZE; off < size; off += CHUNK_SIZE) out.push(off);
  return out;
}

function allZero(b: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (b[i] !== 0) return false;
  return true;
}

/**
 * Parses one chunk (`chunk` holds its bytes, `fileOffset` where it starts in the file) and yields
 * its records. Empty (all-zero) chunk slots are skipped silently.
 */
export function* parseChunk(chunk: Buffer, fileOffset: number, opts: EvtxOptions = {}): Generator<EvtxEvent> {
  if (chunk.length < CHUNK_HEADER_SIZE) {
    if (!allZero(chunk, 0, chunk.length)) {
      report(opts, 'truncated', `chunk is ${chunk.length} bytes, shorter than a chunk header`, fileOffset);
    }
    return;
  }
  if (!chunk.subarray(0, 8).equals(CHUNK_MAGIC)) {
    if (!allZero(chunk, 0, CHUNK_HEADER_SIZE)) {
      report(opts, 'parse-error', 'no "ElfChnk" signature at chunk slot', fileOffset);
    }
    return;
  }
  const stored = chunk.readUInt32LE(124);
  const actual = crc32(chunk.subarray(128, 512), crc32(chunk.subarray(0, 120)));
  if (stored !== actual) {
    report(
      opts,
      'checksum-mismatch',
      `chunk header CRC32 is 0x${stored.toString(16)}, computed 0x${actual.toString(16)}`,
      fileOffset + 124,
    );
  }
  const freeSpace = chunk.readUInt32LE(48);
  if (freeSpace >= CHUNK_HEADER_SIZE && freeSpace <= chunk.length) {
    const dataStored = chunk.readUInt32LE(52);
    const dataActual = crc32(chunk.subarray(CHUNK_HEADER_SIZE, freeSpace));
    if (dataStored !== dataActual) {
      report(
        opts,
        'checksum-mismatch',
        `chunk records CRC32 is 0x${dataStored.toString(16)}, computed 0x${dataActual.toString(16)}`,
        fileOffset + 52,
      );
    }
  } else {
    report(opts, 'invalid-value', `chunk free space offset ${freeSpace} out of range`, fileOffset + 48);
  }
  if (chunk.length < CHUNK_SIZE) {
    report(opts, 'truncated', `chunk is ${chunk.length} bytes, expected ${CHUNK_SIZE}`, fileOffset);
  }
  const dataEnd = freeSpace >= CHUNK_HEADER_SIZE && freeSpace <= chunk.length ? freeSpace : chunk.length;
  const bx = new ChunkBinXml(chunk);
  let p = CHUNK_HEADER_SIZE;
  let lastId = -1;
  const limit = opts.recover === true ? chunk.length : dataEnd;
  while (p + 28 <= limit) {
    const resync = (why: string): number => {
      report(opts, 'parse-error', why, fileOffset + p);
      const next = chunk.indexOf(RECORD_MAGIC, p + 4);
      return next < 0 || next >= dataEnd ? -1 : next;
    };
    if (chunk.readUInt32LE(p) !== 0x2a2a) {
      if (p >= dataEnd || allZero(chunk, p, Math.min(p + 8, chunk.length))) break;
      p = resync('bad record signature');
      if (p < 0) break;
      continue;
    }
    const size = chunk.readUInt32LE(p + 4);
    if (size < 28 || p + size > chunk.length || chunk.readUInt32LE(p + size - 4) !== size) {
      if (p >= dataEnd) break;
      p = resync(`bad record size ${size}`);
      if (p < 0) break;
      continue;
    }
    const recordId = Number(chunk.readBigUInt64LE(p + 8));
    const written = filetimeText(chunk, p + 16);
    try {
      const nodes = bx.parseRecord(p + 24, p + size - 4);
      for (const w of bx.warnings)
        report(opts, 'invalid-value', `record ${recordId}: ${w.message}`, fileOffset + w.offset);
      yield { recordId, written, offset: fileOffset + p, event: renderRecord(nodes) };
    } catch (e) {
      const off = e instanceof BinXmlError && e.offset >= 0 && e.offset < chunk.length ? e.offset : p;
      const msg = e instanceof Error ? e.message : String(e);
      report(opts, 'parse-error', `record ${recordId}: ${msg}`, fileOffset + off);
    }
    lastId = recordId;
    p += size;
  }
  // A record right after the free-space offset that continues the sequence was written after the
  // chunk header was last updated (a log copied while in use): say so, it is read with `recover`.
  if (
    opts.recover !== true &&
    lastId >= 0 &&
    p === dataEnd &&
    p + 28 <= chunk.length &&
    chunk.readUInt32LE(p) === 0x2a2a
  ) {
    const size = chunk.readUInt32LE(p + 4);
    if (
      size >= 28 &&
      p + size <= chunk.length &&
      chunk.readUInt32LE(p + size - 4) === size &&
      Number(chunk.readBigUInt64LE(p + 8)) === lastId + 1
    ) {
      report(
        opts,
        'invalid-value',
        `record ${lastId + 1} follows the chunk's free-space offset (header not updated); read it with recover`,
        fileOffset + p,
      );
    }
  }
}

/** Parses a whole EVTX file held in memory. */
export function* parseEvtx(buf: Uint8Array, opts: EvtxOptions = {}): Generator<EvtxEvent> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  const header = readFileHeader(b, opts);
  const offsets = chunkOffsets(b.length);
  let found = 0;
  for (const off of offsets) {
    const chunk = b.subarray(off, Math.min(off + CHUNK_SIZE, b.length));
    if (chunk.length >= 8 && chunk.subarray(0, 8).equals(CHUNK_MAGIC)) found++;
    yield* parseChunk(chunk, off, opts);
  }
  if (header.valid && found !== header.chunkCount) {
    report(
      opts,
      'invalid-value',
      `file header lists ${header.chunkCount} chunks, found ${found} by walking the file`,
      42,
    );
  }
}
