/**
 * Tenant settings, for the tenant's admins (and operators): who has access, the API tokens that
 * collectors and automation use, and the signed webhooks. Secrets (a token, a webhook's signing
 * secret) are shown once, right after they are made; the server never returns them again.
 */
import { useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText, tpath } from '../api.js';
import { ErrorBox, HeadRow, LoadedView, PageTitle, When } from '../components/ui.js';
import { useApi, useMounted, useTitle } from '../hooks.js';
import type { Role, User } from '../types.js';

const ROLES: readonly Role[] = ['viewer', 'analyst', 'admin'];
const TOKEN_PURPOSES = ['upload', 'read', 'automation'] as const;
const WEBHOOK_EVENTS = ['finding.new_critical', 'case.state_changed'] as const;

interface Token {
  id: string;
  name: string;
  purpose: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

interface Webhook {
  id: string;
  url: string;
  events: string[];
  createdAt: string;
  createdBy: string;
  /** Deliveries waiting in the outbox (queued or retrying). */
  pending: number;
  lastAttempt: { status: string; at: string; httpStatus: number | null; error: string | null } | null;
}

/** Runs one change at a time, with its error; `run` resolves true when it succeeded. */
function useChange(): {
  busy: boolean;
  error: string | null;
  run: (fn: () => Promise<void>) => Promise<boolean>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useMounted();
  const run = async (fn: () => Promise<void>): Promise<boolean> => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      return true;
    } catch (err) {
      if (mounted()) setError(errorText(err));
      return false;
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return { busy, error, run };
}

/** A secret shown once, selectable for copying. */
function ShownOnce({ label, value }: { label: string; value: string }): ReactNode {
  const id = useId();
  return (
    <div className="notice" role="status">
      <label htmlFor={id}>{label}</label>
      <input id={id} readOnly value={value} onFocus={(e) => e.target.select()} className="secret" />
      <p>Copy it now: it is not shown again.</p>
    </div>
  );
}

/** A table row's action, named for what it acts on (the visible text alone is ambiguous). */
function RowButton(props: {
  label: string;
  busy: boolean;
  onClick: () => void;
  children: ReactNode;
}): ReactNode {
  return (
    <button type="button" disabled={props.busy} aria-label={props.label} onClick={props.onClick}>
      {props.children}
    </button>
  );
}

/** The settings page. */
export function SettingsPage({ tenant }: { tenant: string }): ReactNode {
  useTitle(`${tenant}: settings`);
  return (
    <>
      <PageTitle>Settings</PageTitle>
      <Users tenant={tenant} />
      <Tokens tenant={tenant} />
      <Webhooks tenant={tenant} />
    </>
  );
}

function Users({ tenant }: { tenant: string }): ReactNode {
  const id = useId();
  const list = useApi<{ items: User[] }>(tpath(tenant, '/users'));
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const [done, setDone] = useState<string | null>(null);
  const change = useChange();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setDone(null);
    const ok = await change.run(async () => {
      await api(tpath(tenant, '/users'), {
        body: { username, role, ...(password ? { password } : {}) },
      });
    });
    if (ok) {
      setDone(`${username} is ${role === 'admin' ? 'an' : 'a'} ${role} of ${tenant}.`);
      setUsername('');
      setPassword('');
      list.reload();
    }
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>People</h2>
      <LoadedView r={list}>
        {(data) => (
          <table>
            <caption>{data.items.length} with a role in this tenant</caption>
            <HeadRow cols={['User', 'Role']} />
            <tbody>
              {data.items.map((u) => (
                <tr key={u.id}>
                  <td>{u.username}</td>
                  <td>{u.operator ? 'operator (admin of every tenant)' : (u.roles[tenant] ?? '—')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
      <form onSubmit={(e) => void submit(e)} aria-label="Give a person a role" className="filters">
        <div className="field">
          <label htmlFor={`${id}-user`}>User name</label>
          <input
            id={`${id}-user`}
            required
            maxLength={200}
            autoComplete="off"
            value={username}
            onChange={(e) => setUsername(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-pw`}>Password (new users, 12 characters or more)</label>
          <input
            id={`${id}-pw`}
            type="password"
            minLength={12}
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-role`}>Role</label>
          <select id={`${id}-role`} value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={change.busy}>
          {change.busy ? 'Saving…' : 'Give role'}
        </button>
      </form>
      <ErrorBox error={change.error} />
      {done && (
        <p className="notice" role="status">
          {done}
        </p>
      )}
    </section>
  );
}

function tokenState(t: Token): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= Date.now()) return 'expired';
  return 'active';
}

function Tokens({ tenant }: { tenant: string }): ReactNode {
  const id = useId();
  const list = useApi<{ items: Token[] }>(tpath(tenant, '/tokens'));
  const [name, setName] = useState('');
  const [purpose, setPurpose] = useState<(typeof TOKEN_PURPOSES)[number]>('upload');
  const [days, setDays] = useState('');
  const [secret, setSecret] = useState<{ name: string; token: string } | null>(null);
  const change = useChange();
  const create = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setSecret(null);
    const n = name;
    await change.run(async () => {
      const r = await api<{ token: string }>(tpath(tenant, '/tokens'), {
        body: { name: n, purpose, ...(days ? { expiresInDays: Number(days) } : {}) },
      });
      setSecret({ name: n, token: r.token });
      setName('');
      setDays('');
      list.reload();
    });
  };
  const revoke = (t: Token): void => {
    void change.run(async () => {
      await api(tpath(tenant, `/tokens/${encodeURIComponent(t.id)}`), { method: 'DELETE' });
      list.reload();
    });
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>API tokens</h2>
      <p className="muted">
        Collectors upload bundles with an <code>upload</code> token; <code>read</code> and{' '}
        <code>automation</code> tokens serve reports and integrations.
      </p>
      <LoadedView r={list}>
        {(data) => (
          <table>
            <caption>{data.items.length} token(s)</caption>
            <HeadRow cols={['Name', 'Purpose', 'Created', 'Expires', 'State', 'Action']} />
            <tbody>
              {data.items.map((t) => {
                const state = tokenState(t);
                return (
                  <tr key={t.id} data-token={t.name}>
                    <td>{t.name}</td>
                    <td>{t.purpose}</td>
                    <td>
                      <When at={t.createdAt} /> by {t.createdBy}
                    </td>
                    <td>{t.expiresAt ? <When at={t.expiresAt} /> : 'never'}</td>
                    <td>{state}</td>
                    <td>
                      {state === 'active' && (
                        <RowButton
                          label={`Revoke token ${t.name}`}
                          busy={change.busy}
                          onClick={() => revoke(t)}
                        >
                          Revoke
                        </RowButton>
                      )}
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </LoadedView>
      <form onSubmit={(e) => void create(e)} aria-label="Create an API token" className="filters">
        <div className="field">
          <label htmlFor={`${id}-name`}>Token name</label>
          <input
            id={`${id}-name`}
            required
            maxLength={200}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={`${id}-purpose`}>Purpose</label>
          <select
            id={`${id}-purpose`}
            value={purpose}
            onChange={(e) => setPurpose(e.target.value as (typeof TOKEN_PURPOSES)[number])}
          >
            {TOKEN_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {p}
              </option>
            ))}
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-days`}>Expires after (days, empty for never)</label>
          <input
            id={`${id}-days`}
            type="number"
            min={1}
            max={3650}
            value={days}
            onChange={(e) => setDays(e.target.value)}
          />
        </div>
        <button type="submit" disabled={change.busy}>
          Create token
        </button>
      </form>
      <ErrorBox error={change.error} />
      {secret && <ShownOnce label={`Token ${secret.name}`} value={secret.token} />}
    </section>
  );
}

function Webhooks({ tenant }: { tenant: string }): ReactNode {
  const id = useId();
  const list = useApi<{ items: Webhook[] }>(tpath(tenant, '/webhooks'));
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<string[]>([...WEBHOOK_EVENTS]);
  const [secret, setSecret] = useState<{ url: string; secret: string } | null>(null);
  const change = useChange();
  const add = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setSecret(null);
    if (!events.length) {
      await change.run(() => Promise.reject(new Error('Choose at least one event.')));
      return;
    }
    await change.run(async () => {
      const r = await api<{ url: string; secret: string }>(tpath(tenant, '/webhooks'), {
        body: { url, events },
      });
      setSecret({ url: r.url, secret: r.secret });
      setUrl('');
      list.reload();
    });
  };
  const remove = (w: Webhook): void => {
    void change.run(async () => {
      await api(tpath(tenant, `/webhooks/${encodeURIComponent(w.id)}`), { method: 'DELETE' });
      list.reload();
    });
  };
  return (
    <section aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`}>Webhooks</h2>
      <p className="muted">
        Signed (HMAC-SHA256) POSTs on new critical findings and case state changes, retried until delivered;
        every attempt is in the audit log.
      </p>
      <LoadedView r={list}>
        {(data) => (
          <table>
            <caption>{data.items.length} webhook(s)</caption>
            <HeadRow cols={['Receiver', 'Events', 'Added', '#Pending', 'Latest attempt', 'Action']} />
            <tbody>
              {data.items.map((w) => (
                <tr key={w.id}>
                  <td>
                    <code>{w.url}</code>
                  </td>
                  <td>{w.events.length ? w.events.join(', ') : 'all'}</td>
                  <td>
                    <When at={w.createdAt} /> by {w.createdBy}
                  </td>
                  <td className="num">{w.pending}</td>
                  <td>
                    {w.lastAttempt ? (
                      <>
                        {w.lastAttempt.status}
                        {w.lastAttempt.httpStatus !== null ? ` (HTTP ${w.lastAttempt.httpStatus})` : ''},{' '}
                        <When at={w.lastAttempt.at} />
                        {w.lastAttempt.error && w.lastAttempt.status !== 'delivered' && (
                          <div className="muted">{w.lastAttempt.error}</div>
                        )}
                      </>
                    ) : (
                      'none yet'
                    )}
                  </td>
                  <td>
                    <RowButton label={`Remove webhook ${w.url}`} busy={change.busy} onClick={() => remove(w)}>
                      Remove
                    </RowButton>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </LoadedView>
      <form onSubmit={(e) => void add(e)} aria-label="Add a webhook" className="filters">
        <div className="field">
          <label htmlFor={`${id}-url`}>Receiver URL</label>
          <input
            id={`${id}-url`}
            type="url"
            required
            pattern="https?://.*"
            maxLength={2000}
            size={40}
            placeholder="https://soc.example/hooks/chainhunt"
            value={url}
            onChange={(e) => setUrl(e.target.value)}
          />
        </div>
        <fieldset className="row">
          <legend>Events</legend>
          {WEBHOOK_EVENTS.map((ev) => (
            <label key={ev}>
              <input
                type="checkbox"
                checked={events.includes(ev)}
                onChange={(e) =>
                  setEvents((cur) => (e.target.checked ? [...cur, ev] : cur.filter((x) => x !== ev)))
                }
              />{' '}
              {ev}
            </label>
          ))}
        </fieldset>
        <button type="submit" disabled={change.busy}>
          Add webhook
        </button>
      </form>
      <ErrorBox error={change.error} />
      {secret && <ShownOnce label={`Signing secret for ${secret.url}`} value={secret.secret} />}
    </section>
  );
}
