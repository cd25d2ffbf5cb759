/** The shell: session, sign-in, header with tenant switch and tabs, and the page for the path. */
import { useCallback, useEffect, useState, type FormEvent, type ReactNode } from 'react';
import { api, ApiError, holdCsrf, setCsrf } from './api.js';
import { ErrorBox, PageTitle } from './components/ui.js';
import { roleIn, SessionContext, useApi, useSession, useTitle } from './hooks.js';
import { AuditPage } from './pages/audit.js';
import { CasePage, CasesPage } from './pages/cases.js';
import { FindingsPage } from './pages/findings.js';
import { HostPage, HostsPage } from './pages/hosts.js';
import { ImpactPage } from './pages/impact.js';
import { IntelPage } from './pages/intel.js';
import { JobsPage } from './pages/jobs.js';
import { OverviewPage } from './pages/overview.js';
import { SearchPage } from './pages/search.js';
import { SettingsPage } from './pages/settings.js';
import { TenantPage } from './pages/tenant.js';
import { Link, navigate, paths, useLocation } from './router.js';
import type { Me, Tenant, User } from './types.js';

/**
 * The signed-in user (name and roles; nothing secret: the session is an HttpOnly cookie) kept in
 * localStorage, so a page renders and loads its data at once while /me confirms the session in the
 * background. A fresh browser goes straight to the sign-in form (no failing /me call).
 */
const STORED_USER = 'chainhunt.user';

/** The fields the dashboard uses, or null when `u` is not a user. */
function userOf(u: Partial<User> | null | undefined): User | null {
  if (
    u &&
    typeof u.id === 'string' &&
    typeof u.username === 'string' &&
    typeof u.roles === 'object' &&
    u.roles
  )
    return { id: u.id, username: u.username, operator: u.operator === true, roles: u.roles };
  return null;
}

function storedUser(): User | null {
  try {
    const u = userOf(JSON.parse(localStorage.getItem(STORED_USER) ?? 'null') as Partial<User> | null);
    if (u) return u;
  } catch {
    // not JSON: sign in again
  }
  localStorage.removeItem(STORED_USER);
  return null;
}

function remember(u: User | null): void {
  if (u) localStorage.setItem(STORED_USER, JSON.stringify(u));
  else localStorage.removeItem(STORED_USER);
}

/** The whole app. */
export function App(): ReactNode {
  const [user, setUser] = useState<User | null>(storedUser);
  useEffect(() => {
    if (!storedUser()) return;
    holdCsrf();
    api<Me>('/me').then(
      (me) => {
        const u = me.type === 'user' ? userOf(me.user) : null;
        setCsrf(me.csrfToken);
        remember(u);
        // Same user and roles: keep the object, so nothing re-renders.
        setUser((cur) => (cur && u && JSON.stringify(cur) === JSON.stringify(u) ? cur : u));
      },
      () => {
        setCsrf(null);
        remember(null);
        setUser(null);
      },
    );
  }, []);
  const logout = useCallback(() => {
    api('/auth/logout', { method: 'POST' })
      .catch(() => undefined)
      .finally(() => {
        remember(null);
        setCsrf(null);
        setUser(null);
        navigate('/', true);
      });
  }, []);
  if (!user)
    return (
      <Login
        onIn={(signedIn, csrf) => {
          const u = userOf(signedIn);
          remember(u);
          setCsrf(csrf);
          setUser(u);
        }}
      />
    );
  return (
    <SessionContext.Provider value={{ user, logout }}>
      <Shell />
    </SessionContext.Provider>
  );
}

function Login({ onIn }: { onIn: (u: User, csrf: string) => void }): ReactNode {
  useTitle('Sign in');
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await api<{ user: User; csrfToken: string }>('/auth/login', { body: { username, password } });
      onIn(r.user, r.csrfToken);
    } catch (err) {
      setError(
        err instanceof ApiError && err.status === 401
          ? 'Wrong user name or password.'
          : String((err as Error).message),
      );
      setBusy(false);
    }
  };
  return (
    <main id="main" className="login">
      <PageTitle>Sign in to chainhunt</PageTitle>
      <form onSubmit={(e) => void submit(e)} aria-label="Sign in">
        <div className="field">
          <label htmlFor="login-user">User name</label>
          <input
            id="login-user"
            name="username"
            autoComplete="username"
            required
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor="login-password">Password</label>
          <input
            id="login-password"
            name="password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorBox error={error} />
      </form>
    </main>
  );
}

interface Route {
  tenant: string | null;
  tab: string;
  page: ReactNode;
}

function route(path: string, params: URLSearchParams): Route {
  const seg = path
    .split('/')
    .filter(Boolean)
    .map((s) => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    });
  if (seg.length === 0) return { tenant: null, tab: 'overview', page: <OverviewPage /> };
  if (seg.length === 1 && seg[0] === 'search')
    return { tenant: null, tab: 'search', page: <SearchPage key={params.toString()} params={params} /> };
  if (seg[0] === 't' && seg[1]) {
    const t = seg[1];
    const [, , section, id] = seg;
    switch (section) {
      case undefined:
        return { tenant: t, tab: 'status', page: <TenantPage key={t} tenant={t} /> };
      case 'impact':
        return {
          tenant: t,
          tab: 'status',
          page: <ImpactPage key={`${t}|${params.get('key') ?? ''}`} tenant={t} k={params.get('key') ?? ''} />,
        };
      case 'findings':
        return { tenant: t, tab: 'findings', page: <FindingsPage key={t} tenant={t} initial={params} /> };
      case 'cases':
        return id
          ? { tenant: t, tab: 'cases', page: <CasePage key={`${t}|${id}`} tenant={t} id={id} /> }
          : { tenant: t, tab: 'cases', page: <CasesPage key={t} tenant={t} initial={params} /> };
      case 'hosts':
        return id
          ? { tenant: t, tab: 'hosts', page: <HostPage key={`${t}|${id}`} tenant={t} host={id} /> }
          : { tenant: t, tab: 'hosts', page: <HostsPage key={t} tenant={t} /> };
      case 'intel':
        return { tenant: t, tab: 'intel', page: <IntelPage key={t} tenant={t} /> };
      case 'jobs':
        return { tenant: t, tab: 'jobs', page: <JobsPage key={t} tenant={t} /> };
      case 'audit':
        return { tenant: t, tab: 'audit', page: <AuditPage key={t} tenant={t} /> };
      case 'settings':
        return { tenant: t, tab: 'settings', page: <SettingsPage key={t} tenant={t} /> };
    }
  }
  return { tenant: null, tab: '', page: <NotFound /> };
}

function NotFound(): ReactNode {
  useTitle('Not found');
  return (
    <>
      <PageTitle>Page not found</PageTitle>
      <p>
        <Link to="/">Back to the overview</Link>
      </p>
    </>
  );
}

const TABS: { id: string; label: string; to: (t: string) => string }[] = [
  { id: 'status', label: 'Status', to: paths.tenant },
  { id: 'findings', label: 'Findings', to: (t) => paths.findings(t) },
  { id: 'cases', label: 'Remediation', to: (t) => paths.cases(t) },
  { id: 'hosts', label: 'Hosts', to: paths.hosts },
  { id: 'intel', label: 'Intel', to: paths.intel },
  { id: 'jobs', label: 'Jobs', to: paths.jobs },
  { id: 'audit', label: 'Audit log', to: paths.audit },
  { id: 'settings', label: 'Settings', to: paths.settings },
];
/** Tabs for the tenant's admins only (the server refuses the others anyway). */
const ADMIN_TABS = new Set(['audit', 'settings']);

/** Choose a tenant, then "Open" (changing the selection alone does not navigate). */
function TenantSwitch({
  current,
  tenants,
}: {
  current: string | null;
  tenants: readonly Tenant[];
}): ReactNode {
  const [choice, setChoice] = useState(current ?? '');
  useEffect(() => setChoice(current ?? ''), [current]);
  return (
    <form
      className="row"
      aria-label="Switch tenant"
      onSubmit={(e) => {
        e.preventDefault();
        navigate(choice ? paths.tenant(choice) : '/');
      }}
    >
      <label htmlFor="tenant-switch" className="visually-hidden">
        Tenant
      </label>
      <select id="tenant-switch" value={choice} onChange={(e) => setChoice(e.target.value)}>
        <option value="">All tenants (overview)</option>
        {tenants.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
          </option>
        ))}
      </select>
      <button type="submit">Open</button>
    </form>
  );
}

function Shell(): ReactNode {
  const { user, logout } = useSession();
  const { path, params } = useLocation();
  const r = route(path, params);
  const tenants = useApi<{ items: Tenant[] }>('/tenants');
  const role = r.tenant ? roleIn(user, r.tenant) : null;
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <Link to="/" className="brand">
          chainhunt
        </Link>
        <TenantSwitch current={r.tenant} tenants={tenants.data?.items ?? []} />
        <Link to={paths.search()} className="search-link" current={r.tab === 'search'}>
          Search evidence
        </Link>
        <div className="who">
          <span>
            {user.username}
            {user.operator ? ' (operator)' : role ? ` (${role})` : ''}
          </span>
          <button type="button" onClick={logout}>
            Sign out
          </button>
        </div>
      </header>
      {r.tenant && (
        <nav className="tabs" aria-label="Tenant pages">
          <ul>
            {TABS.filter((tab) => !ADMIN_TABS.has(tab.id) || role === 'admin').map((tab) => (
              <li key={tab.id}>
                <Link to={tab.to(r.tenant ?? '')} current={tab.id === r.tab}>
                  {tab.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <main id="main" tabIndex={-1}>
        {r.page}
      </main>
    </>
  );
}
