/** A small History API router: paths like /t/acme/impact?key=…; the server answers index.html for them. */
import { useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';

const listeners = new Set<() => void>();

function subscribe(fn: () => void): () => void {
  listeners.add(fn);
  window.addEventListener('popstate', fn);
  return () => {
    listeners.delete(fn);
    window.removeEventListener('popstate', fn);
  };
}

const snapshot = (): string => window.location.pathname + window.location.search;

/** Goes to `to` (a path with an optional query) without reloading. */
export function navigate(to: string, replace = false): void {
  if (to === snapshot()) return;
  if (replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.scrollTo(0, 0);
  for (const fn of listeners) fn();
}

/** The current path and query parameters; re-renders on navigation. */
export function useLocation(): { path: string; params: URLSearchParams; href: string } {
  const href = useSyncExternalStore(subscribe, snapshot);
  const u = new URL(href, 'http://x');
  return { path: u.pathname, params: u.searchParams, href };
}

/** An in-app link: a real `<a href>` (keyboard, middle-click) that navigates without a reload. */
export function Link(
  props: { to: string; children: ReactNode; current?: boolean } & Omit<
    AnchorHTMLAttributes<HTMLAnchorElement>,
    'href'
  >,
): ReactNode {
  const { to, children, current, ...rest } = props;
  const onClick = (e: MouseEvent<HTMLAnchorElement>): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={onClick} {...(current ? { 'aria-current': 'page' as const } : {})} {...rest}>
      {children}
    </a>
  );
}

/** Dashboard paths. */
export const paths = {
  overview: (): string => '/',
  search: (q = ''): string => `/search${q}`,
  tenant: (t: string): string => `/t/${encodeURIComponent(t)}`,
  impact: (t: string, key: string): string =>
    `/t/${encodeURIComponent(t)}/impact?key=${encodeURIComponent(key)}`,
  findings: (t: string, q = ''): string => `/t/${encodeURIComponent(t)}/findings${q}`,
  cases: (t: string, q = ''): string => `/t/${encodeURIComponent(t)}/cases${q}`,
  case: (t: string, id: string): string => `/t/${encodeURIComponent(t)}/cases/${encodeURIComponent(id)}`,
  hosts: (t: string): string => `/t/${encodeURIComponent(t)}/hosts`,
  host: (t: string, h: string): string => `/t/${encodeURIComponent(t)}/hosts/${encodeURIComponent(h)}`,
  intel: (t: string): string => `/t/${encodeURIComponent(t)}/intel`,
  jobs: (t: string): string => `/t/${encodeURIComponent(t)}/jobs`,
  audit: (t: string): string => `/t/${encodeURIComponent(t)}/audit`,
  settings: (t: string): string => `/t/${encodeURIComponent(t)}/settings`,
};
