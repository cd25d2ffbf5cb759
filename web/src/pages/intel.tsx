/**
 * Intel management: sources, importing a feed file, advisory text → extracted draft → review →
 * publish, feeds, and the retro-hunt's new findings arriving.
 */
import { useCallback, useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText, query, tpath } from '../api.js';
import { JobWatch } from '../components/actions.js';
import { ErrorBox, keyLabel, Loading, Notice, PageTitle, Severity, When } from '../components/ui.js';
import { useApi, useCan, useMounted, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { Feed, FindingRow, IntelSource, Paged, Review } from '../types.js';

const MAX_TEXT = 2 * 1024 * 1024;

/** What `POST …/feeds/{id}/poll` answers. */
interface PollSummary {
  ok: boolean;
  notModified?: boolean;
  imported?: unknown[];
  reviews?: number;
  state?: { lastError?: string | null };
}

function text(v: unknown): string {
  return typeof v === 'string' || typeof v === 'number' ? String(v) : '';
}

/** The intel page. */
export function IntelPage({ tenant }: { tenant: string }): ReactNode {
  useTitle(`${tenant}: intel`);
  const isAdmin = useCan(tenant, 'admin');
  const isAnalyst = useCan(tenant, 'analyst');
  const sources = useApi<{ items: IntelSource[] }>(tpath(tenant, '/intel'));
  const reviews = useApi<{ items: Review[] }>(tpath(tenant, '/reviews'));
  const [hunt, setHunt] = useState<string | null>(null);
  const started = (jobId: string | undefined): void => {
    sources.reload();
    reviews.reload();
    if (jobId) setHunt(jobId);
  };
  return (
    <>
      <PageTitle>Intel</PageTitle>
      {hunt && <RetroHunt tenant={tenant} jobId={hunt} />}
      <h2>Sources</h2>
      <ErrorBox error={sources.error} />
      {!sources.data && sources.loading && <Loading />}
      {sources.data && (
        <table>
          <caption className="visually-hidden">Intel sources</caption>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Scope</th>
              <th scope="col">Imported</th>
              <th scope="col">By</th>
              <th scope="col">Contents</th>
            </tr>
          </thead>
          <tbody>
            {sources.data.items.map((s) => (
              <tr key={s.id}>
                <th scope="row">{s.name}</th>
                <td>{s.tenant ? 'this tenant' : 'all tenants'}</td>
                <td>
                  <When at={s.importedAt} />
                </td>
                <td>{s.importedBy}</td>
                <td>
                  {s.counts
                    ? Object.entries(s.counts)
                        .map(([k, v]) => `${v} ${k}`)
                        .join(', ')
                    : '—'}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {isAdmin && <ImportIntel tenant={tenant} onStarted={started} />}
      {isAnalyst && <ExtractAdvisory tenant={tenant} onQueued={reviews.reload} />}
      <h2>Drafts for review</h2>
      <ErrorBox error={reviews.error} />
      {reviews.data && reviews.data.items.filter((r) => r.state === 'pending').length === 0 && (
        <p className="muted">No drafts waiting.</p>
      )}
      {reviews.data?.items
        .filter((r) => r.state === 'pending')
        .map((r) => (
          <ReviewCard
            key={r.id}
            tenant={tenant}
            review={r}
            canPublish={isAdmin}
            canDismiss={isAnalyst}
            onDecided={started}
          />
        ))}
      <Feeds tenant={tenant} canEdit={isAdmin} onPolled={reviews.reload} />
    </>
  );
}

function ImportIntel({
  tenant,
  onStarted,
}: {
  tenant: string;
  onStarted: (job: string | undefined) => void;
}): ReactNode {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mounted = useMounted();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!file) return setError('Choose an intel file first.');
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      const r = await api<{ source: IntelSource; jobs?: { id: string }[] }>(
        tpath(tenant, `/intel${query({ name: file.name })}`),
        {
          body: file,
          contentType: 'application/octet-stream',
        },
      );
      if (!mounted()) return;
      setDone(`Imported ${r.source.name}; a retro-hunt is running over stored evidence.`);
      onStarted(r.jobs?.[0]?.id);
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Import an intel file</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-file`}>Intel file (chainhunt pack, STIX, MISP, OSV, CSV…)</label>
          <input id={`${id}-file`} type="file" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        <ErrorBox error={error} />
        {done && <Notice>{done}</Notice>}
      </form>
    </section>
  );
}

function ExtractAdvisory({ tenant, onQueued }: { tenant: string; onQueued: () => void }): ReactNode {
  const id = useId();
  const [text, setText] = useState('');
  const [title, setTitle] = useState('');
  const [format, setFormat] = useState<'text' | 'markdown' | 'html'>('text');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const mounted = useMounted();
  const load = async (f: File | undefined): Promise<void> => {
    if (!f) return;
    if (f.size > MAX_TEXT) return setError(`${f.name} is larger than 2 MiB.`);
    const t = await f.text();
    if (!mounted()) return;
    setText(t);
    if (!title) setTitle(f.name);
    if (/\.html?$/i.test(f.name)) setFormat('html');
    else if (/\.(md|markdown)$/i.test(f.name)) setFormat('markdown');
  };
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!text.trim()) return setError('Paste or upload the advisory text first.');
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await api(tpath(tenant, '/intel/extract'), {
        body: { text, format, ...(title.trim() ? { title: title.trim() } : {}) },
      });
      if (!mounted()) return;
      setDone('The extracted draft is waiting for review below.');
      setText('');
      setTitle('');
      onQueued();
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Extract an advisory</h2>
      <form onSubmit={(e) => void submit(e)}>
        <div className="field">
          <label htmlFor={`${id}-title`}>Title (optional)</label>
          <input
            id={`${id}-title`}
            value={title}
            maxLength={300}
            onChange={(e) => setTitle(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-file`}>Upload advisory text (optional)</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".txt,.md,.markdown,.html,.htm,text/*"
            onChange={(e) => void load(e.target.files?.[0])}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-text`}>Advisory text</label>
          <textarea
            id={`${id}-text`}
            rows={8}
            value={text}
            maxLength={MAX_TEXT}
            onChange={(e) => setText(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-format`}>Format</label>
          <select
            id={`${id}-format`}
            value={format}
            onChange={(e) => setFormat(e.target.value as 'text' | 'markdown' | 'html')}
          >
            <option value="text">Plain text</option>
            <option value="markdown">Markdown</option>
            <option value="html">HTML</option>
          </select>
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Extracting…' : 'Extract draft'}
        </button>
        <ErrorBox error={error} />
        {done && <Notice>{done}</Notice>}
      </form>
    </section>
  );
}

function ReviewCard(props: {
  tenant: string;
  review: Review;
  canPublish: boolean;
  canDismiss: boolean;
  onDecided: (job: string | undefined) => void;
}): ReactNode {
  const { tenant, review, canPublish, canDismiss, onDecided } = props;
  const id = useId();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useMounted();
  const decide = async (what: 'publish' | 'dismiss'): Promise<void> => {
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ jobs?: { id: string }[] }>(
        tpath(tenant, `/reviews/${encodeURIComponent(review.id)}/${what}`),
        { method: 'POST' },
      );
      if (mounted()) onDecided(r.jobs?.[0]?.id);
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return (
    <article className="card" aria-labelledby={`${id}-h`}>
      <h3 id={`${id}-h`}>{review.title || 'Untitled advisory'}</h3>
      <p className="muted">
        Queued <When at={review.createdAt} />
        {review.source ? ` from ${review.source}` : ''}
      </p>
      <details open>
        <summary>Extracted draft</summary>
        <pre>{JSON.stringify(review.draft, null, 2)}</pre>
      </details>
      <details>
        <summary>Source text</summary>
        <pre>{review.text.slice(0, 20_000)}</pre>
      </details>
      {(canPublish || canDismiss) && (
        <div className="row">
          {canPublish && (
            <button type="button" disabled={busy} onClick={() => void decide('publish')}>
              Publish and retro-hunt
            </button>
          )}
          {canDismiss && (
            <button
              type="button"
              className="secondary"
              disabled={busy}
              onClick={() => void decide('dismiss')}
            >
              Dismiss
            </button>
          )}
        </div>
      )}
      <ErrorBox error={error} />
    </article>
  );
}

/** Follows a retro-hunt job and lists the findings it brings. */
function RetroHunt({ tenant, jobId }: { tenant: string; jobId: string }): ReactNode {
  const [finished, setFinished] = useState(false);
  const r = useApi<Paged<FindingRow>>(
    tpath(tenant, `/findings${query({ new: true, limit: 20 })}`),
    finished ? undefined : 2000,
  );
  const { reload } = r;
  // The hunt is done: one last look (polling stops), so its findings are all listed.
  const onFinished = useCallback(() => {
    setFinished(true);
    reload();
  }, [reload]);
  return (
    <section aria-labelledby="retro-h" className="card">
      <h2 id="retro-h">Retro-hunt</h2>
      <JobWatch key={jobId} tenant={tenant} jobId={jobId} onFinished={onFinished} />
      <h3>New findings</h3>
      {r.data && r.data.total === 0 && <p className="muted">None yet.</p>}
      {r.data && r.data.total > 0 && (
        <>
          <ul aria-live="polite">
            {r.data.items.map((f) => (
              <li key={f.id}>
                <Severity value={f.severity} /> {f.title} on{' '}
                <Link to={paths.host(tenant, f.host)}>{f.host}</Link> (
                <Link to={paths.impact(tenant, f.caseKey)}>{keyLabel(f.caseKey)}</Link>)
              </li>
            ))}
          </ul>
          <p>
            <Link to={paths.findings(tenant, '?new=true')}>All {r.data.total} new finding(s)</Link>
          </p>
        </>
      )}
    </section>
  );
}

function Feeds(props: { tenant: string; canEdit: boolean; onPolled: () => void }): ReactNode {
  const { tenant, canEdit, onPolled } = props;
  const id = useId();
  const [open, setOpen] = useState(false);
  const r = useApi<{ items: Feed[] }>(canEdit && open ? tpath(tenant, '/feeds') : null);
  const [kind, setKind] = useState('rss');
  const [url, setUrl] = useState('');
  const [interval, setIntervalS] = useState(3600);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const mounted = useMounted();
  if (!canEdit) return null;
  const run = async (what: string, fn: () => Promise<string>): Promise<void> => {
    setBusy(what);
    setError(null);
    setNote(null);
    try {
      const done = await fn();
      if (!mounted()) return;
      setNote(done);
      r.reload();
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(null);
    }
  };
  const add = (e: FormEvent): void => {
    e.preventDefault();
    void run('add', async () => {
      await api(tpath(tenant, '/feeds'), { body: { kind, url, intervalSeconds: interval } });
      setUrl('');
      return 'Feed added; it is polled on its interval.';
    });
  };
  const poll = (feed: string): void =>
    void run(feed, async () => {
      const p = await api<PollSummary>(tpath(tenant, `/feeds/${encodeURIComponent(feed)}/poll`), {
        method: 'POST',
      });
      onPolled();
      if (!p.ok) return `Poll failed: ${p.state?.lastError ?? 'unknown error'}`;
      if (p.notModified) return 'Polled: nothing new.';
      return `Polled: ${p.imported?.length ?? 0} intel file(s) imported, ${p.reviews ?? 0} draft(s) for review.`;
    });
  const remove = (feed: string): void =>
    void run(feed, async () => {
      await api(tpath(tenant, `/feeds/${encodeURIComponent(feed)}`), { method: 'DELETE' });
      return 'Feed removed.';
    });
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Feeds</h2>
      <details onToggle={(e) => setOpen(e.currentTarget.open)}>
        <summary>Polled feeds (RSS, Atom, OSV, MISP, TAXII)</summary>
        <ErrorBox error={r.error} />
        {r.data && r.data.items.length === 0 && <p className="muted">No feeds.</p>}
        {r.data && r.data.items.length > 0 && (
          <table>
            <caption className="visually-hidden">Feeds</caption>
            <thead>
              <tr>
                <th scope="col">Kind</th>
                <th scope="col">URL</th>
                <th scope="col">Every (s)</th>
                <th scope="col">Last poll</th>
                <th scope="col">Action</th>
              </tr>
            </thead>
            <tbody>
              {r.data.items.map((f) => {
                const c = f.config ?? {};
                const name = text(c['name']) || text(c['url']) || f.id;
                return (
                  <tr key={f.id}>
                    <td>{text(c['kind'])}</td>
                    <td>{text(c['url'])}</td>
                    <td className="num">{text(c['intervalSeconds'])}</td>
                    <td>
                      {typeof f.state['lastPolledAt'] === 'string' ? (
                        <When at={f.state['lastPolledAt']} />
                      ) : (
                        '—'
                      )}
                      {typeof f.state['lastError'] === 'string' && f.state['lastError'] && (
                        <div className="error">{f.state['lastError']}</div>
                      )}
                    </td>
                    <td className="row">
                      <button
                        type="button"
                        className="secondary"
                        disabled={busy !== null}
                        onClick={() => poll(f.id)}
                        aria-label={`Poll ${name} now`}
                      >
                        Poll now
                      </button>
                      <button
                        type="button"
                        className="secondary"
                        disabled={busy !== null}
                        onClick={() => remove(f.id)}
                        aria-label={`Remove ${name}`}
                      >
                        Remove
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
        <form className="filters" onSubmit={add} aria-label="Add a feed">
          <div className="field">
            <label htmlFor={`${id}-kind`}>Kind</label>
            <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value)}>
              {['rss', 'atom', 'osv', 'misp', 'taxii'].map((k) => (
                <option key={k}>{k}</option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={`${id}-url`}>URL</label>
            <input
              id={`${id}-url`}
              type="url"
              required
              value={url}
              onChange={(e) => setUrl(e.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={`${id}-int`}>Interval (seconds)</label>
            <input
              id={`${id}-int`}
              type="number"
              min={60}
              max={604800}
              value={interval}
              onChange={(e) => setIntervalS(Number(e.target.value))}
            />
          </div>
          <button type="submit" disabled={busy !== null}>
            Add feed
          </button>
        </form>
        {note && <Notice>{note}</Notice>}
        <ErrorBox error={error} />
      </details>
    </section>
  );
}
