/**
 * Polling an OSV source: a URL serving one OSV record, a JSON list of records (or `{vulns}`), or a
 * zip of records (OSV's per-ecosystem `all.zip`). Records whose `modified` is later than the
 * cursor are imported, oldest first, in batches of {@link OSV_BATCH} records per document; the
 * cursor becomes the greatest `modified` imported (tie-safe when a poll is cut short).
 */
import { tieSafeCursor, type KindOutcome, type PollContext } from './context.js';
import { bytesToText, osvRecords, parseJsonText } from './sniff.js';
import { DEFAULT_MAX_BYTES } from './types.js';
import { isZip, readZipJson } from './zip.js';

/** Records per document handed to the importer. */
export const OSV_BATCH = 500;
/** Most zip members read per poll. */
export const OSV_MAX_MEMBERS = 500_000;

const ACCEPT = 'application/json, application/zip;q=0.9, */*;q=0.1';

type Rec = Record<string, unknown>;

/** Polls an osv feed. */
export async function pollOsv(ctx: PollContext): Promise<KindOutcome> {
  const { config } = ctx;
  const res = await ctx.get(config.url, ACCEPT, true);
  if (!res.ok) {
    ctx.issues.push(res.issue);
    return { ok: false, patch: {}, error: res.issue.message };
  }
  if (res.status === 304) return { ok: true, notModified: true, patch: {} };
  const fail = (
    code: 'parse-error' | 'archive-error' | 'encoding' | 'empty',
    reason: string,
  ): KindOutcome => {
    ctx.issue(code, reason, res.url);
    return { ok: false, patch: {}, error: reason };
  };
  if (res.body.length === 0) return fail('empty', 'empty response');

  const records: Rec[] = [];
  if (isZip(res.body)) {
    const maxBytes = ctx.deps.maxBytes ?? DEFAULT_MAX_BYTES;
    const z = await readZipJson(res.body, {
      maxEntries: OSV_MAX_MEMBERS,
      maxEntryBytes: Math.min(maxBytes, 16 * 1024 * 1024),
      maxTotalBytes: maxBytes * 8,
    });
    if (z.error !== undefined) {
      if (z.members.length === 0) return fail('archive-error', z.error);
      ctx.issue('archive-error', z.error, res.url);
    }
    for (const m of z.members) {
      const text = bytesToText(m.content);
      const j = text === undefined ? undefined : parseJsonText(text);
      const recs = j?.ok ? osvRecords(j.value) : undefined;
      if (recs === undefined) {
        ctx.issue(
          'parse-error',
          `zip member ${m.name}: ${j && !j.ok ? j.reason : 'not an OSV record'}`,
          res.url,
        );
        continue;
      }
      records.push(...recs);
    }
  } else {
    const text = bytesToText(res.body);
    if (text === undefined)
      return fail('encoding', 'response is neither a zip archive nor UTF-8/UTF-16 text');
    const j = parseJsonText(text);
    if (!j.ok) return fail('parse-error', `OSV document ${j.reason}`);
    const recs = osvRecords(j.value);
    if (recs === undefined)
      return fail('parse-error', 'not OSV: expected a record, a list of records or {"vulns": [...]}');
    records.push(...recs);
  }

  // Select records modified after the cursor, oldest first.
  const cursorT = ctx.state.cursor === undefined ? -Infinity : Date.parse(ctx.state.cursor);
  let undated = 0;
  const picked: { rec: Rec; stamp: number; raw: string }[] = [];
  for (const rec of records) {
    const raw = typeof rec['modified'] === 'string' ? rec['modified'] : '';
    const stamp = Date.parse(raw);
    if (!Number.isFinite(stamp)) {
      // Without `modified` a record cannot be tracked: imported once (first poll), then skipped.
      if (ctx.state.cursor === undefined) picked.push({ rec, stamp: -Infinity, raw: '' });
      else undated++;
      continue;
    }
    if (stamp > cursorT) picked.push({ rec, stamp, raw: new Date(stamp).toISOString() });
  }
  if (undated > 0)
    ctx.issue('invalid-value', `${undated} OSV record(s) without a valid "modified" were skipped`, res.url);
  picked.sort((a, b) => a.stamp - b.stamp);

  let done = 0;
  let batches = 0;
  let complete = true;
  while (done < picked.length) {
    if (batches >= ctx.maxItems) {
      complete = false;
      break;
    }
    const batch = picked.slice(done, done + OSV_BATCH);
    const first = batch[0]?.raw || 'undated';
    const name = `${config.id}/osv-${first.replace(/[^0-9A-Za-z]/g, '')}-${batches + 1}.json`;
    const body = Buffer.from(JSON.stringify(batch.map((p) => p.rec)), 'utf8');
    const ok = await ctx.importDoc(`osv:${first}:${batch.length}`, name, 'osv', body, res.url);
    if (!ok) {
      complete = false;
      break;
    }
    done += batch.length;
    batches++;
  }
  const dated = picked.filter((p) => p.raw !== '');
  const doneDated = picked.slice(0, done).filter((p) => p.raw !== '').length;
  const patch: KindOutcome['patch'] = { cursor: tieSafeCursor(dated, doneDated, ctx.state.cursor) };
  if (complete) {
    patch.etag = res.headers.get('etag') ?? undefined;
    patch.lastModified = res.headers.get('last-modified') ?? undefined;
  }
  if (ctx.storeFailed) return { ok: false, patch, error: 'the intel store refused an import' };
  return { ok: true, patch };
}
