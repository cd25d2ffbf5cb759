/** Small shared pieces: badges, messages, dates, paging. */
import { useEffect, useRef, type ReactNode } from 'react';
import type { ApiError } from '../api.js';
import type { CaseState, StateCounts } from '../types.js';
import { CASE_STATES } from '../types.js';

/** Human names of case states. */
export const STATE_LABEL: Record<CaseState, string> = {
  open: 'Affected',
  contained: 'Contained',
  remediated: 'Remediated',
  verified_clean: 'Verified clean',
  false_positive: 'False positive',
};

/** A severity as a coloured badge with its word (colour is never the only cue). */
export function Severity({ value }: { value: string }): ReactNode {
  return <span className={`badge sev-${value}`}>{value}</span>;
}

/** A case state as a badge. */
export function StateBadge({ value }: { value: CaseState }): ReactNode {
  return <span className={`badge st-${value}`}>{STATE_LABEL[value] ?? value}</span>;
}

/** Clean / not clean. */
export function CleanBadge({ clean }: { clean: boolean }): ReactNode {
  return <span className={`badge ${clean ? 'clean' : 'dirty'}`}>{clean ? 'Clean' : 'Not clean'}</span>;
}

/** Case counts as a list of numbers. */
export function Counts({ counts, label }: { counts: StateCounts; label: string }): ReactNode {
  return (
    <ul className="stat" aria-label={label}>
      {CASE_STATES.map((s) => (
        <li key={s}>
          <span className="n">{counts[s] ?? 0}</span>
          <span className={`st-${s}`}>{STATE_LABEL[s]}</span>
        </li>
      ))}
    </ul>
  );
}

/** An error message (announced). */
export function ErrorBox({ error }: { error: ApiError | Error | string | null }): ReactNode {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {typeof error === 'string' ? error : error.message}
    </p>
  );
}

/** A polite status message. */
export function Notice({ children }: { children: ReactNode }): ReactNode {
  return (
    <p className="notice" role="status">
      {children}
    </p>
  );
}

/** Shown while loading. */
export function Loading(): ReactNode {
  return (
    <p className="muted" role="status">
      Loading…
    </p>
  );
}

/** What a {@link useApi} call gave: its error, "Loading…" the first time, then `children(data)`. */
export function LoadedView<T>(props: {
  r: { data: T | null; error: ApiError | null; loading: boolean };
  children: (data: T) => ReactNode;
}): ReactNode {
  const { r, children } = props;
  return (
    <>
      <ErrorBox error={r.error} />
      {!r.data && r.loading && <Loading />}
      {r.data && children(r.data)}
    </>
  );
}

/** A table's header row; a column named with a leading `#` is numeric (right-aligned). */
export function HeadRow({ cols }: { cols: readonly string[] }): ReactNode {
  return (
    <thead>
      <tr>
        {cols.map((c) =>
          c.startsWith('#') ? (
            <th key={c} scope="col" className="num">
              {c.slice(1)}
            </th>
          ) : (
            <th key={c} scope="col">
              {c}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}

/** An ISO time in the reader's locale, in a `<time>` element. */
export function When({ at }: { at: string | null | undefined }): ReactNode {
  if (!at) return <span className="muted">—</span>;
  const d = new Date(at);
  const text = Number.isNaN(d.getTime()) ? at : d.toISOString().replace('T', ' ').slice(0, 19) + 'Z';
  return <time dateTime={at}>{text}</time>;
}

/** The page heading; focused after navigation so screen readers announce the new page. */
export function PageTitle({ children }: { children: ReactNode }): ReactNode {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: true });
  }, []);
  return (
    <h1 tabIndex={-1} ref={ref} id="page-title">
      {children}
    </h1>
  );
}

/** Previous / next paging. */
export function Pager(props: {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
}): ReactNode {
  const { total, limit, offset, onChange } = props;
  const last = Math.min(total, offset + limit);
  return (
    <nav className="row" aria-label="Pages">
      <button
        type="button"
        className="secondary"
        disabled={offset === 0}
        onClick={() => onChange(Math.max(0, offset - limit))}
      >
        Previous
      </button>
      <span role="status">{total === 0 ? 'No results' : `${offset + 1}–${last} of ${total}`}</span>
      <button
        type="button"
        className="secondary"
        disabled={last >= total}
        onClick={() => onChange(offset + limit)}
      >
        Next
      </button>
    </nav>
  );
}

/** "advisory:CVE-2023-29059" → "CVE-2023-29059 (advisory)". */
export function keyLabel(key: string): string {
  const i = key.indexOf(':');
  return i > 0 ? `${key.slice(i + 1)} (${key.slice(0, i)})` : key;
}
