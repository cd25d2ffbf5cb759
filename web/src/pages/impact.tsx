/** One advisory or indicator: the burn-down, and each host's case with actions. */
import { useMemo, useState, type ReactNode } from 'react';
import { query, tpath } from '../api.js';
import { TransitionForm, UploadBundle } from '../components/actions.js';
import { Burndown } from '../components/burndown.js';
import {
  CleanBadge,
  Counts,
  ErrorBox,
  keyLabel,
  Loading,
  PageTitle,
  Severity,
  StateBadge,
  Pager,
  When,
} from '../components/ui.js';
import { useApi, useCan, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { CaseState, Impact } from '../types.js';

const PAGE = 100;
/** Hosts still to act on first. */
const ORDER: readonly CaseState[] = ['open', 'contained', 'remediated', 'verified_clean', 'false_positive'];

/** The impact page of `k`. */
export function ImpactPage({ tenant, k }: { tenant: string; k: string }): ReactNode {
  const r = useApi<Impact>(k ? tpath(tenant, `/impact${query({ key: k })}`) : null, 10_000);
  const canAct = useCan(tenant, 'analyst');
  const d = r.data;
  const [offset, setOffset] = useState(0);
  const sorted = useMemo(
    () =>
      [...(d?.cases ?? [])].sort(
        (a, b) =>
          ORDER.indexOf(a.state) - ORDER.indexOf(b.state) || (a.host < b.host ? -1 : a.host > b.host ? 1 : 0),
      ),
    [d],
  );
  const shown = sorted.slice(offset, offset + PAGE);
  const title = d?.summary?.title || keyLabel(k);
  useTitle(`${title}: impact`);
  return (
    <>
      <PageTitle>Impact: {title}</PageTitle>
      <p className="muted">{keyLabel(k)}</p>
      <ErrorBox error={k ? r.error : 'No advisory or indicator given.'} />
      {!d && r.loading && <Loading />}
      {d && (
        <>
          {d.summary && (
            <p className="row">
              <Severity value={d.summary.severity} /> <CleanBadge clean={d.summary.clean} />
            </p>
          )}
          {d.summary && <Counts counts={d.summary.hosts} label="Hosts by case state" />}
          <h2>Burn-down</h2>
          <Burndown points={d.burndown} title={`Hosts by state over time: ${title}`} />
          <h2>Hosts</h2>
          <table>
            <caption className="visually-hidden">Cases of this advisory, one per host</caption>
            <thead>
              <tr>
                <th scope="col">Host</th>
                <th scope="col">State</th>
                <th scope="col">Opened</th>
                <th scope="col">Last evidence</th>
                <th scope="col">Case</th>
                {canAct && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {shown.map((c) => (
                <tr key={c.id} data-host={c.host}>
                  <th scope="row">
                    <Link to={paths.host(tenant, c.host)}>{c.host}</Link>
                  </th>
                  <td>
                    <StateBadge value={c.state} />
                  </td>
                  <td>
                    <When at={c.openedAt} />
                  </td>
                  <td>
                    <When at={c.lastEvidenceAt} />
                  </td>
                  <td>
                    <Link to={paths.case(tenant, c.id)} aria-label={`Case history for ${c.host}`}>
                      History
                    </Link>
                  </td>
                  {canAct && (
                    <td>
                      <TransitionForm tenant={tenant} item={c} onDone={r.reload} compact />
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
          {sorted.length > PAGE && (
            <Pager total={sorted.length} limit={PAGE} offset={offset} onChange={setOffset} />
          )}
          {canAct && (
            <>
              <h2>Upload evidence</h2>
              <p className="muted">
                A new bundle from a host re-checks its cases; a case becomes verified clean only from
                evidence.
              </p>
              <UploadBundle tenant={tenant} onFinished={r.reload} />
            </>
          )}
        </>
      )}
    </>
  );
}
