/**
 * Encoding modifiers: `utf16le`/`wide`, `utf16be`, `utf16` (with BOM), `base64`, `base64offset`.
 * They apply to literal values only; a wildcard under an encoding is unsupported (pySigma agrees).
 */
import { hasWildcards, plainText } from './string.js';
import { unsupported, type SigmaValue } from './types.js';

function textOf(v: SigmaValue, modifier: string): string {
  if (v.t !== 'str') unsupported(`${modifier} on a non-string value`);
  if (hasWildcards(v.parts)) unsupported(`${modifier} on a value with wildcards`);
  return plainText(v.parts);
}

function utf16le(s: string): Uint8Array {
  return new Uint8Array(Buffer.from(s, 'utf16le'));
}

/** `utf16le` / `wide`. */
export function wide(v: SigmaValue): SigmaValue {
  return { t: 'bytes', bytes: utf16le(textOf(v, 'utf16le')) };
}

/** `utf16be`. */
export function utf16be(v: SigmaValue): SigmaValue {
  const le = Buffer.from(utf16le(textOf(v, 'utf16be')));
  le.swap16();
  return { t: 'bytes', bytes: new Uint8Array(le) };
}

/** `utf16`: little endian with a byte-order mark. */
export function utf16(v: SigmaValue): SigmaValue {
  const body = utf16le(textOf(v, 'utf16'));
  const out = new Uint8Array(body.length + 2);
  out[0] = 0xff;
  out[1] = 0xfe;
  out.set(body, 2);
  return { t: 'bytes', bytes: out };
}

function bytesOf(v: SigmaValue, modifier: string): Buffer {
  if (v.t === 'bytes') return Buffer.from(v.bytes);
  return Buffer.from(textOf(v, modifier), 'utf8');
}

/** `base64`: the value's bytes, base64-encoded (a literal). */
export function base64(v: SigmaValue): SigmaValue {
  return { t: 'str', parts: [bytesOf(v, 'base64').toString('base64')] };
}

/**
 * `base64offset`: the three encodings of the value at byte offsets 0, 1, 2 inside a longer
 * base64 text, trimmed to the characters that do not depend on neighbouring bytes.
 */
export function base64offset(v: SigmaValue): SigmaValue[] {
  const data = bytesOf(v, 'base64offset');
  const startCut = [0, 2, 3];
  const endCut = [0, 3, 2];
  const out: SigmaValue[] = [];
  for (let i = 0; i < 3; i++) {
    const padded = Buffer.concat([Buffer.alloc(i, 0x20), data]);
    const b64 = padded.toString('base64');
    const cut = endCut[(data.length + i) % 3]!;
    const s = b64.slice(startCut[i], cut === 0 ? undefined : b64.length - cut);
    out.push({ t: 'str', parts: s ? [s] : [] });
  }
  return out;
}
