/**
 * Pack integrity. The checksum is `sha256:<64 lower-case hex>` over the canonical JSON of the pack
 * with its top-level `checksum` member removed. Canonical JSON is the JSON Canonicalization Scheme
 * (RFC 8785) for the JSON values packs use: object members sorted by key in UTF-16 code-unit order,
 * no whitespace, strings and numbers serialised as ECMAScript `JSON.stringify` does.
 */
import { createHash } from 'node:crypto';

/** Nesting deeper than this is refused (packs are shallow; this bounds recursion). */
export const MAX_CANONICAL_DEPTH = 64;

/** Thrown by {@link canonicalJson} for values that have no canonical form. */
export class CanonicalJsonError extends Error {
  override readonly name = 'CanonicalJsonError';
}

/**
 * The canonical JSON text of a parsed JSON value.
 *
 * @example canonicalJson({ b: [1, 'x'], a: null }) // '{"a":null,"b":[1,"x"]}'
 * @throws CanonicalJsonError for non-finite numbers, non-JSON values or nesting deeper than
 *   {@link MAX_CANONICAL_DEPTH}.
 */
export function canonicalJson(value: unknown): string {
  const out: string[] = [];
  write(value, 0, out);
  return out.join('');
}

function write(value: unknown, depth: number, out: string[]): void {
  if (depth > MAX_CANONICAL_DEPTH) throw new CanonicalJsonError(`nesting deeper than ${MAX_CANONICAL_DEPTH}`);
  if (value === null || typeof value === 'boolean' || typeof value === 'string') {
    out.push(JSON.stringify(value));
    return;
  }
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new CanonicalJsonError('non-finite number');
    out.push(JSON.stringify(value));
    return;
  }
  if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], depth + 1, out);
    }
    out.push(']');
    return;
  }
  if (typeof value === 'object') {
    const keys = Object.keys(value).sort(compareCodeUnits);
    out.push('{');
    let first = true;
    for (const k of keys) {
      const v = (value as Record<string, unknown>)[k];
      if (v === undefined) continue;
      if (!first) out.push(',');
      first = false;
      out.push(JSON.stringify(k), ':');
      write(v, depth + 1, out);
    }
    out.push('}');
    return;
  }
  throw new CanonicalJsonError(`value of type ${typeof value} has no JSON form`);
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The shape of a valid checksum value. */
export function isChecksumSyntax(s: string): boolean {
  if (s.length !== 71 || !s.startsWith('sha256:')) return false;
  for (let i = 7; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false;
  }
  return true;
}

/**
 * The checksum of a parsed pack object: `sha256:` + hex digest of the canonical JSON of the pack
 * without its top-level `checksum` member.
 */
export function packChecksum(pack: Record<string, unknown>): string {
  // fromEntries defines own properties, so a member named "__proto__" is kept as data.
  const rest = Object.fromEntries(Object.entries(pack).filter(([k]) => k !== 'checksum'));
  return 'sha256:' + createHash('sha256').update(canonicalJson(rest), 'utf8').digest('hex');
}

/** Returns a copy of `pack` with `checksum` set (last member, for readable diffs). */
export function sealPack(pack: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own properties, so a member named "__proto__" is kept as data.
  const rest = Object.fromEntries(Object.entries(pack).filter(([k]) => k !== 'checksum'));
  return Object.fromEntries([...Object.entries(rest), ['checksum', packChecksum(rest)]]);
}
