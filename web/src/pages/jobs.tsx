/** Jobs of the tenant with progress (polled). */
import { useState, type ReactNode } from 'react';
import { query, tpath } from '../api.js';
import { JobBar, UploadBundle } from '../components/actions.js';
import { ErrorBox, Loading, PageTitle, Pager, When } from '../components/ui.js';
import { useApi, useCan, useTitle } from '../hooks.js';
import type { Job, Paged } from '../types.js';

const LIMIT = 50;

function summary(result: Record<string, unknown> | null): string {
  if (!result) return '';
  return Object.entries(result)
    .filter(([, v]) => typeof v === 'number' || typeof v === 'string' || typeof v === 'boolean')
    .slice(0, 6)
    .map(([k, v]) => `${k}: ${String(v)}`)
    .join(', ');
}

/** The jobs page. */
export function JobsPage({ tenant }: { tenant: string }): ReactNode {
  useTitle(`${tenant}: jobs`);
  const canAct = useCan(tenant, 'analyst');
  const [offset, setOffset] = useState(0);
  const r = useApi<Paged<Job>>(tpath(tenant, `/jobs${query({ limit: LIMIT, offset })}`), 2000);
  return (
    <>
      <PageTitle>Jobs</PageTitle>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {r.data && (
        <>
          <table>
            <caption>{r.data.total} job(s), newest first</caption>
            <thead>
              <tr>
                <th scope="col">Job</th>
                <th scope="col">Type</th>
                <th scope="col">State</th>
                <th scope="col">Progress</th>
                <th scope="col">Created</th>
                <th scope="col">Finished</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {r.data.items.map((j) => (
                <tr key={j.id} data-job-state={j.state}>
                  <th scope="row">{j.id.slice(0, 8)}</th>
                  <td>{j.type}</td>
                  <td>
                    <span
                      className={`badge ${j.state === 'failed' ? 'dirty' : j.state === 'done' ? 'clean' : ''}`}
                    >
                      {j.state}
                    </span>
                  </td>
                  <td>
                    <JobBar job={j} />
                  </td>
                  <td>
                    <When at={j.createdAt} />
                  </td>
                  <td>
                    <When at={j.finishedAt} />
                  </td>
                  <td>{j.error ? <span className="error">{j.error}</span> : summary(j.result)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager total={r.data.total} limit={LIMIT} offset={offset} onChange={setOffset} />
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
