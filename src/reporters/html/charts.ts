/**
 * Inline SVG charts (no script, no library). Each chart has a `<title>` and a `<desc>` that states
 * its figures, is exposed as one image (`role="img"`), and sits beside a table with the same numbers.
 */
import { SEVERITIES } from '../../core/severity.js';
import { h, truncate, type Html } from './escape.js';
import type { HostView, SeverityCounts } from './model.js';

/** Hosts drawn in the exposure chart at most (all of them are in the hosts table). */
export const MAX_CHART_HOSTS = 25;

/** Rounds to one decimal so coordinates print the same everywhere. */
function n(v: number): number {
  return Math.round(v * 10) / 10;
}

function countsText(c: SeverityCounts): string {
  return SEVERITIES.map((s) => `${c[s]} ${s}`).join(', ');
}

/** Horizontal bar chart of findings per severity. */
export function severityChart(counts: SeverityCounts): Html {
  const width = 480;
  const labelW = 80;
  const barMax = 340;
  const row = 28;
  const height = SEVERITIES.length * row + 8;
  const max = Math.max(1, ...SEVERITIES.map((s) => counts[s]));
  const rows = SEVERITIES.map((s, i) => {
    const y = 4 + i * row;
    const w = counts[s] === 0 ? 0 : Math.max(2, (counts[s] / max) * barMax);
    return h`<g><text x="0" y="${n(y + 17)}">${s}</text><rect class="bar-${s}" x="${labelW}" y="${n(y + 4)}" width="${n(w)}" height="18"></rect><text x="${n(labelW + w + 6)}" y="${n(y + 17)}">${counts[s]}</text></g>`;
  });
  const desc = `Findings by severity: ${countsText(counts)}.`;
  return h`<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" aria-labelledby="chart-severity-title chart-severity-desc"><title id="chart-severity-title">Findings by severity</title><desc id="chart-severity-desc">${desc}</desc>${rows}</svg>`;
}

function hostRow(host: HostView, y: number, labelW: number, scale: number): Html {
  let x = labelW;
  const segments: Html[] = [];
  for (const s of SEVERITIES) {
    if (host.counts[s] === 0) continue;
    const w = Math.max(2, host.counts[s] * scale);
    segments.push(h`<rect class="bar-${s}" x="${n(x)}" y="${y + 3}" width="${n(w)}" height="16"></rect>`);
    x += w;
  }
  const tip = `${host.label}: ${countsText(host.counts)}`;
  return h`<g><title>${tip}</title><text x="0" y="${y + 15}">${truncate(host.label, 30)}</text>${segments}<text x="${n(x + 6)}" y="${y + 15}">${host.findings.length}</text></g>`;
}

/**
 * Stacked bars of findings per severity for the most exposed hosts (hosts without findings are
 * left out; the description says how many were not drawn).
 */
export function exposureChart(exposed: readonly HostView[], hostCount: number): Html {
  const shown = exposed.slice(0, MAX_CHART_HOSTS);
  const width = 560;
  const labelW = 200;
  const barMax = 300;
  const row = 24;
  const legendH = 26;
  const height = legendH + Math.max(1, shown.length) * row + 8;
  const max = Math.max(1, ...shown.map((host) => host.findings.length));
  const legend = SEVERITIES.map(
    (s, i) =>
      h`<rect class="bar-${s}" x="${i * 100}" y="4" width="12" height="12"></rect><text x="${i * 100 + 16}" y="15">${s}</text>`,
  );
  const rows = shown.map((host, i) => hostRow(host, legendH + i * row, labelW, barMax / max));
  const empty = shown.length === 0 ? h`<text x="0" y="${legendH + 15}">No host has findings.</text>` : false;
  const left = exposed.length - shown.length;
  const desc = [
    `Findings per host by severity; ${exposed.length} of ${hostCount} host${hostCount === 1 ? ' has' : 's have'} findings`,
    ...shown.map((host) => `${host.label}: ${countsText(host.counts)}`),
    ...(left > 0 ? [`${left} more host${left === 1 ? '' : 's'} with findings not drawn`] : []),
  ].join('; ');
  return h`<svg class="chart" xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 ${width} ${height}" aria-labelledby="chart-exposure-title chart-exposure-desc"><title id="chart-exposure-title">Per-host exposure</title><desc id="chart-exposure-desc">${`${desc}.`}</desc><g>${legend}</g>${rows}${empty}</svg>`;
}
