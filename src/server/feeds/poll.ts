/**
 * `pollFeed`: one poll of one feed. Dispatches on the kind, then folds the outcome into the new
 * state (times, validators, cursor, seen items, failure count). Never throws and never rejects:
 * every failure, including a bug in a kind's code, is an issue and a failed poll.
 */
import { issue } from '../../core/issue.js';
import { PollContext, type KindOutcome } from './context.js';
import { displayUrl } from './http.js';
import { pollMisp } from './misp.js';
import { pollOsv } from './osv.js';
import { pollSyndication } from './rss.js';
import { pollTaxii } from './taxii.js';
import {
  FEEDS_PLUGIN_ID,
  type FeedConfig,
  type FeedKind,
  type FeedState,
  type PollDeps,
  type PollResult,
} from './types.js';

const POLLERS: Record<FeedKind, (ctx: PollContext) => Promise<KindOutcome>> = {
  rss: pollSyndication,
  atom: pollSyndication,
  osv: pollOsv,
  misp: pollMisp,
  taxii: pollTaxii,
};

/** Polls one feed once; see the module comment. */
export async function pollFeed(config: FeedConfig, state: FeedState, deps: PollDeps): Promise<PollResult> {
  const now = deps.now ?? Date.now;
  const startedAt = new Date(now()).toISOString();
  let ctx: PollContext;
  try {
    ctx = new PollContext(config, state, deps);
  } catch {
    const msg = `feed URL ${JSON.stringify(config.url.slice(0, 200))} is not valid`;
    return {
      state: { ...state, lastPolledAt: startedAt, failures: state.failures + 1, lastError: msg },
      imported: [],
      reviews: [],
      issues: [issue('invalid-value', msg, { pluginId: FEEDS_PLUGIN_ID })],
      notModified: false,
      ok: false,
    };
  }
  let out: KindOutcome;
  const poller = POLLERS[config.kind] as ((c: PollContext) => Promise<KindOutcome>) | undefined;
  if (poller === undefined) {
    const msg = `unknown feed kind ${JSON.stringify(config.kind)}`;
    ctx.issue('unsupported', msg, config.url);
    out = { ok: false, patch: {}, error: msg };
  } else {
    try {
      out = await poller(ctx);
    } catch (e) {
      const msg = `poll failed unexpectedly: ${(e instanceof Error ? e.message : String(e)).slice(0, 300)}`;
      ctx.issues.push(
        issue('internal-error', msg, { file: displayUrl(config.url), pluginId: FEEDS_PLUGIN_ID }),
      );
      out = { ok: false, patch: {}, error: msg };
    }
  }
  const next: FeedState = {
    ...state,
    ...out.patch,
    seenIds: out.patch.seenIds ?? state.seenIds,
    lastPolledAt: startedAt,
  };
  // A patch may clear validators the server stopped sending.
  for (const k of ['etag', 'lastModified', 'cursor'] as const)
    if (k in out.patch && out.patch[k] === undefined) delete next[k];
  if (out.ok) {
    next.lastSuccessAt = startedAt;
    next.failures = 0;
    delete next.lastError;
  } else {
    next.failures = state.failures + 1;
    next.lastError = out.error ?? 'poll failed';
  }
  const result: PollResult = {
    state: next,
    imported: ctx.imported,
    reviews: ctx.reviews,
    issues: ctx.issues,
    notModified: out.notModified === true,
    ok: out.ok,
  };
  if (ctx.retryAfterSeconds !== undefined) result.retryAfterSeconds = ctx.retryAfterSeconds;
  return result;
}
