/** Findings with filters, search, paging, and bulk actions on their cases. */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { query, tpath } from '../api.js';
import { BulkTransition } from '../components/actions.js';
import { ErrorBox, keyLabel, Loading, PageTitle, Pager, Severity, When } from '../components/ui.js';
import { useApi, useCan, useSelection, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { Case, FindingRow, Paged } from '../types.js';
import { SEVERITIES } from '../types.js';

const LIMIT = 50;
const KINDS = ['app', 'package', 'file', 'filename', 'network', 'sigma', 'yara', 'pe-anomaly'];

interface Filters {
  severity: string;
  kind: string;
  host: string;
  key: string;
  q: string;
  new: boolean;
}

function fromParams(p: URLSearchParams): Filters {
  return {
    severity: p.get('severity') ?? '',
    kind: p.get('kind') ?? '',
    host: p.get('host') ?? '',
    key: p.get('key') ?? '',
    q: p.get('q') ?? '',
    new: p.get('new') === 'true',
  };
}

/** The findings page. */
export function FindingsPage({ tenant, initial }: { tenant: string; initial: URLSearchParams }): ReactNode {
  useTitle(`${tenant}: findings`);
  const canAct = useCan(tenant, 'analyst');
  const [draft, setDraft] = useState<Filters>(() => fromParams(initial));
  const [applied, setApplied] = useState<Filters>(draft);
  const [offset, setOffset] = useState(0);
  const { selected, setSelected, toggle } = useSelection();
  const path = tpath(
    tenant,
    `/findings${query({ ...applied, new: applied.new ? true : undefined, limit: LIMIT, offset })}`,
  );
  const r = useApi<Paged<FindingRow>>(path, applied.new ? 5000 : undefined);
  // The (host, key) → case map is loaded only once something is selected (first render stays light).
  const cases = useApi<Paged<Case>>(canAct && selected.size > 0 ? tpath(tenant, '/cases?limit=10000') : null);
  const caseOf = useMemo(() => {
    const m = new Map<string, Case>();
    for (const c of cases.data?.items ?? []) m.set(`${c.host}\u0000${c.key}`, c);
    return m;
  }, [cases.data]);
  const items = r.data?.items ?? [];
  const selectedCases = [
    ...new Set(
      [...selected]
        .map((fid) => items.find((f) => f.id === fid))
        .flatMap((f) => {
          const c = f ? caseOf.get(`${f.host}\u0000${f.caseKey}`) : undefined;
          return c ? [c.id] : [];
        }),
    ),
  ];
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    setApplied(draft);
    setOffset(0);
    setSelected(new Set());
  };
  const set = <K extends keyof Filters>(k: K, v: Filters[K]): void => setDraft((d) => ({ ...d, [k]: v }));
  const allOnPage = items.length > 0 && items.every((f) => selected.has(f.id));
  return (
    <>
      <PageTitle>Findings</PageTitle>
      <form className="filters" onSubmit={apply} aria-label="Filter findings">
        <div className="field">
          <label htmlFor="f-q">Search</label>
          <input
            id="f-q"
            type="search"
            value={draft.q}
            maxLength={300}
            onChange={(e) => set('q', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="f-sev">Severity</label>
          <select id="f-sev" value={draft.severity} onChange={(e) => set('severity', e.target.value)}>
            <option value="">Any</option>
            {SEVERITIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-kind">Kind</label>
          <select id="f-kind" value={draft.kind} onChange={(e) => set('kind', e.target.value)}>
            <option value="">Any</option>
            {KINDS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="f-host">Host</label>
          <input
            id="f-host"
            value={draft.host}
            maxLength={300}
            onChange={(e) => set('host', e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="f-key">Advisory or indicator key</label>
          <input id="f-key" value={draft.key} maxLength={2000} onChange={(e) => set('key', e.target.value)} />
        </div>
        <div className="row">
          <input
            id="f-new"
            type="checkbox"
            checked={draft.new}
            onChange={(e) => set('new', e.target.checked)}
          />
          <label htmlFor="f-new">New since the latest hunt only</label>
        </div>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {canAct && r.data && (
        <BulkTransition
          tenant={tenant}
          ids={selectedCases}
          onDone={() => {
            setSelected(new Set());
            cases.reload();
            r.reload();
          }}
        />
      )}
      {r.data && (
        <>
          <table>
            <caption>
              {r.data.total} finding(s){applied.new ? ' new since the latest hunt' : ''}
            </caption>
            <thead>
              <tr>
                {canAct && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all findings on this page"
                      checked={allOnPage}
                      onChange={() => setSelected(allOnPage ? new Set() : new Set(items.map((f) => f.id)))}
                    />
                  </th>
                )}
                <th scope="col">Severity</th>
                <th scope="col">Finding</th>
                <th scope="col">Host</th>
                <th scope="col">Kind</th>
                <th scope="col">Advisory or indicator</th>
                <th scope="col">First seen</th>
              </tr>
            </thead>
            <tbody>
              {items.map((f) => (
                <tr key={f.id}>
                  {canAct && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select ${f.title} on ${f.host}`}
                        checked={selected.has(f.id)}
                        onChange={() => toggle(f.id)}
                      />
                    </td>
                  )}
                  <td>
                    <Severity value={f.severity} />
                  </td>
                  <td>
                    {f.title} {f.new && <span className="badge">new</span>}
                    <details>
                      <summary>Evidence</summary>
                      <pre>{JSON.stringify(f.finding, null, 2)}</pre>
                    </details>
                  </td>
                  <td>
                    <Link to={paths.host(tenant, f.host)}>{f.host}</Link>
                  </td>
                  <td>{f.kind}</td>
                  <td>
                    <Link to={paths.impact(tenant, f.caseKey)}>{keyLabel(f.caseKey)}</Link>
                  </td>
                  <td>
                    <When at={f.firstSeen} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager total={r.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
        </>
      )}
    </>
  );
}
