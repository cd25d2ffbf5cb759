/** The tenant's audit log. */
import { useState, type ReactNode } from 'react';
import { query, tpath } from '../api.js';
import { ErrorBox, Loading, PageTitle, Pager, When } from '../components/ui.js';
import { useApi, useTitle } from '../hooks.js';
import type { AuditEntry, Paged } from '../types.js';

const LIMIT = 100;

/** The audit page. */
export function AuditPage({ tenant }: { tenant: string }): ReactNode {
  useTitle(`${tenant}: audit log`);
  const [offset, setOffset] = useState(0);
  const r = useApi<Paged<AuditEntry>>(tpath(tenant, `/audit${query({ limit: LIMIT, offset })}`));
  return (
    <>
      <PageTitle>Audit log</PageTitle>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {r.data && (
        <>
          <table>
            <caption>
              {r.data.total} entr{r.data.total === 1 ? 'y' : 'ies'}, newest first
            </caption>
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Who</th>
                <th scope="col">Action</th>
                <th scope="col">Target</th>
                <th scope="col">Address</th>
                <th scope="col">Detail</th>
              </tr>
            </thead>
            <tbody>
              {r.data.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <When at={a.at} />
                  </td>
                  <td>{a.actor}</td>
                  <td>{a.action}</td>
                  <td>{a.target ?? '—'}</td>
                  <td>{a.ip ?? '—'}</td>
                  <td>
                    {a.detail === null || a.detail === undefined ? (
                      '—'
                    ) : (
                      <code>{JSON.stringify(a.detail).slice(0, 300)}</code>
                    )}
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
