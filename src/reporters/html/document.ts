/**
 * The whole HTML document: one file, inline CSS allowed by its hash in a strict
 * Content-Security-Policy, inline SVG charts, no script and nothing fetched.
 */
import { createHash } from 'node:crypto';
import type { Report } from '../../core/report.js';
import { exposureChart, MAX_CHART_HOSTS, severityChart } from './charts.js';
import { h, join, trusted, type Html } from './escape.js';
import { hostSection } from './host.js';
import { buildView, byExposure, total } from './model.js';
import { CSS } from './style.js';
import {
  advisoryList,
  hostsTable,
  issuesTable,
  pluginsTable,
  severityTable,
  sourcesTable,
} from './tables.js';

/** `sha256-…` source expression of the inline stylesheet. */
export const STYLE_HASH = `sha256-${createHash('sha256').update(CSS, 'utf8').digest('base64')}`;

/**
 * The policy: nothing may load (no script, image, font, frame, connection), only the stylesheet
 * whose hash is listed; no `<base>` and no form submission.
 */
export const CONTENT_SECURITY_POLICY = `default-src 'none'; style-src '${STYLE_HASH}'; img-src 'none'; script-src 'none'; base-uri 'none'; form-action 'none'`;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

function section(id: string, title: string, body: Html): Html {
  return h`<section id="${id}" aria-labelledby="${id}-h">
<h2 id="${id}-h">${title}</h2>
${body}
</section>`;
}

/** Renders the report as one self-contained HTML document. */
export function renderHtml(report: Report): string {
  const view = buildView(report);
  const affected = view.hosts.filter((x) => x.findings.length > 0).length;
  const findings = total(view.counts);
  const exposed = byExposure(view.hosts);
  const title = `${report.tool.name} report: ${affected} of ${plural(view.hosts.length, 'host')} affected, ${plural(findings, 'finding')}`;
  const tiles = [
    [view.hosts.length, 'hosts scanned'],
    [affected, 'hosts affected'],
    [findings, 'findings'],
    [view.counts.critical, 'critical findings'],
    [report.issues.length, 'input issues'],
  ] as const;
  const summary = h`<ul class="tiles">${join(tiles.map(([n, label]) => h`<li><strong>${n}</strong> ${label}</li>`))}</ul>
<div class="charts">
<figure>
<figcaption>Findings by severity</figcaption>
${severityChart(view.counts)}
${severityTable(view.counts)}
</figure>
<figure>
<figcaption>Per-host exposure</figcaption>
${exposureChart(exposed, view.hosts.length)}
<p>${exposed.length > MAX_CHART_HOSTS ? `The ${MAX_CHART_HOSTS} most exposed hosts are drawn. ` : ''}The figures of every host are in the <a href="#hosts">hosts table</a>.</p>
</figure>
</div>`;
  const intelLine = `${plural(report.intel.advisories, 'advisory', 'advisories')}, ${plural(report.intel.indicators, 'indicator')} and ${plural(report.intel.rules, 'rule')} from ${plural(report.intel.sources.length, 'source')}.`;
  const nav = [
    ['summary', 'Summary'],
    ['hosts', 'Hosts'],
    ['host-details', 'Host details'],
    ['advisories', 'Advisories'],
    ['issues', 'Input issues'],
    ['plugins', 'Plugins'],
    ['intel', 'Intel sources'],
  ] as const;
  const hostDetails = view.hosts.length
    ? join(
        view.hosts.map((x) => hostSection(x, view.advisoryAnchors)),
        '\n',
      )
    : h`<p>No hosts were scanned.</p>`;
  const tool = `${report.tool.name} ${report.tool.version}`;
  const doc = h`<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${tool}">
<title>${title}</title>
<style>${trusted(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">Skip to main content</a>
<header>
<h1>${`${report.tool.name} scan report`}</h1>
<p class="meta">Generated <time datetime="${report.generatedAt}">${report.generatedAt}</time> by ${tool}, report schema ${report.schemaVersion}.</p>
<nav aria-label="Contents"><ul>${join(nav.map(([id, label]) => h`<li><a href="#${id}">${label}</a></li>`))}</ul></nav>
</header>
<main id="main" tabindex="-1">
${section('summary', 'Summary', summary)}
${section('hosts', 'Hosts', hostsTable(view.hosts))}
${section('host-details', 'Host details', hostDetails)}
${section('advisories', 'Advisories', advisoryList(view))}
${section('issues', 'Input issues', issuesTable(report.issues))}
${section('plugins', 'Plugins', pluginsTable(report.plugins))}
${section('intel', 'Intel sources', h`<p>${intelLine}</p>\n${sourcesTable(report.intel)}`)}
</main>
<footer><p>${`${title}. Self-contained file: it loads nothing from the network.`}</p></footer>
</body>
</html>
`;
  return doc.markup;
}
