/**
 * The report's colours and its one inline stylesheet. Every text colour has a contrast ratio of at
 * least 4.5:1 against the backgrounds it is used on (checked in style.test.ts); severity is always
 * written out too, never shown by colour alone.
 */
import type { Severity } from '../../core/severity.js';

/** Page background, panel background, text and muted text. */
export const PAGE = { background: '#ffffff', panel: '#f4f6f8', text: '#1a1a1a', muted: '#4a4a4a' } as const;

/** Link colour. */
export const LINK = '#0b5cad';

/** Colour for "clean" status. */
export const CLEAN = '#1f6f3f';

/** Severity fills (badges with white text, chart bars on white). */
export const SEVERITY_COLOR: Record<Severity, string> = {
  critical: '#9b1c1c',
  high: '#b54708',
  medium: '#8a6100',
  low: '#1d5f8a',
  info: '#55595f',
};

function channel(v: number): number {
  const c = v / 255;
  return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
}

/** WCAG 2 relative luminance of a `#rrggbb` colour. */
export function luminance(hex: string): number {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const [r, g, b] = [m[1], m[2], m[3]].map((h) => channel(parseInt(h ?? '0', 16)));
  return 0.2126 * (r ?? 0) + 0.7152 * (g ?? 0) + 0.0722 * (b ?? 0);
}

/** WCAG 2 contrast ratio of two `#rrggbb` colours (1..21). */
export function contrastRatio(a: string, b: string): number {
  const x = luminance(a);
  const y = luminance(b);
  return (Math.max(x, y) + 0.05) / (Math.min(x, y) + 0.05);
}

const severityRules = (Object.entries(SEVERITY_COLOR) as [Severity, string][])
  .map(([s, c]) => `.sev-${s}{background:${c};color:#fff}.bar-${s}{fill:${c}}`)
  .join('\n');

/** The stylesheet (system fonts only: nothing is fetched). */
export const CSS = `
*{box-sizing:border-box}
html{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;font-size:16px;line-height:1.45;color:${PAGE.text};background:${PAGE.background}}
body{margin:0}
a{color:${LINK}}
a:focus-visible,summary:focus-visible{outline:3px solid ${LINK};outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;background:${PAGE.text};color:#fff;padding:.5rem 1rem;z-index:10}
.skip:focus{left:.5rem;top:.5rem}
header,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
header{padding-top:1rem;border-bottom:1px solid #c8ccd0}
h1{font-size:1.6rem;margin:.5rem 0}
h2{font-size:1.3rem;margin:2rem 0 .75rem;border-bottom:2px solid #c8ccd0;padding-bottom:.25rem}
h3{font-size:1.15rem;margin:0 0 .5rem}
h4{font-size:1rem;margin:0 0 .4rem}
nav ul{list-style:none;padding:0;margin:.5rem 0 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1.25rem}
.meta{color:${PAGE.muted};margin:.25rem 0}
.tiles{display:flex;flex-wrap:wrap;gap:.75rem;padding:0;margin:0;list-style:none}
.tiles li{background:${PAGE.panel};border-radius:.4rem;padding:.5rem .9rem;min-width:8rem}
.tiles strong{display:block;font-size:1.4rem}
.charts{display:flex;flex-wrap:wrap;gap:1.5rem}
figure{margin:1rem 0;flex:1 1 22rem;min-width:0}
figcaption{font-weight:600;margin-bottom:.25rem}
svg.chart{width:100%;height:auto;max-width:44rem;display:block}
svg.chart text{font-size:12px;fill:${PAGE.text}}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.92rem}
caption{text-align:left;font-weight:600;padding:.25rem 0}
th,td{border:1px solid #c8ccd0;padding:.25rem .5rem;text-align:left;vertical-align:top}
thead th{background:${PAGE.panel}}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
.wide{overflow-x:auto}
.badge{display:inline-block;border-radius:.25rem;padding:0 .4rem;font-size:.8rem;font-weight:700;text-transform:uppercase;letter-spacing:.02em;vertical-align:middle}
.clean{background:${CLEAN};color:#fff}
.test{background:${PAGE.text};color:#fff}
.st-partial,.st-failed{font-weight:700}
.st-failed{color:${SEVERITY_COLOR.critical}}
.st-partial{color:${SEVERITY_COLOR.high}}
.host{border:1px solid #c8ccd0;border-radius:.5rem;padding:1rem;margin:1rem 0}
.host-clean{border-left:.4rem solid ${CLEAN}}
.host-affected{border-left:.4rem solid ${SEVERITY_COLOR.critical}}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15rem 1rem;margin:.5rem 0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.finding{background:${PAGE.panel};border-radius:.4rem;padding:.75rem;margin:.75rem 0}
.finding h4 .badge{margin-right:.4rem}
code{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:.88em;overflow-wrap:anywhere}
ul.evidence{margin:.25rem 0;padding-left:1.25rem}
details{margin:.25rem 0}
summary{cursor:pointer}
footer{color:${PAGE.muted};padding-top:1rem;padding-bottom:2rem;border-top:1px solid #c8ccd0;margin-top:2rem}
${severityRules}
@media print{.skip,nav{display:none}.host,.finding{break-inside:avoid}}
`.trim();
