/**
 * Webhook signatures (Stripe-style). Each delivery carries
 *
 *   Chainhunt-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>[,v1=<…>]
 *
 * One `v1` per active secret, so a receiver keeps verifying while a secret is rotated. The
 * timestamp is signed with the body, so a captured delivery cannot be replayed outside the
 * receiver's tolerance window.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header that carries the signature. */
export const SIGNATURE_HEADER = 'Chainhunt-Signature';

/** Default tolerance between the signed timestamp and the receiver's clock. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** Longest signature header accepted by {@link parseSignatureHeader}. */
export const MAX_SIGNATURE_HEADER_LENGTH = 4096;

const HEX_SHA256 = /^[0-9a-f]{64}$/;
const DIGITS = /^\d{1,15}$/;

/** A request body as the receiver got it: raw bytes or the exact string. */
export type SignedBody = string | Uint8Array;

/**
 * The hex HMAC-SHA256 of `"<timestamp>.<body>"` under `secret`.
 *
 * @param secret - the endpoint's shared secret
 * @param timestamp - unix seconds (an integer)
 * @param body - the exact bytes sent (or the string they encode as UTF-8)
 */
export function signPayload(secret: string, timestamp: number, body: SignedBody): string {
  if (!Number.isSafeInteger(timestamp) || timestamp < 0)
    throw new RangeError(`signature timestamp must be a non-negative integer of seconds, got ${timestamp}`);
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(body);
  return mac.digest('hex');
}

/**
 * The full `Chainhunt-Signature` header value: `t=<timestamp>` then one `v1=` per secret.
 *
 * @param secrets - one secret, or the active secrets during a rotation (newest first)
 */
export function signatureHeader(
  secrets: string | readonly string[],
  timestamp: number,
  body: SignedBody,
): string {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  if (list.length === 0) throw new RangeError('at least one secret is needed to sign a payload');
  return [`t=${timestamp}`, ...list.map((s) => `v1=${signPayload(s, timestamp, body)}`)].join(',');
}

/** A parsed signature header. */
export interface ParsedSignature {
  /** Unix seconds. */
  timestamp: number;
  /** Lower-case hex `v1` signatures, in header order. */
  signatures: string[];
}

/**
 * Parses a `Chainhunt-Signature` value. Unknown schemes (`v0=…`) are ignored; returns null when
 * the header is missing, too long, has no valid `t` or no well-formed `v1`.
 */
export function parseSignatureHeader(header: string | null | undefined): ParsedSignature | null {
  if (typeof header !== 'string' || header.length === 0 || header.length > MAX_SIGNATURE_HEADER_LENGTH)
    return null;
  let timestamp: number | null = null;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === 't') {
      if (timestamp !== null || !DIGITS.test(value)) return null;
      timestamp = Number(value);
    } else if (key === 'v1') {
      const hex = value.toLowerCase();
      if (HEX_SHA256.test(hex)) signatures.push(hex);
    }
  }
  if (timestamp === null || signatures.length === 0) return null;
  return { timestamp, signatures };
}

/** Options for {@link verifySignature}. */
export interface VerifyOptions {
  /** Largest allowed distance, in seconds, between the signed timestamp and now (default 300). */
  toleranceSeconds?: number;
  /** The receiver's clock in milliseconds since the epoch (default `Date.now`). */
  now?: () => number;
}

/** Why a signature was refused. */
export type VerifyFailureReason = 'malformed' | 'stale' | 'mismatch';

/** The outcome of {@link verifySignature}. */
export type VerifyResult =
  { ok: true; timestamp: number } | { ok: false; reason: VerifyFailureReason; message: string };

/**
 * Checks a `Chainhunt-Signature` header against the raw body. Passes when any `v1` matches any of
 * `secrets` and the timestamp is within the tolerance (past or future). Comparisons are constant
 * time.
 *
 * @param secrets - the receiver's secret, or all secrets accepted during a rotation
 * @param header - the header value as received
 * @param body - the raw request body (not re-serialised JSON)
 */
export function verifySignature(
  secrets: string | readonly string[],
  header: string | null | undefined,
  body: SignedBody,
  options: VerifyOptions = {},
): VerifyResult {
  const parsed = parseSignatureHeader(header);
  if (!parsed)
    return {
      ok: false,
      reason: 'malformed',
      message: `${SIGNATURE_HEADER} is missing or not of the form t=<seconds>,v1=<64 hex digits>`,
    };
  const tolerance = options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS;
  const nowSeconds = Math.floor((options.now ?? Date.now)() / 1000);
  const skew = Math.abs(nowSeconds - parsed.timestamp);
  if (!(skew <= tolerance))
    return {
      ok: false,
      reason: 'stale',
      message: `signature timestamp ${parsed.timestamp} is ${skew}s from now (tolerance ${tolerance}s)`,
    };
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  const received = parsed.signatures.map((s) => Buffer.from(s, 'hex'));
  let matched = false;
  for (const secret of list) {
    const expected = Buffer.from(signPayload(secret, parsed.timestamp, body), 'hex');
    // Compare against every candidate (no early exit) so timing says nothing about which matched.
    for (const candidate of received) {
      if (candidate.length === expected.length && timingSafeEqual(candidate, expected)) matched = true;
    }
  }
  if (!matched) return { ok: false, reason: 'mismatch', message: 'no v1 signature matches the body' };
  return { ok: true, timestamp: parsed.timestamp };
}
