/** Data loading and the signed-in user's roles. */
import { createContext, useCallback, useContext, useEffect, useRef, useState } from 'react';
import { api, ApiError } from './api.js';
import type { Role, User } from './types.js';

/** What a loaded resource looks like while loading, on error and when loaded. */
export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/**
 * GETs `path` (null = nothing yet) and re-fetches when it changes, every `pollMs` if given (paused
 * while the tab is hidden), and on `reload()`.
 */
export function useApi<T>(path: string | null, pollMs?: number): Loaded<T> {
  const [state, setState] = useState<{
    data: T | null;
    error: ApiError | null;
    loading: boolean;
    for: string | null;
  }>({
    data: null,
    error: null,
    loading: path !== null,
    for: path,
  });
  const [tick, setTick] = useState(0);
  const reload = useCallback(() => setTick((n) => n + 1), []);
  useEffect(() => {
    if (path === null) return;
    const ac = new AbortController();
    setState((s) => ({
      ...s,
      loading: true,
      ...(s.for !== path ? { data: null, error: null, for: path } : {}),
    }));
    api<T>(path, { signal: ac.signal }).then(
      (data) => setState({ data, error: null, loading: false, for: path }),
      (err: unknown) => {
        if (ac.signal.aborted) return;
        const e = err instanceof ApiError ? err : new ApiError(0, 'error', String(err));
        setState((s) => ({ ...s, error: e, loading: false }));
      },
    );
    return () => ac.abort();
  }, [path, tick]);
  useEffect(() => {
    if (!pollMs || path === null) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') setTick((n) => n + 1);
    }, pollMs);
    return () => window.clearInterval(id);
  }, [pollMs, path]);
  return { data: state.for === path ? state.data : null, error: state.error, loading: state.loading, reload };
}

/** The signed-in user and sign-out. */
export interface Session {
  user: User;
  logout: () => void;
}

export const SessionContext = createContext<Session | null>(null);

/** The session (pages render only when signed in). */
export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('no session');
  return s;
}

const RANK: Record<Role, number> = { viewer: 1, analyst: 2, admin: 3 };

/** The user's role in a tenant (operators are admins everywhere), or null. */
export function roleIn(user: User, tenant: string): Role | null {
  return user.operator ? 'admin' : (user.roles[tenant] ?? null);
}

/** Whether the user has at least `need` in `tenant`. The server checks again. */
export function useCan(tenant: string, need: Role): boolean {
  const { user } = useSession();
  const r = roleIn(user, tenant);
  return r !== null && RANK[r] >= RANK[need];
}

/** Sets the document title. */
export function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · chainhunt`;
  }, [title]);
}

/** Whether the component is still mounted (for async handlers). */
export function useMounted(): () => boolean {
  const ref = useRef(true);
  useEffect(() => {
    ref.current = true;
    return () => {
      ref.current = false;
    };
  }, []);
  return useCallback(() => ref.current, []);
}

/** A set of selected row ids with a toggle, for tables with bulk actions. */
export function useSelection(): {
  selected: ReadonlySet<string>;
  setSelected: (s: ReadonlySet<string>) => void;
  toggle: (id: string) => void;
} {
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  const toggle = (id: string): void =>
    setSelected((s) => {
      const n = new Set(s);
      if (n.has(id)) n.delete(id);
      else n.add(id);
      return n;
    });
  return { selected, setSelected, toggle };
}
