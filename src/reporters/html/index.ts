/**
 * `reporters/h`: one self-contained HTML file (inline CSS and SVG charts, strict CSP, no
 * script, nothing fetched) with the scan summary, a section per host, input issues and plugins.
 */
import type { Reporter } from '../../core/plugin.js';
import { renderHtml } from './document.js';

export const htmlReporter = {
  id: 'reporters/html',
  version: 1,
  description: 'Self-contained HTML report (per-host sections, SVG charts; readable offline)',
  format: 'html',
  mediaType: 'text/html',
  render: (report) => renderHtml(report),
} satisfies Reporter;
