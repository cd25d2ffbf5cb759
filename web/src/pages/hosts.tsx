/** Hosts, and one host's timeline joining bundles, evidence findings and case history. */
import { useState, type ReactNode } from 'react';
import { query, tpath } from '../api.js';
import { UploadBundle } from '../components/actions.js';
import {
  ErrorBox,
  keyLabel,
  Loading,
  PageTitle,
  Pager,
  Severity,
  StateBadge,
  When,
} from '../components/ui.js';
import { useApi, useCan, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { Case, HostRow, Paged, TimelineItem } from '../types.js';

/** The hosts page. */
export function HostsPage({ tenant }: { tenant: string }): ReactNode {
  useTitle(`${tenant}: hosts`);
  const canAct = useCan(tenant, 'analyst');
  const r = useApi<{ items: HostRow[] }>(tpath(tenant, '/hosts'));
  const [filter, setFilter] = useState('');
  const [offset, setOffset] = useState(0);
  const all = r.data?.items ?? [];
  const f = filter.trim().toLowerCase();
  const matching = f
    ? all.filter((h) => h.host.toLowerCase().includes(f) || (h.hostname ?? '').toLowerCase().includes(f))
    : all;
  const shown = matching.slice(offset, offset + PAGE);
  return (
    <>
      <PageTitle>Hosts</PageTitle>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {r.data && (
        <>
          <div className="filters">
            <div className="field">
              <label htmlFor="h-filter">Find a host</label>
              <input
                id="h-filter"
                type="search"
                value={filter}
                onChange={(e) => {
                  setFilter(e.target.value);
                  setOffset(0);
                }}
              />
            </div>
          </div>
          <table>
            <caption>
              {matching.length === all.length
                ? `${all.length} host(s)`
                : `${matching.length} of ${all.length} host(s)`}
            </caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">Host name</th>
                <th scope="col">OS</th>
                <th scope="col">State</th>
                <th scope="col" className="num">
                  Open cases
                </th>
                <th scope="col" className="num">
                  Bundles
                </th>
                <th scope="col">Last collected</th>
              </tr>
            </thead>
            <tbody>
              {shown.map((h) => (
                <tr key={h.host}>
                  <th scope="row">
                    <Link to={paths.host(tenant, h.host)}>{h.host}</Link>
                  </th>
                  <td>{h.hostname ?? '—'}</td>
                  <td>{h.os ?? '—'}</td>
                  <td>
                    <span
                      className={`badge ${h.state === 'affected' ? 'dirty' : h.state === 'clean' ? 'clean' : 'muted'}`}
                    >
                      {h.state}
                    </span>
                  </td>
                  <td className="num">{h.openCases}</td>
                  <td className="num">{h.bundles}</td>
                  <td>
                    <When at={h.lastCollectedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {matching.length > PAGE && (
            <Pager total={matching.length} limit={PAGE} offset={offset} onChange={setOffset} />
          )}
        </>
      )}
      {canAct && (
        <>
          <h2>Upload a host bundle</h2>
          <UploadBundle tenant={tenant} onFinished={r.reload} />
        </>
      )}
    </>
  );
}

const PAGE = 200;
const TYPES = ['bundle', 'finding', 'case'] as const;

function detailOf(item: TimelineItem): Record<string, unknown> {
  return item.detail && typeof item.detail === 'object' ? (item.detail as Record<string, unknown>) : {};
}

/** "app 40, network 300" from a bundle's evidence counts per kind. */
function kindsText(kinds: unknown): string {
  if (!kinds || typeof kinds !== 'object') return '';
  return Object.entries(kinds as Record<string, unknown>)
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([k, n]) => `${k} ${String(n)}`)
    .join(', ');
}

/** The per-host timeline page. */
export function HostPage({ tenant, host }: { tenant: string; host: string }): ReactNode {
  useTitle(`${host}: timeline`);
  const r = useApi<{ host: HostRow; items: TimelineItem[] }>(
    tpath(tenant, `/hosts/${encodeURIComponent(host)}/timeline`),
  );
  const cases = useApi<Paged<Case>>(tpath(tenant, `/cases${query({ host, limit: 1000 })}`));
  const [show, setShow] = useState<ReadonlySet<string>>(new Set(TYPES));
  const items = (r.data?.items ?? []).filter((i) => show.has(i.type));
  return (
    <>
      <PageTitle>Host {host}</PageTitle>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {r.data && (
        <dl className="kv">
          <dt>Host name</dt>
          <dd>{r.data.host.hostname ?? '—'}</dd>
          <dt>OS</dt>
          <dd>{r.data.host.os ?? '—'}</dd>
          <dt>Last collected</dt>
          <dd>
            <When at={r.data.host.lastCollectedAt} />
          </dd>
        </dl>
      )}
      <h2>Cases</h2>
      {cases.data && cases.data.items.length === 0 && <p className="muted">No cases on this host.</p>}
      {cases.data && cases.data.items.length > 0 && (
        <ul>
          {cases.data.items.map((c) => (
            <li key={c.id}>
              <Link to={paths.case(tenant, c.id)}>{c.title || keyLabel(c.key)}</Link>{' '}
              <StateBadge value={c.state} /> <Severity value={c.severity} />
            </li>
          ))}
        </ul>
      )}
      <h2>Timeline</h2>
      <fieldset className="row">
        <legend>Show</legend>
        {TYPES.map((t) => (
          <span key={t} className="row">
            <input
              id={`tl-${t}`}
              type="checkbox"
              checked={show.has(t)}
              onChange={() =>
                setShow((s) => {
                  const n = new Set(s);
                  if (n.has(t)) n.delete(t);
                  else n.add(t);
                  return n;
                })
              }
            />
            <label htmlFor={`tl-${t}`}>
              {t === 'bundle'
                ? 'Bundles (inventory)'
                : t === 'finding'
                  ? 'Evidence findings'
                  : 'Case changes'}
            </label>
          </span>
        ))}
      </fieldset>
      {r.data && items.length === 0 && <p className="muted">Nothing to show.</p>}
      <ol className="timeline">
        {items.map((i, n) => {
          const d = detailOf(i);
          return (
            <li key={`${i.time}-${n}`}>
              <When at={i.time} /> <span className="badge">{i.type}</span>{' '}
              {typeof d['severity'] === 'string' && <Severity value={d['severity']} />} {i.title}
              {typeof d['reason'] === 'string' && <div>Reason: {d['reason']}</div>}
              {i.type === 'bundle' && kindsText(d['kinds']) && (
                <div className="muted">Evidence: {kindsText(d['kinds'])}</div>
              )}
              <details>
                <summary>Details</summary>
                <pre>{JSON.stringify(i.detail, null, 2)}</pre>
              </details>
            </li>
          );
        })}
      </ol>
    </>
  );
}
