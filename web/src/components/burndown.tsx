/** The burn-down: hosts per case state per day, as an SVG line chart with a text equivalent. */
import { useId, type ReactNode } from 'react';
import type { BurnPoint, CaseState } from '../types.js';
import { CASE_STATES } from '../types.js';
import { STATE_LABEL } from './ui.js';

const COLOUR: Record<CaseState, string> = {
  open: '#a4161a',
  contained: '#c46d00',
  remediated: '#6f5ab5',
  verified_clean: '#1a6b2f',
  false_positive: '#6b7682',
};
const DASH: Record<CaseState, string> = {
  open: '',
  contained: '6 3',
  remediated: '2 3',
  verified_clean: '',
  false_positive: '8 3 2 3',
};

const W = 720;
const H = 260;
const M = { l: 40, r: 12, t: 12, b: 32 };

/** Rows where something changed (plus the first and the last), so long quiet spells stay short. */
export function changePoints(points: readonly BurnPoint[]): BurnPoint[] {
  const out: BurnPoint[] = [];
  points.forEach((p, i) => {
    const prev = points[i - 1];
    if (!prev || i === points.length - 1 || CASE_STATES.some((s) => p[s] !== prev[s])) out.push(p);
  });
  return out;
}

/** Describes a point in words. */
export function describePoint(p: BurnPoint): string {
  return CASE_STATES.map((s) => `${STATE_LABEL[s].toLowerCase()} ${p[s]}`).join(', ');
}

/** The chart, its legend, a one-line summary and the data as a table. */
export function Burndown({ points, title }: { points: readonly BurnPoint[]; title: string }): ReactNode {
  const id = useId();
  if (!points.length)
    return (
      <p className="muted" id={`${id}-none`}>
        No case history yet.
      </p>
    );
  const max = Math.max(1, ...points.flatMap((p) => CASE_STATES.map((s) => p[s])));
  const n = points.length;
  const x = (i: number): number => M.l + (n === 1 ? (W - M.l - M.r) / 2 : (i * (W - M.l - M.r)) / (n - 1));
  const y = (v: number): number => H - M.b - (v * (H - M.t - M.b)) / max;
  const ticks = [...new Set([0, Math.round(max / 2), max])];
  const first = points[0];
  const last = points[n - 1];
  const latest = last ? `Latest (${last.at}): ${describePoint(last)}.` : '';
  return (
    <figure className="chart" aria-labelledby={`${id}-cap`}>
      <figcaption id={`${id}-cap`}>
        <strong>{title}</strong>
      </figcaption>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-labelledby={`${id}-t ${id}-d`}>
        <title id={`${id}-t`}>{title}</title>
        <desc id={`${id}-d`}>
          Hosts per case state per day from {first?.at} to {last?.at}. {latest}
        </desc>
        {ticks.map((t) => (
          <g key={t}>
            <line x1={M.l} x2={W - M.r} y1={y(t)} y2={y(t)} stroke="#c9d1d9" />
            <text x={M.l - 6} y={y(t) + 4} textAnchor="end">
              {t}
            </text>
          </g>
        ))}
        {n > 1 && (
          <text x={M.l} y={H - 10}>
            {first?.at}
          </text>
        )}
        {n === 1 &&
          CASE_STATES.map((s) => (
            <text key={s} x={M.l + 75 + CASE_STATES.indexOf(s) * 110} y={H - 10} textAnchor="middle">
              {STATE_LABEL[s]}
            </text>
          ))}
        {n > 1 && (
          <text x={W - M.r} y={H - 10} textAnchor="end">
            {last?.at}
          </text>
        )}
        {CASE_STATES.map((s) => (
          <g key={s} data-state={s}>
            {n > 1 && (
              <polyline
                fill="none"
                stroke={COLOUR[s]}
                strokeWidth={2.5}
                strokeDasharray={DASH[s] || undefined}
                points={points.map((p, i) => `${x(i).toFixed(1)},${y(p[s]).toFixed(1)}`).join(' ')}
              />
            )}
            {n > 1 && last && <circle cx={x(n - 1)} cy={y(last[s])} r={4} fill={COLOUR[s]} />}
            {n === 1 && last && (
              // One day of history: a bar per state (a line needs two days).
              <rect
                x={M.l + 40 + CASE_STATES.indexOf(s) * 110}
                width={70}
                y={y(last[s])}
                height={Math.max(0, H - M.b - y(last[s]))}
                fill={COLOUR[s]}
              />
            )}
          </g>
        ))}
      </svg>
      <ul className="legend" aria-label="Legend">
        {CASE_STATES.map((s) => (
          <li key={s}>
            <span className={`swatch sw-${s}`} aria-hidden="true" />
            {STATE_LABEL[s]}
          </li>
        ))}
      </ul>
      <p data-testid="burndown-latest">{latest}</p>
      <details>
        <summary>Burn-down data</summary>
        <table>
          <caption className="visually-hidden">
            Hosts per case state by day (days where something changed)
          </caption>
          <thead>
            <tr>
              <th scope="col">Day</th>
              {CASE_STATES.map((s) => (
                <th scope="col" className="num" key={s}>
                  {STATE_LABEL[s]}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {changePoints(points).map((p) => (
              <tr key={p.at}>
                <th scope="row">{p.at}</th>
                {CASE_STATES.map((s) => (
                  <td className="num" key={s}>
                    {p[s]}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
