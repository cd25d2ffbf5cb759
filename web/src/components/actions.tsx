/** Forms that change things: case transitions (single and bulk), bundle upload, job progress. */
import { useEffect, useId, useState, type FormEvent, type ReactNode } from 'react';
import { api, errorText, tpath } from '../api.js';
import { useApi, useMounted } from '../hooks.js';
import type { Case, CaseState, Job } from '../types.js';
import { MANUAL_STATES } from '../types.js';
import { ErrorBox, Notice, STATE_LABEL } from './ui.js';

/** Moves one case to another state with a reason. */
export function TransitionForm(props: {
  tenant: string;
  item: Case;
  onDone: () => void;
  compact?: boolean;
}): ReactNode {
  const { tenant, item, onDone, compact } = props;
  const id = useId();
  const choices = MANUAL_STATES.filter((s) => s !== item.state);
  const [to, setTo] = useState<CaseState>(choices[0] ?? 'contained');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const mounted = useMounted();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!reason.trim()) {
      setError('A reason is required.');
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await api(tpath(tenant, `/cases/${encodeURIComponent(item.id)}/transition`), {
        body: { to, reason: reason.trim() },
      });
      if (!mounted()) return;
      setReason('');
      onDone();
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return (
    <form
      className={compact ? 'row' : ''}
      onSubmit={(e) => void submit(e)}
      aria-label={`Change the state of the case on ${item.host}`}
    >
      <div className={compact ? 'row' : 'field'}>
        <label htmlFor={`${id}-to`}>
          {compact ? <span className="visually-hidden">New state for {item.host}</span> : 'New state'}
        </label>
        <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value as CaseState)}>
          {choices.map((s) => (
            <option key={s} value={s}>
              {STATE_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <div className={compact ? 'row' : 'field'}>
        <label htmlFor={`${id}-reason`}>
          {compact ? <span className="visually-hidden">Reason for {item.host}</span> : 'Reason'}
        </label>
        <input
          id={`${id}-reason`}
          value={reason}
          required
          maxLength={4000}
          placeholder={compact ? 'Reason' : ''}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Saving…' : compact ? 'Apply' : 'Change state'}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}

/** Moves the selected cases with one reason. */
export function BulkTransition(props: {
  tenant: string;
  ids: readonly string[];
  onDone: () => void;
}): ReactNode {
  const { tenant, ids, onDone } = props;
  const id = useId();
  const [to, setTo] = useState<CaseState>('contained');
  const [reason, setReason] = useState('');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const mounted = useMounted();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!ids.length) return setError('Select at least one row.');
    if (!reason.trim()) return setError('A reason is required.');
    setBusy(true);
    setError(null);
    setResult(null);
    try {
      const r = await api<{ results: { id: string; ok: boolean; message?: string }[] }>(
        tpath(tenant, '/cases/bulk'),
        {
          body: { ids: [...ids].slice(0, 1000), to, reason: reason.trim() },
        },
      );
      if (!mounted()) return;
      const bad = r.results.filter((x) => !x.ok);
      setResult(
        `${r.results.length - bad.length} case(s) moved to ${STATE_LABEL[to]}` +
          (bad.length
            ? `; ${bad.length} refused (${bad
                .map((b) => b.message ?? b.id)
                .slice(0, 3)
                .join('; ')})`
            : '.'),
      );
      setReason('');
      onDone();
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return (
    <form className="filters" onSubmit={(e) => void submit(e)} aria-label="Bulk action on the selected cases">
      <div className="field">
        <label htmlFor={`${id}-to`}>Move {ids.length} selected to</label>
        <select id={`${id}-to`} value={to} onChange={(e) => setTo(e.target.value as CaseState)}>
          {MANUAL_STATES.map((s) => (
            <option key={s} value={s}>
              {STATE_LABEL[s]}
            </option>
          ))}
        </select>
      </div>
      <div className="field">
        <label htmlFor={`${id}-reason`}>Reason</label>
        <input
          id={`${id}-reason`}
          value={reason}
          maxLength={4000}
          onChange={(e) => setReason(e.target.value)}
        />
      </div>
      <button type="submit" disabled={busy || ids.length === 0}>
        Apply to selected
      </button>
      {result && <Notice>{result}</Notice>}
      <ErrorBox error={error} />
    </form>
  );
}

/** A job's state and progress, polled until it finishes. */
export function JobWatch({
  tenant,
  jobId,
  onFinished,
}: {
  tenant: string;
  jobId: string;
  onFinished?: () => void;
}): ReactNode {
  const [done, setDone] = useState(false);
  const r = useApi<Job>(tpath(tenant, `/jobs/${encodeURIComponent(jobId)}`), done ? undefined : 1000);
  const job = r.data;
  const finished = job !== null && (job.state === 'done' || job.state === 'failed');
  useEffect(() => {
    if (finished && !done) {
      setDone(true);
      onFinished?.();
    }
  }, [finished, done, onFinished]);
  if (!job) return <ErrorBox error={r.error} />;
  return (
    <div role="status" aria-live="polite" data-job-state={job.state}>
      Job {job.type} {job.id.slice(0, 8)}: <strong>{job.state}</strong> <JobBar job={job} />
      {job.error && <span className="error"> {job.error}</span>}
    </div>
  );
}

/** A progress bar with its numbers. */
export function JobBar({ job }: { job: Job }): ReactNode {
  const p = job.progress;
  if (!p || p.total <= 0) return p?.message ? <span className="muted">{p.message}</span> : null;
  return (
    <span>
      <progress
        className="progress"
        max={p.total}
        value={Math.min(p.done, p.total)}
        aria-label={`Progress of job ${job.id.slice(0, 8)}`}
      />{' '}
      {p.done}/{p.total} {p.message}
    </span>
  );
}

/** Uploads a host bundle (zip or tar.gz) and follows its ingest job. */
export function UploadBundle({ tenant, onFinished }: { tenant: string; onFinished?: () => void }): ReactNode {
  const id = useId();
  const [file, setFile] = useState<File | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [job, setJob] = useState<{ id: string; duplicate: boolean } | null>(null);
  const mounted = useMounted();
  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    if (!file) return setError('Choose a bundle file first.');
    setBusy(true);
    setError(null);
    setJob(null);
    try {
      const gz = /\.(tgz|tar\.gz|gz)$/i.test(file.name);
      const r = await api<{ duplicate: boolean; job: { id: string } | null }>(
        tpath(tenant, `/bundles?name=${encodeURIComponent(file.name)}`),
        { body: file, contentType: gz ? 'application/gzip' : 'application/zip' },
      );
      if (!mounted()) return;
      if (r.job) setJob({ id: r.job.id, duplicate: r.duplicate });
    } catch (err) {
      if (mounted()) setError(errorText(err));
    } finally {
      if (mounted()) setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} aria-label="Upload a host bundle">
      <div className="field">
        <label htmlFor={`${id}-file`}>Host bundle (zip or tar.gz)</label>
        <input
          id={`${id}-file`}
          type="file"
          accept=".zip,.tgz,.tar.gz,.gz,application/zip,application/gzip"
          onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        />
      </div>
      <button type="submit" disabled={busy}>
        {busy ? 'Uploading…' : 'Upload bundle'}
      </button>
      <ErrorBox error={error} />
      {job && (
        <>
          {job.duplicate && <p className="muted">This bundle was uploaded before; showing its job.</p>}
          <JobWatch key={job.id} tenant={tenant} jobId={job.id} {...(onFinished ? { onFinished } : {})} />
        </>
      )}
    </form>
  );
}
