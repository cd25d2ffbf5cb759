/** MSSP overview: every tenant the user may see, clean or not. */
import type { ReactNode } from 'react';
import { CleanBadge, ErrorBox, HeadRow, keyLabel, Loading, PageTitle, Severity } from '../components/ui.js';
import { useApi, useTitle } from '../hooks.js';
import { Link, paths } from '../router.js';
import type { KeyAcrossTenants, OverviewItem } from '../types.js';

/** The overview page. */
export function OverviewPage(): ReactNode {
  useTitle('Overview');
  const r = useApi<{ items: OverviewItem[]; advisories?: KeyAcrossTenants[] }>('/overview', 15_000);
  const items = r.data?.items ?? [];
  const dirty = items.filter((i) => !i.clean).length;
  return (
    <>
      <PageTitle>Overview across tenants</PageTitle>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {r.data && (
        <>
          <p className={dirty ? 'status-banner dirty' : 'status-banner clean'}>
            {items.length === 0
              ? 'No tenants yet.'
              : dirty
                ? `${dirty} of ${items.length} tenant(s) are not clean.`
                : `All ${items.length} tenant(s) are clean.`}
          </p>
          <table>
            <caption>Tenants</caption>
            <thead>
              <tr>
                <th scope="col">Tenant</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Hosts
                </th>
                <th scope="col" className="num">
                  Affected hosts
                </th>
                <th scope="col" className="num">
                  Open cases
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
                  Critical advisories open
                </th>
              </tr>
            </thead>
            <tbody>
              {items.map((i) => (
                <tr key={i.tenant}>
                  <th scope="row">
                    <Link to={paths.tenant(i.tenant)}>{i.name}</Link>
                  </th>
                  <td>
                    <CleanBadge clean={i.clean} />
                  </td>
                  <td className="num">{i.hosts.total}</td>
                  <td className="num">{i.hosts.affected}</td>
                  <td className="num">{i.cases.open}</td>
                  <td className="num">{i.cases.contained}</td>
                  <td className="num">{i.cases.remediated}</td>
                  <td className="num">{i.cases.verified_clean}</td>
                  <td className="num">{i.critical}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Advisories rows={r.data.advisories ?? []} />
        </>
      )}
    </>
  );
}

/** Advisories and indicators across tenants: who is still affected, and how far along each is. */
function Advisories({ rows }: { rows: readonly KeyAcrossTenants[] }): ReactNode {
  if (!rows.length) return null;
  const hit = rows.filter((k) => !k.clean).length;
  return (
    <table>
      <caption>
        Advisories and indicators across tenants ({hit} of {rows.length} still affecting a tenant)
      </caption>
      <HeadRow
        cols={[
          'Advisory or indicator',
          'Severity',
          '#Tenants affected',
          '#Affected hosts',
          '#Contained',
          '#Remediated',
          '#Verified clean',
          'Per tenant',
        ]}
      />
      <tbody>
        {rows.map((k) => (
          <tr key={k.key} data-key={k.key}>
            <th scope="row">
              {keyLabel(k.key)}
              <div className="muted">{k.title}</div>
            </th>
            <td>
              <Severity value={k.severity} />
            </td>
            <td className="num">{k.tenantsAffected}</td>
            <td className="num">{k.hosts.open}</td>
            <td className="num">{k.hosts.contained}</td>
            <td className="num">{k.hosts.remediated}</td>
            <td className="num">{k.hosts.verified_clean}</td>
            <td>
              <ul className="plain">
                {k.tenants.map((t) => (
                  <li key={t.tenant}>
                    <Link
                      to={paths.impact(t.tenant, k.key)}
                      aria-label={`${t.name}: ${keyLabel(k.key)} impact`}
                    >
                      {t.name}
                    </Link>{' '}
                    {t.clean
                      ? 'clean'
                      : `${t.hosts.open + t.hosts.contained + t.hosts.remediated} affected, ${t.hosts.verified_clean} verified`}
                  </li>
                ))}
              </ul>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
