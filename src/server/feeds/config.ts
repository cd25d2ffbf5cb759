/**
 * Validation of feed configurations (from an API request or the state store's JSON) and of stored
 * feed state. Pure; returns errors as values.
 */
import { z } from 'zod';
import { FEED_KINDS, type FeedConfig, type FeedState } from './types.js';

/** Shortest poll interval accepted (seconds): feeds are polled politely. */
export const MIN_INTERVAL_SECONDS = 60;
/** Longest poll interval accepted (seconds): one week. */
export const MAX_INTERVAL_SECONDS = 7 * 24 * 3600;

const Auth = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('basic'),
    username: z.string().min(1).max(256),
    password: z.string().max(1024),
  }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1).max(8192) }),
]);

const Config = z
  .object({
    id: z
      .string()
      .min(1)
      .max(100)
      .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, ".", "_" and "-" only'),
    tenant: z.string().min(1).max(200).optional(),
    kind: z.enum(FEED_KINDS as [string, ...string[]]),
    url: z
      .string()
      .max(2048)
      .refine((u) => {
        try {
          const p = new URL(u).protocol;
          return p === 'http:' || p === 'https:';
        } catch {
          return false;
        }
      }, 'must be an http(s) URL'),
    intervalSeconds: z.number().int().min(MIN_INTERVAL_SECONDS).max(MAX_INTERVAL_SECONDS),
    auth: Auth.optional(),
    collection: z.string().min(1).max(200).optional(),
    followOtherOrigins: z.boolean().optional(),
    name: z.string().max(200).optional(),
  })
  .strict();

const State = z.object({
  etag: z.string().max(1024).optional(),
  lastModified: z.string().max(200).optional(),
  lastPolledAt: z.string().max(64).optional(),
  lastSuccessAt: z.string().max(64).optional(),
  cursor: z.string().max(200).optional(),
  seenIds: z.array(z.string().max(4096)).max(100_000).default([]),
  failures: z.number().int().min(0).default(0),
  lastError: z.string().max(4096).optional(),
});

/** Validates a feed configuration; `error` names the first offending field. */
export function parseFeedConfig(v: unknown): { ok: true; config: FeedConfig } | { ok: false; error: string } {
  const r = Config.safeParse(v);
  if (!r.success) {
    const first = r.error.issues[0];
    return { ok: false, error: `${first?.path.join('.') || '(config)'}: ${first?.message ?? 'invalid'}` };
  }
  if (r.data.kind === 'taxii' && r.data.url.includes('?'))
    return { ok: false, error: 'url: a TAXII URL takes no query string' };
  return { ok: true, config: strip(r.data) as unknown as FeedConfig };
}

/** A fresh state (never polled). */
export function initialFeedState(): FeedState {
  return { seenIds: [], failures: 0 };
}

/** Reads stored state; anything unreadable starts afresh (a full re-poll is always safe). */
export function parseFeedState(v: unknown): FeedState {
  const r = State.safeParse(v ?? {});
  return r.success ? (strip(r.data) as unknown as FeedState) : initialFeedState();
}

/** Drops undefined members (exactOptionalPropertyTypes, clean JSON). */
function strip(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined) out[k] = v;
  return out;
}

/** The feed's configuration with credentials masked, for API responses and logs. */
export function redactFeedConfig(c: FeedConfig): FeedConfig {
  if (!c.auth) return c;
  const auth =
    c.auth.type === 'basic' ? { ...c.auth, password: '********' } : { ...c.auth, token: '********' };
  return { ...c, auth };
}
