/**
 * Polling a MISP feed (the layout `misp-feed` and MISP's "export to feed" write): `manifest.json`
 * maps event uuids to summaries with a `timestamp`; each event is `<uuid>.json`. Events whose
 * timestamp is later than the cursor are fetched oldest first and imported via the MISP importer;
 * the cursor is the greatest timestamp imported. A transient failure stops the poll there (the
 * next poll resumes); a missing or unreadable event is an issue and is skipped.
 */
import { resolveUrl, tieSafeCursor, type KindOutcome, type PollContext } from './context.js';
import { bytesToText, parseJsonText, structuredFormat } from './sniff.js';

const ACCEPT = 'application/json, */*;q=0.1';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Manifest URL and the folder event files are in, from the configured URL. */
export function mispUrls(url: string): { manifest: string; base: string } {
  const u = new URL(url);
  u.search = '';
  u.hash = '';
  if (u.pathname.endsWith('/manifest.json')) {
    return { manifest: u.href, base: new URL('./', u).href };
  }
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return { manifest: new URL('manifest.json', u).href, base: u.href };
}

/** Event uuids and timestamps of a manifest, with the entries that were refused. */
export function manifestEvents(
  v: unknown,
): { events: { uuid: string; stamp: number; raw: string }[]; refused: string[] } | undefined {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) return undefined;
  const events: { uuid: string; stamp: number; raw: string }[] = [];
  const refused: string[] = [];
  for (const [uuid, summary] of Object.entries(v as Record<string, unknown>)) {
    const ts =
      typeof summary === 'object' && summary !== null
        ? (summary as Record<string, unknown>)['timestamp']
        : undefined;
    const n =
      typeof ts === 'number' ? ts : typeof ts === 'string' && /^\d{1,12}$/.test(ts) ? Number(ts) : NaN;
    if (!UUID.test(uuid)) refused.push(`${JSON.stringify(uuid.slice(0, 80))}: not an event uuid`);
    else if (!Number.isFinite(n)) refused.push(`${uuid}: no numeric "timestamp"`);
    else events.push({ uuid: uuid.toLowerCase(), stamp: n, raw: String(n) });
  }
  events.sort((a, b) => a.stamp - b.stamp || (a.uuid < b.uuid ? -1 : 1));
  return { events, refused };
}

/** Polls a misp feed. */
export async function pollMisp(ctx: PollContext): Promise<KindOutcome> {
  const { config } = ctx;
  const { manifest, base } = mispUrls(config.url);
  const res = await ctx.get(manifest, ACCEPT, true);
  if (!res.ok) {
    ctx.issues.push(res.issue);
    return { ok: false, patch: {}, error: res.issue.message };
  }
  if (res.status === 304) return { ok: true, notModified: true, patch: {} };
  const text = bytesToText(res.body);
  const j = text === undefined ? undefined : parseJsonText(text);
  const m = j?.ok ? manifestEvents(j.value) : undefined;
  if (m === undefined) {
    const reason = `MISP feed manifest ${j && !j.ok ? j.reason : 'must be a JSON object of event uuid → summary'}`;
    ctx.issue('parse-error', reason, res.url);
    return { ok: false, patch: {}, error: reason };
  }
  if (m.refused.length > 0)
    ctx.issue(
      'invalid-value',
      `${m.refused.length} manifest entr${m.refused.length === 1 ? 'y' : 'ies'} refused: ${m.refused.slice(0, 5).join('; ')}`,
      res.url,
    );
  const cursor = ctx.state.cursor === undefined ? -Infinity : Number(ctx.state.cursor);
  const todo = m.events.filter((e) => e.stamp > cursor);
  let done = 0;
  let complete = true;
  let transient: string | undefined;
  for (const ev of todo) {
    if (done >= ctx.maxItems) {
      complete = false;
      break;
    }
    const url = resolveUrl(`${ev.uuid}.json`, base) ?? base;
    const r = await ctx.get(url, ACCEPT);
    if (!r.ok) {
      ctx.issues.push(r.issue);
      if (r.retryable) {
        transient = r.issue.message;
        complete = false;
        break;
      }
      done++;
      continue;
    }
    const t = bytesToText(r.body);
    const ej = t === undefined ? undefined : parseJsonText(t);
    if (!ej?.ok || structuredFormat(ej.value) !== 'misp') {
      ctx.issue(
        'parse-error',
        `event ${ev.uuid}: ${ej && !ej.ok ? ej.reason : 'not a MISP event'}; skipped`,
        r.url,
      );
      done++;
      continue;
    }
    if (!(await ctx.importDoc(ev.uuid, `${config.id}/${ev.uuid}.json`, 'misp', r.body, r.url))) {
      complete = false;
      break;
    }
    done++;
  }
  const patch: KindOutcome['patch'] = { cursor: tieSafeCursor(todo, done, ctx.state.cursor) };
  if (complete) {
    patch.etag = res.headers.get('etag') ?? undefined;
    patch.lastModified = res.headers.get('last-modified') ?? undefined;
  }
  if (ctx.storeFailed) return { ok: false, patch, error: 'the intel store refused an import' };
  if (transient !== undefined) return { ok: false, patch, error: transient };
  return { ok: true, patch };
}
