/**
 * Polling a TAXII 2.1 collection: discovery (`/taxii2/`, its `default` or first API root) or an
 * API root given directly, the collections list (the configured collection, or the only readable
 * one), then `GET {apiRoot}collections/{id}/objects/?added_after=<cursor>` with
 * `Accept: application/taxii+json;version=2.1`, page after page (`more` + `next`, or `more` alone
 * with `added_after` moved on). Each page's objects are imported as one STIX bundle; the cursor is
 * the page's `X-TAXII-Date-Added-Last` (else the latest `modified`/`created` of its objects).
 */
import { randomUUID } from 'node:crypto';
import { mediaType } from './http.js';
import { resolveUrl, type KindOutcome, type PollContext } from './context.js';
import { bytesToText, parseJsonText } from './sniff.js';

/** The TAXII 2.1 media type. */
export const TAXII_MEDIA_TYPE = 'application/taxii+json;version=2.1';
/** Objects asked for per page. */
export const TAXII_PAGE_LIMIT = 1000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const withSlash = (u: string): string => (u.endsWith('/') ? u : `${u}/`);

/** Fetches a TAXII JSON resource; the failure reason when unusable. */
async function getTaxii(
  ctx: PollContext,
  url: string,
  what: string,
): Promise<{ ok: true; value: Obj; headers: Headers; url: string } | { ok: false; reason: string }> {
  const res = await ctx.get(url, TAXII_MEDIA_TYPE);
  if (!res.ok) {
    const msg = `${what}: ${res.issue.message}`;
    ctx.issue(res.issue.code, msg, url);
    return { ok: false, reason: msg };
  }
  const type = mediaType(res.headers);
  if (type !== '' && !type.endsWith('json')) {
    const msg = `${what}: expected ${TAXII_MEDIA_TYPE}, got ${type}`;
    ctx.issue('unsupported', msg, res.url);
    return { ok: false, reason: msg };
  }
  const text = bytesToText(res.body);
  const j = text === undefined ? undefined : parseJsonText(text);
  if (!j?.ok || !isObj(j.value)) {
    const msg = `${what}: ${j && !j.ok ? j.reason : 'not a JSON object'}`;
    ctx.issue('parse-error', msg, res.url);
    return { ok: false, reason: msg };
  }
  return { ok: true, value: j.value, headers: res.headers, url: res.url };
}

/** The API root URL: from a discovery document, or the configured URL itself. */
async function apiRootOf(
  ctx: PollContext,
): Promise<{ ok: true; url: string } | { ok: false; reason: string }> {
  // TAXII 2.1 resource URLs end with a slash.
  const first = await getTaxii(ctx, withSlash(ctx.config.url), 'TAXII discovery/API root');
  if (!first.ok) return first;
  const d = first.value;
  if (!Array.isArray(d['api_roots']) && d['default'] === undefined)
    return { ok: true, url: withSlash(first.url) };
  const roots = Array.isArray(d['api_roots'])
    ? d['api_roots'].filter((r): r is string => typeof r === 'string')
    : [];
  const pick = typeof d['default'] === 'string' ? d['default'] : roots[0];
  const url = pick === undefined ? undefined : resolveUrl(pick, first.url);
  if (url === undefined) {
    const msg = 'TAXII discovery lists no usable API root';
    ctx.issue('invalid-value', msg, first.url);
    return { ok: false, reason: msg };
  }
  return { ok: true, url: withSlash(url) };
}

/** Polls a taxii feed. */
export async function pollTaxii(ctx: PollContext): Promise<KindOutcome> {
  const { config } = ctx;
  const fail = (reason: string, patch: KindOutcome['patch'] = {}): KindOutcome => ({
    ok: false,
    patch,
    error: reason,
  });
  const root = await apiRootOf(ctx);
  if (!root.ok) return fail(root.reason);
  const cols = await getTaxii(ctx, `${root.url}collections/`, 'TAXII collections');
  if (!cols.ok) return fail(cols.reason);
  const list = (Array.isArray(cols.value['collections']) ? cols.value['collections'] : []).filter(isObj);
  const ids = list.map((c) => (typeof c['id'] === 'string' ? c['id'] : '')).filter((s) => s !== '');
  let col: Obj | undefined;
  if (config.collection !== undefined) {
    col = list.find((c) => c['id'] === config.collection);
    if (!col) {
      const msg = `TAXII collection ${config.collection} is not listed by the API root (listed: ${ids.slice(0, 10).join(', ') || 'none'})`;
      ctx.issue('unreadable', msg, cols.url);
      return fail(msg);
    }
  } else {
    const readable = list.filter((c) => c['can_read'] !== false);
    if (readable.length !== 1) {
      const msg = `set the feed's collection: the API root lists ${readable.length} readable collections (${ids.slice(0, 10).join(', ') || 'none'})`;
      ctx.issue('invalid-value', msg, cols.url);
      return fail(msg);
    }
    col = readable[0];
  }
  const colId = typeof col?.['id'] === 'string' ? col['id'] : '';
  if (col?.['can_read'] === false) {
    const msg = `TAXII collection ${colId} does not allow reading with these credentials (can_read: false)`;
    ctx.issue('unreadable', msg, cols.url);
    return fail(msg);
  }

  const objectsUrl = `${root.url}collections/${encodeURIComponent(colId)}/objects/`;
  let cursor = ctx.state.cursor;
  // The filter stays put while paging with `next`; it moves on only when the server pages by date.
  let after = cursor;
  let next: string | undefined;
  let pages = 0;
  for (;;) {
    if (pages >= ctx.maxItems) break;
    const q = new URLSearchParams();
    if (after !== undefined) q.set('added_after', after);
    if (next !== undefined) q.set('next', next);
    q.set('limit', String(TAXII_PAGE_LIMIT));
    const page = await getTaxii(ctx, `${objectsUrl}?${q.toString()}`, `TAXII collection ${colId} objects`);
    if (!page.ok) return fail(page.reason, { cursor });
    pages++;
    const objects = Array.isArray(page.value['objects']) ? page.value['objects'] : [];
    const more = page.value['more'] === true;
    const nextToken = typeof page.value['next'] === 'string' ? page.value['next'] : undefined;
    const last = lastAdded(page.headers, objects);
    if (objects.length > 0) {
      const bundle = { type: 'bundle', id: `bundle--${randomUUID()}`, objects };
      const itemId = `${colId}@${last ?? cursor ?? 'start'}#${pages}`;
      const ok = await ctx.importDoc(
        itemId,
        `${config.id}/taxii-${colId.replace(/[^A-Za-z0-9-]/g, '')}-${pages}.json`,
        'stix',
        Buffer.from(JSON.stringify(bundle), 'utf8'),
        page.url,
      );
      if (!ok) return fail('the intel store refused an import', { cursor });
    }
    if (last !== undefined && (cursor === undefined || later(last, cursor))) cursor = last;
    if (!more || objects.length === 0) break;
    if (nextToken !== undefined) next = nextToken;
    else if (last === undefined) {
      ctx.issue(
        'unsupported',
        'TAXII server says more objects follow but gives neither next nor X-TAXII-Date-Added-Last',
        page.url,
      );
      break;
    } else {
      next = undefined;
      after = cursor;
    }
  }
  return { ok: true, patch: { cursor } };
}

/** True when timestamp `a` is later than `b` (unparsable compares as text). */
function later(a: string, b: string): boolean {
  const ta = Date.parse(a);
  const tb = Date.parse(b);
  return Number.isFinite(ta) && Number.isFinite(tb) ? ta > tb || (ta === tb && a > b) : a > b;
}

/** The page's last date added: the header, else the latest `modified`/`created` of its objects. */
function lastAdded(headers: Headers, objects: unknown[]): string | undefined {
  const h = headers.get('x-taxii-date-added-last');
  if (h !== null && Number.isFinite(Date.parse(h))) return h.trim();
  let best: string | undefined;
  for (const o of objects) {
    if (!isObj(o)) continue;
    const t =
      typeof o['modified'] === 'string'
        ? o['modified']
        : typeof o['created'] === 'string'
          ? o['created']
          : undefined;
    if (t !== undefined && Number.isFinite(Date.parse(t)) && (best === undefined || later(t, best))) best = t;
  }
  return best;
}
