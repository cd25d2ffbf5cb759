/** The report's tables: hosts overview, severities, advisories, input issues, plugins, intel sources. */
import { compareIssues, type Issue } from '../../core/issue.js';
import type { PluginStatus } from '../../core/plugin.js';
import type { Report } from '../../core/report.js';
import { SEVERITIES } from '../../core/severity.js';
import { h, join, safeHref, type Html } from './escape.js';
import { referenceList } from './finding.js';
import { statusBadge } from './host.js';
import { total, type HostView, type ReportView, type SeverityCounts } from './model.js';

/** Issues listed at most (all of them are in `--format json`). */
export const MAX_ISSUES = 1000;

function head(cols: readonly (readonly [string, boolean])[]): Html {
  return h`<thead><tr>${cols.map(([label, num]) => (num ? h`<th scope="col" class="num">${label}</th>` : h`<th scope="col">${label}</th>`))}</tr></thead>`;
}

/** Findings per severity: the text equivalent of the severity chart. */
export function severityTable(c: SeverityCounts): Html {
  const rows = SEVERITIES.map((s) => h`<tr><th scope="row">${s}</th><td class="num">${c[s]}</td></tr>`);
  return h`<table><caption>Findings by severity</caption>${head([
    ['Severity', false],
    ['Findings', true],
  ])}<tbody>${rows}<tr><th scope="row">total</th><td class="num">${total(c)}</td></tr></tbody></table>`;
}

/** One row per host: the text equivalent of the exposure chart, and a link to each host's section. */
export function hostsTable(hosts: readonly HostView[]): Html {
  const rows = hosts.map((host) => {
    const obs = Object.values(host.summary.observations).reduce<number>(
      (n, v) => n + (typeof v === 'number' ? v : 0),
      0,
    );
    const counts = SEVERITIES.map((s) => h`<td class="num">${host.counts[s]}</td>`);
    return h`<tr><th scope="row"><a href="#${host.anchor}">${host.label}</a></th><td>${host.summary.hostname ?? ''}</td><td>${host.summary.os ?? ''}</td><td>${statusBadge(host)}</td>${counts}<td class="num">${obs}</td></tr>`;
  });
  const cols = [
    ['Host', false],
    ['Hostname', false],
    ['OS', false],
    ['Status', false],
    ...SEVERITIES.map((s) => [s, true] as const),
    ['Observations', true],
  ] as const;
  return h`<div class="wide"><table><caption>Hosts, findings per severity and observations</caption>${head(cols)}<tbody>${join(rows, '\n')}</tbody></table></div>`;
}

/** Cited advisories with their prose, references and remediation (heading level 3). */
export function advisoryList(view: ReportView): Html {
  if (view.advisories.length === 0) return h`<p>No finding cites an advisory.</p>`;
  const items = view.advisories.map(({ anchor, advisory: a }) => {
    const aliases = a.aliases.length ? h`<dt>Aliases</dt><dd>${a.aliases.join(', ')}</dd>\n` : false;
    const remediation = a.remediation ? h`<dt>Remediation</dt><dd>${a.remediation}</dd>\n` : false;
    return h`<article class="finding" id="${anchor}">
<h3><span class="badge sev-${a.severity}">${a.severity}</span> ${a.id}</h3>
<dl class="facts">
<dt>Source</dt><dd>${a.source}</dd>
${aliases}<dt>Summary</dt><dd>${a.summary}</dd>
${remediation}</dl>
${referenceList(a.references)}</article>`;
  });
  return join(items, '\n');
}

function position(i: Issue): string {
  return [i.line !== undefined ? `line ${i.line}` : '', i.offset !== undefined ? `byte ${i.offset}` : '']
    .filter(Boolean)
    .join(', ');
}

/** Input issues (file, position, reason), the first {@link MAX_ISSUES} in a stable order. */
export function issuesTable(issues: readonly Issue[]): Html {
  if (issues.length === 0) return h`<p>No input issues: every input was read.</p>`;
  const shown = [...issues].sort(compareIssues).slice(0, MAX_ISSUES);
  const rows = shown.map(
    (i) =>
      h`<tr><td><code>${i.file ?? ''}</code></td><td>${position(i)}</td><td>${i.code}</td><td>${i.message}</td><td>${i.pluginId ?? ''}</td></tr>`,
  );
  const more =
    issues.length > shown.length
      ? h`<p>${`${issues.length - shown.length} more issues are not listed here; see --format json.`}</p>`
      : false;
  const caption = `${issues.length} input issue${issues.length === 1 ? '' : 's'}`;
  return h`<div class="wide"><table><caption>${caption}</caption>${head([
    ['File', false],
    ['Position', false],
    ['Code', false],
    ['Reason', false],
    ['Plugin', false],
  ])}<tbody>${join(rows, '\n')}</tbody></table></div>${more}`;
}

/** Per-plugin outcome of the run. */
export function pluginsTable(plugins: readonly PluginStatus[]): Html {
  if (plugins.length === 0) return h`<p>The report lists no plugins.</p>`;
  const rows = plugins.map(
    (p) =>
      h`<tr><th scope="row"><code>${p.id}</code></th><td>${p.kind}</td><td class="num">${p.version}</td><td class="st-${p.status}">${p.status}</td><td class="num">${p.handled}</td><td class="num">${p.issues}</td></tr>`,
  );
  return h`<div class="wide"><table><caption>Plugin status</caption>${head([
    ['Plugin', false],
    ['Kind', false],
    ['Version', true],
    ['Status', false],
    ['Handled', true],
    ['Issues', true],
  ])}<tbody>${join(rows, '\n')}</tbody></table></div>`;
}

/** Intel sources with links (http(s) only) and licences. */
export function sourcesTable(intel: Report['intel']): Html {
  if (intel.sources.length === 0) return h`<p>No intel sources were loaded.</p>`;
  const rows = intel.sources.map((s) => {
    const href = s.url ? safeHref(s.url) : undefined;
    const name = href ? h`<a href="${href}" rel="noopener noreferrer">${s.name}</a>` : h`${s.name}`;
    return h`<tr><th scope="row"><code>${s.id}</code></th><td>${name}</td><td>${s.license ?? ''}</td></tr>`;
  });
  return h`<div class="wide"><table><caption>Intel sources</caption>${head([
    ['Id', false],
    ['Source', false],
    ['Licence', false],
  ])}<tbody>${join(rows, '\n')}</tbody></table></div>`;
}
