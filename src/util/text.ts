/**
 * Text decoding for hostile input: BOM detection (UTF-8, UTF-16LE/BE) and a strict UTF-8 check,
 * so a file in the wrong encoding is an issue instead of mojibake.
 */
export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be';

export interface DecodedText {
  text: string;
  encoding: TextEncoding;
  hadBom: boolean;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Decodes `buf` by its BOM; without one, as UTF-8 (or UTF-16LE when every other byte of the start
 * is NUL, as Windows tools write without BOMs). Returns null when the bytes are not valid text.
 */
export function decodeText(buf: Uint8Array): DecodedText | null {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) {
    return decode16(buf.subarray(2), 'utf-16le', true);
  }
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) {
    return decode16(buf.subarray(2), 'utf-16be', true);
  }
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) {
    try {
      return { text: strictUtf8.decode(buf.subarray(3)), encoding: 'utf-8', hadBom: true };
    } catch {
      return null;
    }
  }
  if (looksUtf16le(buf)) return decode16(buf, 'utf-16le', false);
  try {
    return { text: strictUtf8.decode(buf), encoding: 'utf-8', hadBom: false };
  } catch {
    return null;
  }
}

function decode16(buf: Uint8Array, enc: 'utf-16le' | 'utf-16be', hadBom: boolean): DecodedText | null {
  if (buf.length % 2 !== 0) return null;
  try {
    return {
      text: new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(buf),
      encoding: enc,
      hadBom,
    };
  } catch {
    return null;
  }
}

function looksUtf16le(buf: Uint8Array): boolean {
  const n = Math.min(buf.length, 64);
  if (n < 4 || n % 2 !== 0) return false;
  for (let i = 1; i < n; i += 2) if (buf[i] !== 0) return false;
  return true;
}

/** True when the buffer has a NUL byte in its first 8 KiB (binary garbage heuristic for text formats). */
export function hasNul(buf: Uint8Array, limit = 8192): boolean {
  const n = Math.min(buf.length, limit);
  for (let i = 0; i < n; i++) if (buf[i] === 0) return true;
  return false;
}

/** Case- and whitespace-folded form used to compare product names. */
export function foldName(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}
