/** A host's section: its facts, observation counts and findings (most severe first). */
import { cmp } from '../../core/issue.js';
import { h, join, type Html } from './escape.js';
import { findingCard } from './finding.js';
import type { HostView } from './model.js';

/** The host's status badge: its highest severity, or "clean". */
export function statusBadge(host: HostView): Html {
  return host.highest
    ? h`<span class="badge sev-${host.highest}">${host.highest}</span>`
    : h`<span class="badge clean">clean</span>`;
}

function fact(term: string, value: string | undefined): Html | false {
  return value ? h`<dt>${term}</dt><dd>${value}</dd>\n` : false;
}

function observationTable(host: HostView): Html {
  const kinds = Object.entries(host.summary.observations)
    .filter((e): e is [string, number] => typeof e[1] === 'number')
    .sort((a, b) => cmp(a[0], b[0]));
  if (kinds.length === 0) return h`<p>No observations were read for this host.</p>`;
  const rows = kinds.map(([k, c]) => h`<tr><th scope="row">${k}</th><td class="num">${c}</td></tr>`);
  return h`<table><caption>Observations by kind</caption><thead><tr><th scope="col">Kind</th><th scope="col" class="num">Count</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/** The `<section>` of one host (heading level 3). */
export function hostSection(host: HostView, advisoryAnchors: ReadonlyMap<string, string>): Html {
  const s = host.summary;
  const n = host.findings.length;
  const findings = n
    ? join(
        host.findings.map((f) => findingCard(f, advisoryAnchors)),
        '\n',
      )
    : h`<p>No findings: nothing in this host's evidence matched the intel.</p>`;
  return h`<section class="host ${n ? 'host-affected' : 'host-clean'}" id="${host.anchor}" aria-labelledby="${host.anchor}-h">
<h3 id="${host.anchor}-h">${host.label} ${statusBadge(host)}</h3>
<dl class="facts">
<dt>Host id</dt><dd>${s.id}</dd>
${fact('Hostname', s.hostname)}${fact('OS', s.os)}${fact('Tenant', s.tenant)}${fact('Collected at', s.collectedAt)}${fact('Evidence root', s.root)}<dt>Findings</dt><dd>${n}</dd>
</dl>
${observationTable(host)}
${findings}
</section>`;
}
