/**
 * Evidence search across the tenants the user may see, before there is intel to hunt with: which
 * hosts have (or had) a package, an application, a file, or contact with a domain or address.
 * The search lives in the URL (`/search?app=3cx&version=18.12.416`), so it can be shared.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { query } from '../api.js';
import { HeadRow, LoadedView, PageTitle, When } from '../components/ui.js';
import { useApi, useTitle } from '../hooks.js';
import { Link, navigate, paths } from '../router.js';
import type { Tenant } from '../types.js';

const KINDS = [
  ['app', 'Application name contains'],
  ['package', 'Package name'],
  ['hash', 'File hash (SHA-256, SHA-1 or MD5)'],
  ['domain', 'Domain (and subdomains)'],
  ['ip', 'IP address'],
] as const;
type Kind = (typeof KINDS)[number][0];

interface Hit {
  tenant: string;
  host: string;
  kind: string;
  detail: Record<string, string | null>;
  ingestId: string;
  collectedAt: string | null;
  latest: boolean;
}

interface Answer {
  tenants: number;
  hits: Hit[];
  truncated: boolean;
}

function describe(h: Hit): string {
  const d = h.detail;
  switch (h.kind) {
    case 'package':
      return `${d['ecosystem'] ?? '?'} ${d['name'] ?? ''} ${d['version'] ?? ''}`;
    case 'app':
      return `${d['name'] ?? ''} ${d['version'] ?? ''}${d['publisher'] ? ` (${d['publisher']})` : ''}`;
    case 'file':
      return `${d['path'] ?? ''}`;
    case 'dns':
      return `DNS query ${d['query'] ?? ''}${d['image'] ? ` by ${d['image']}` : ''}`;
    default:
      return [d['src'] && `${d['src']} →`, d['fqdn'], d['dst'] && `(${d['dst']})`, d['url']]
        .filter(Boolean)
        .join(' ');
  }
}

/** The search page; `params` is the URL's query. */
export function SearchPage({ params }: { params: URLSearchParams }): ReactNode {
  useTitle('Search evidence');
  const id = useId();
  const given = KINDS.find(([k]) => params.get(k))?.[0] ?? 'app';
  const [kind, setKind] = useState<Kind>(given);
  const [value, setValue] = useState(params.get(given) ?? '');
  const [version, setVersion] = useState(params.get('version') ?? '');
  const [ecosystem, setEcosystem] = useState(params.get('ecosystem') ?? '');
  const [tenant, setTenant] = useState(params.get('tenant') ?? '');
  const tenants = useApi<{ items: Tenant[] }>('/tenants');
  const q = params.get(given) ? params.toString() : '';
  const r = useApi<Answer>(q ? `/search?${q}` : null);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    navigate(
      `/search${query({
        [kind]: value.trim(),
        ...(kind === 'app' || kind === 'package' ? { version: version.trim() } : {}),
        ...(kind === 'package' ? { ecosystem: ecosystem.trim() } : {}),
        tenant,
      })}`,
    );
  };
  const names = new Map((tenants.data?.items ?? []).map((t) => [t.id, t.name]));
  return (
    <>
      <PageTitle>Search evidence</PageTitle>
      <p className="muted">
        Every stored bundle of the tenants you can see. A hit from an older bundle says what a host had, not
        what it has now.
      </p>
      <form onSubmit={submit} aria-label="Search evidence" className="filters">
        <div className="field">
          <label htmlFor={`${id}-kind`}>Search for</label>
          <select id={`${id}-kind`} value={kind} onChange={(e) => setKind(e.target.value as Kind)}>
            {KINDS.map(([k, label]) => (
              <option key={k} value={k}>
                {label}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-value`}>Value</label>
          <input
            id={`${id}-value`}
            required
            maxLength={512}
            value={value}
            onChange={(e) => setValue(e.target.value)}
          />
        </div>
        {(kind === 'app' || kind === 'package') && (
          <div className="field">
            <label htmlFor={`${id}-version`}>Version (exact, optional)</label>
            <input
              id={`${id}-version`}
              maxLength={512}
              value={version}
              onChange={(e) => setVersion(e.target.value)}
            />
          </div>
        )}
        {kind === 'package' && (
          <div className="field">
            <label htmlFor={`${id}-eco`}>Ecosystem (optional)</label>
            <input
              id={`${id}-eco`}
              maxLength={100}
              placeholder="npm, PyPI, Go…"
              value={ecosystem}
              onChange={(e) => setEcosystem(e.target.value)}
            />
          </div>
        )}
        <div className="field">
          <label htmlFor={`${id}-tenant`}>Tenant</label>
          <select id={`${id}-tenant`} value={tenant} onChange={(e) => setTenant(e.target.value)}>
            <option value="">All I can see</option>
            {(tenants.data?.items ?? []).map((t) => (
              <option key={t.id} value={t.id}>
                {t.name}
              </option>
            ))}
          </select>
        </div>
        <button type="submit">Search</button>
      </form>
      {q && (
        <LoadedView r={r}>
          {(a) => (
            <table>
              <caption data-testid="search-summary">
                {a.hits.length}
                {a.truncated ? '+' : ''} hit(s) in {a.tenants} tenant(s)
                {a.truncated ? ' (first ones shown; narrow the search)' : ''}
              </caption>
              <HeadRow cols={['Tenant', 'Host', 'What', 'Collected', 'Bundle']} />
              <tbody>
                {a.hits.map((h, i) => (
                  <tr key={`${h.tenant}|${h.host}|${h.ingestId}|${i}`} data-host={h.host}>
                    <td>
                      <Link to={paths.tenant(h.tenant)}>{names.get(h.tenant) ?? h.tenant}</Link>
                    </td>
                    <td>
                      <Link to={paths.host(h.tenant, h.host)}>{h.host}</Link>
                    </td>
                    <td>
                      <span className="badge">{h.kind}</span> <code>{describe(h)}</code>
                    </td>
                    <td>
                      <When at={h.collectedAt} />
                    </td>
                    <td>{h.latest ? 'latest' : 'older'}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </LoadedView>
      )}
    </>
  );
}
