/** Deterministic UUIDs (RFC 4122 version 5: SHA-1 of a namespace and a name), for exchange formats. */
import { createHash } from 'node:crypto';

/** chainhunt's namespace for exchange-format ids (a fixed random UUID). */
export const CHAINHUNT_NAMESPACE = '6f1f6d8e-4a8e-4c47-9d0a-3c6b2f3a1e55';

/** UUID v5 of `name` in `namespace`. */
export function uuid5(name: string, namespace = CHAINHUNT_NAMESPACE): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const h = createHash('sha1').update(ns).update(name, 'utf8').digest();
  h[6] = ((h[6] as number) & 0x0f) | 0x50;
  h[8] = ((h[8] as number) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}
