/** Remediation: cases with filters and bulk actions, and one case with its reasons. */
import { useState, type FormEvent, type ReactNode } from 'react';
import { query, tpath } from '../api.js';
import { BulkTransition, TransitionForm } from '../components/actions.js';
import {
  ErrorBox,
  keyLabel,
  Loading,
  PageTitle,
  Pager,
  Severity,
  STATE_LABEL,
  StateBadge,
  When,
} from '../components/ui.js';
import { useApi, useCan, useSelection, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { Case, CaseEvent, Paged } from '../types.js';
import { CASE_STATES } from '../types.js';

const LIMIT = 50;

/** The remediation (cases) page. */
export function CasesPage({ tenant, initial }: { tenant: string; initial: URLSearchParams }): ReactNode {
  useTitle(`${tenant}: remediation`);
  const canAct = useCan(tenant, 'analyst');
  const [draft, setDraft] = useState({
    state: initial.get('state') ?? '',
    host: initial.get('host') ?? '',
    key: initial.get('key') ?? '',
    q: initial.get('q') ?? '',
  });
  const [applied, setApplied] = useState(draft);
  const [offset, setOffset] = useState(0);
  const { selected, setSelected, toggle } = useSelection();
  const r = useApi<Paged<Case>>(tpath(tenant, `/cases${query({ ...applied, limit: LIMIT, offset })}`));
  const items = r.data?.items ?? [];
  const apply = (e: FormEvent): void => {
    e.preventDefault();
    setApplied(draft);
    setOffset(0);
    setSelected(new Set());
  };
  const allOnPage = items.length > 0 && items.every((c) => selected.has(c.id));
  return (
    <>
      <PageTitle>Remediation</PageTitle>
      <form className="filters" onSubmit={apply} aria-label="Filter cases">
        <div className="field">
          <label htmlFor="c-q">Search</label>
          <input
            id="c-q"
            type="search"
            value={draft.q}
            maxLength={300}
            onChange={(e) => setDraft({ ...draft, q: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="c-state">State</label>
          <select
            id="c-state"
            value={draft.state}
            onChange={(e) => setDraft({ ...draft, state: e.target.value })}
          >
            <option value="">Any</option>
            {CASE_STATES.map((s) => (
              <option key={s} value={s}>
                {STATE_LABEL[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor="c-host">Host</label>
          <input
            id="c-host"
            value={draft.host}
            maxLength={300}
            onChange={(e) => setDraft({ ...draft, host: e.target.value })}
          />
        </div>
        <div className="field">
          <label htmlFor="c-key">Advisory or indicator key</label>
          <input
            id="c-key"
            value={draft.key}
            maxLength={2000}
            onChange={(e) => setDraft({ ...draft, key: e.target.value })}
          />
        </div>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {canAct && r.data && (
        <BulkTransition
          tenant={tenant}
          ids={[...selected]}
          onDone={() => {
            setSelected(new Set());
            r.reload();
          }}
        />
      )}
      {r.data && (
        <>
          <table>
            <caption>{r.data.total} case(s)</caption>
            <thead>
              <tr>
                {canAct && (
                  <th scope="col">
                    <input
                      type="checkbox"
                      aria-label="Select all cases on this page"
                      checked={allOnPage}
                      onChange={() => setSelected(allOnPage ? new Set() : new Set(items.map((c) => c.id)))}
                    />
                  </th>
                )}
                <th scope="col">Host</th>
                <th scope="col">Advisory or indicator</th>
                <th scope="col">Severity</th>
                <th scope="col">State</th>
                <th scope="col">Updated</th>
              </tr>
            </thead>
            <tbody>
              {items.map((c) => (
                <tr key={c.id}>
                  {canAct && (
                    <td>
                      <input
                        type="checkbox"
                        aria-label={`Select the case of ${c.host} for ${c.title}`}
                        checked={selected.has(c.id)}
                        onChange={() => toggle(c.id)}
                      />
                    </td>
                  )}
                  <th scope="row">
                    <Link to={paths.case(tenant, c.id)}>{c.host}</Link>
                  </th>
                  <td>
                    <Link to={paths.impact(tenant, c.key)}>{c.title || keyLabel(c.key)}</Link>
                  </td>
                  <td>
                    <Severity value={c.severity} />
                  </td>
                  <td>
                    <StateBadge value={c.state} />
                  </td>
                  <td>
                    <When at={c.updatedAt} />
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

/** One case: state, dates, the history of moves with their reasons, and the action form. */
export function CasePage({ tenant, id }: { tenant: string; id: string }): ReactNode {
  const r = useApi<{ case: Case; events: CaseEvent[] }>(tpath(tenant, `/cases/${encodeURIComponent(id)}`));
  const canAct = useCan(tenant, 'analyst');
  const c = r.data?.case;
  useTitle(c ? `${c.host}: ${c.title}` : 'Case');
  return (
    <>
      <PageTitle>{c ? `Case: ${c.title} on ${c.host}` : 'Case'}</PageTitle>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {c && r.data && (
        <>
          <dl className="kv">
            <dt>State</dt>
            <dd>
              <StateBadge value={c.state} />
            </dd>
            <dt>Host</dt>
            <dd>
              <Link to={paths.host(tenant, c.host)}>{c.host}</Link>
            </dd>
            <dt>Advisory or indicator</dt>
            <dd>
              <Link to={paths.impact(tenant, c.key)}>{keyLabel(c.key)}</Link>
            </dd>
            <dt>Severity</dt>
            <dd>
              <Severity value={c.severity} />
            </dd>
            <dt>Opened</dt>
            <dd>
              <When at={c.openedAt} />
            </dd>
            <dt>Contained</dt>
            <dd>
              <When at={c.containedAt} />
            </dd>
            <dt>Remediated</dt>
            <dd>
              <When at={c.remediatedAt} />
            </dd>
            <dt>Verified clean</dt>
            <dd>
              <When at={c.verifiedAt} />
            </dd>
            <dt>Last evidence</dt>
            <dd>
              <When at={c.lastEvidenceAt} />
            </dd>
          </dl>
          {canAct && (
            <>
              <h2>Change state</h2>
              <p className="muted">
                Verified clean is set only when a new bundle from the host shows it clean.
              </p>
              <TransitionForm tenant={tenant} item={c} onDone={r.reload} />
            </>
          )}
          <h2>History</h2>
          <table>
            <caption className="visually-hidden">State changes with reasons</caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">From</th>
                <th scope="col">To</th>
                <th scope="col">Reason</th>
              </tr>
            </thead>
            <tbody>
              {r.data.events.map((e) => (
                <tr key={e.id}>
                  <td>
                    <When at={e.at} />
                  </td>
                  <td>{e.actor}</td>
                  <td>{e.from ? <StateBadge value={e.from} /> : <span className="muted">new</span>}</td>
                  <td>
                    <StateBadge value={e.to} />
                  </td>
                  <td>{e.reason}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </>
  );
}
