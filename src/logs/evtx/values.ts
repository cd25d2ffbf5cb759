/**
 * Text forms of Binary XML substitution values, in the evtx_dump (omerbenamram/evtx) style:
 * GUIDs upper-case without braces, FILETIME/SYSTEMTIME as ISO-8601 UTC with microseconds,
 * hex integers as lower-case `0x…`, binary as upper-case hex, SIDs as `S-R-A-S1-…`.
 */

const HEX = '0123456789ABCDEF';
const EPOCH_DIFF_S = 11644473600n;

/** Upper-case hex of `len` bytes at `off`. */
export function hexUpper(buf: Uint8Array, off: number, len: number): string {
  let s = '';
  for (let i = off; i < off + len; i++) {
    const b = buf[i] ?? 0;
    s += HEX[b >> 4]! + HEX[b & 15]!;
  }
  return s;
}

/** GUID in registry byte order (Data1-3 little-endian), upper-case, no braces. */
export function guidText(buf: Uint8Array, off: number): string {
  const h = (i: number): string => {
    const b = buf[off + i] ?? 0;
    return HEX[b >> 4]! + HEX[b & 15]!;
  };
  return (
    h(3) +
    h(2) +
    h(1) +
    h(0) +
    '-' +
    h(5) +
    h(4) +
    '-' +
    h(7) +
    h(6) +
    '-' +
    h(8) +
    h(9) +
    '-' +
    h(10) +
    h(11) +
    h(12) +
    h(13) +
    h(14) +
    h(15)
  );
}

function pad(n: number, w: number): string {
  return String(n).padStart(w, '0');
}

/** FILETIME (100 ns ticks since 1601) as `YYYY-MM-DDTHH:MM:SS.ffffffZ`; null when out of range. */
export function filetimeText(buf: Buffer, off: number): string | null {
  const ticks = buf.readBigUInt64LE(off);
  const secs = ticks / 10000000n - EPOCH_DIFF_S;
  const micros = Number((ticks % 10000000n) / 10n);
  const ms = Number(secs) * 1000;
  if (!Number.isFinite(ms) || Math.abs(ms) > 8.64e15) return null;
  const d = new Date(ms);
  const y = d.getUTCFullYear();
  if (y < 0 || y > 9999) return null;
  return (
    pad(y, 4) +
    '-' +
    pad(d.getUTCMonth() + 1, 2) +
    '-' +
    pad(d.getUTCDate(), 2) +
    'T' +
    pad(d.getUTCHours(), 2) +
    ':' +
    pad(d.getUTCMinutes(), 2) +
    ':' +
    pad(d.getUTCSeconds(), 2) +
    '.' +
    pad(micros, 6) +
    'Z'
  );
}

/** SYSTEMTIME (8 little-endian u16) as `YYYY-MM-DDTHH:MM:SS.ffffffZ`. */
export function systemtimeText(buf: Buffer, off: number): string {
  const u = (i: number): number => buf.readUInt16LE(off + i * 2);
  return (
    pad(u(0), 4) +
    '-' +
    pad(u(1), 2) +
    '-' +
    pad(u(3), 2) +
    'T' +
    pad(u(4), 2) +
    ':' +
    pad(u(5), 2) +
    ':' +
    pad(u(6), 2) +
    '.' +
    pad(u(7) * 1000, 6) +
    'Z'
  );
}

/** SID as `S-revision-authority-sub…`; null when `len` is too short for its sub-authority count. */
export function sidText(buf: Buffer, off: number, len: number): string | null {
  if (len < 8) return null;
  const rev = buf[off]!;
  const count = buf[off + 1]!;
  if (8 + count * 4 > len) return null;
  const auth = buf.readUIntBE(off + 2, 6);
  let s = `S-${rev}-${auth}`;
  for (let i = 0; i < count; i++) s += '-' + String(buf.readUInt32LE(off + 8 + i * 4));
  return s;
}
