/** One finding as a card: what, where, what matched it, evidence, and what to do. */
import type { Evidence, Finding } from '../../core/finding.js';
import { describeSubject } from '../subject.js';
import { h, join, safeHref, truncate, type Html } from './escape.js';

/** Evidence `found` fields shown at most, and characters per value. */
const MAX_FOUND_FIELDS = 12;
const MAX_VALUE_CHARS = 200;

function scalar(v: unknown): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return '';
  if (Array.isArray(v) && v.every((x) => typeof x === 'string' || typeof x === 'number'))
    return v.map(String).join(', ');
  try {
    return JSON.stringify(v) ?? '';
  } catch {
    return '[unprintable]';
  }
}

/** `key: value` pairs of an evidence object, bounded in count and length. */
export function fieldSummary(fields: Record<string, unknown>): [string, string][] {
  return Object.entries(fields)
    .slice(0, MAX_FOUND_FIELDS)
    .map(([k, v]) => [k, truncate(scalar(v), MAX_VALUE_CHARS)]);
}

/** Where the evidence was read, `file:line` or `file @offset`. */
export function locationText(e: Evidence): string | undefined {
  const l = e.location;
  if (!l) return undefined;
  return `${l.file}${l.line !== undefined ? `:${l.line}` : ''}${l.offset !== undefined ? ` @${l.offset}` : ''}`;
}

function evidenceItem(e: Evidence): Html {
  const where = locationText(e);
  const fields = fieldSummary(e.found);
  const pct = Number.isFinite(e.confidence) ? Math.round(e.confidence * 100) : 0;
  const found = fields.length
    ? h`<details><summary>What was found</summary><dl class="facts">${fields.map(
        ([k, v]) => h`<dt>${k}</dt><dd><code>${v}</code></dd>`,
      )}</dl></details>`
    : false;
  return h`<li>${e.type} by <code>${e.matcherId}</code>, confidence ${pct}%${where ? h`, in <code>${where}</code>` : false}${found}</li>`;
}

/** What matched, one line each for the advisory, indicator and rule a finding carries. */
function matched(f: Finding, advisoryAnchors: ReadonlyMap<string, string>): Html {
  const lines: Html[] = [];
  if (f.advisory) {
    const anchor = advisoryAnchors.get(f.advisory.id);
    const id = anchor ? h`<a href="#${anchor}">${f.advisory.id}</a>` : h`${f.advisory.id}`;
    const aka = f.advisory.aliases.length ? `, also known as ${f.advisory.aliases.join(', ')}` : '';
    lines.push(h`Advisory ${id} (source: ${f.advisory.source})${aka}`);
  }
  if (f.indicator) {
    const test = f.indicator.test ? h` <span class="badge test">test indicator</span>` : false;
    lines.push(
      h`Indicator ${f.indicator.type} <code>${f.indicator.value}</code> (source: ${f.indicator.source})${test}`,
    );
  }
  if (f.rule) {
    const level = f.rule.level ? `, level ${f.rule.level}` : '';
    lines.push(h`Rule <code>${f.rule.id}</code>: ${f.rule.title}${level}`);
  }
  if (lines.length === 0) lines.push(h`${f.kind}`);
  return join(lines, '<br>');
}

function subject(f: Finding): Html {
  const s = f.subject;
  if (s.type === 'file') return h`<code>${s.path}</code><br>sha256 <code>${s.sha256}</code>`;
  if (s.type === 'app' && s.installLocation)
    return h`${describeSubject(f)}<br>installed in <code>${s.installLocation}</code>`;
  if (s.type === 'package' && s.purl) return h`${describeSubject(f)}<br><code>${s.purl}</code>`;
  return h`${describeSubject(f)}`;
}

function reference(url: string): Html {
  const href = safeHref(url);
  return href
    ? h`<li><a href="${href}" rel="noopener noreferrer">${url}</a></li>`
    : h`<li><code>${url}</code></li>`;
}

/** References as a collapsed list (links only for http(s) URLs). */
export function referenceList(refs: readonly string[] | undefined): Html | false {
  if (!refs?.length) return false;
  return h`<details><summary>References (${refs.length})</summary><ul>${refs.map(reference)}</ul></details>`;
}

/** The card of one finding (heading level 4, under its host's level-3 heading). */
export function findingCard(f: Finding, advisoryAnchors: ReadonlyMap<string, string>): Html {
  const fixed = f.fixedVersions?.length
    ? h`<dt>Fixed in</dt><dd>${f.fixedVersions.join(', ')}</dd>\n`
    : false;
  const remediation = f.remediation ?? 'No remediation given by the intel; see the references.';
  return h`<article class="finding">
<h4><span class="badge sev-${f.severity}">${f.severity}</span> ${f.title}</h4>
<dl class="facts">
<dt>Kind</dt><dd>${f.kind}</dd>
<dt>Subject</dt><dd>${subject(f)}</dd>
<dt>Matched</dt><dd>${matched(f, advisoryAnchors)}</dd>
${fixed}<dt>Remediation</dt><dd>${remediation}</dd>
<dt>Evidence</dt><dd><ul class="evidence">${f.evidence.map(evidenceItem)}</ul></dd>
<dt>Finding id</dt><dd><code>${f.id}</code></dd>
</dl>
${referenceList(f.references)}</article>`;
}
