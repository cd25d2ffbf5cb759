/** Per-tenant "are we clean?": the answer, the counts, and every advisory or indicator with hosts. */
import type { ReactNode } from 'react';
import { tpath } from '../api.js';
import { CleanBadge, Counts, ErrorBox, keyLabel, Loading, PageTitle, Severity } from '../components/ui.js';
import { useApi, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { TenantSummary } from '../types.js';

/** The tenant status page. */
export function TenantPage({ tenant }: { tenant: string }): ReactNode {
  useTitle(`${tenant}: are we clean?`);
  const r = useApi<TenantSummary>(tpath(tenant, '/summary'), 15_000);
  const s = r.data;
  return (
    <>
      <PageTitle>{tenant}: are we clean?</PageTitle>
      <ErrorBox error={r.error} />
      {!s && r.loading && <Loading />}
      {s && (
        <>
          <p className={`status-banner ${s.clean ? 'clean' : 'dirty'}`} data-testid="clean-status">
            {s.clean
              ? `Yes: no host has an open case (${s.hosts.total} host(s)).`
              : `No: ${s.hosts.affected} of ${s.hosts.total} host(s) affected.`}
          </p>
          <h2>Cases by state</h2>
          <Counts counts={s.cases} label="Cases by state" />
          <h2>Advisories and indicators</h2>
          {s.keys.length === 0 ? (
            <p className="muted">No findings so far.</p>
          ) : (
            <table>
              <caption className="visually-hidden">Advisories and indicators with affected hosts</caption>
              <thead>
                <tr>
                  <th scope="col">Advisory or indicator</th>
                  <th scope="col">Severity</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="num">
                    Affected
                  </th>
                  <th scope="col" className="num">
                    Contained
                  </th>
                  <th scope="col" className="num">
                    Remediated
                  </th>
                  <th scope="col" className="num">
                    Verified clean
                  </th>
                  <th scope="col" className="num">
                    False positive
                  </th>
                </tr>
              </thead>
              <tbody>
                {s.keys.map((k) => (
                  <tr key={k.key}>
                    <th scope="row">
                      <Link to={paths.impact(tenant, k.key)}>{k.title || keyLabel(k.key)}</Link>
                      <div className="muted">{keyLabel(k.key)}</div>
                    </th>
                    <td>
                      <Severity value={k.severity} />
                    </td>
                    <td>
                      <CleanBadge clean={k.clean} />
                    </td>
                    <td className="num">{k.hosts.open}</td>
                    <td className="num">{k.hosts.contained}</td>
                    <td className="num">{k.hosts.remediated}</td>
                    <td className="num">{k.hosts.verified_clean}</td>
                    <td className="num">{k.hosts.false_positive}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </>
  );
}
