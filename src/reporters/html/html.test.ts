import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { Reporter } from '../../core/plugin.js';
import type { Report } from '../../core/report.js';
import { reporterFor } from '../index.js';
import { MAX_CHART_HOSTS } from './charts.js';
import { CONTENT_SECURITY_POLICY, renderHtml, STYLE_HASH } from './document.js';
import { HOSTILE, hostileReport, sampleReport } from './__fixtures__/reports.js';
import { htmlReporter } from './index.js';
import { MAX_ISSUES } from './tables.js';

const reporter: Reporter = htmlReporter;
const render = (r: Report): string => reporter.render(r, { color: false });

const TAGS = new Set(
  (
    'html head meta title style body a header h1 h2 h3 h4 p time nav ul li main section div figure ' +
    'figcaption svg desc g text rect table caption thead tbody tr th td dl dt dd span article code br ' +
    'details summary footer strong'
  ).split(' '),
);
const ATTRS = new Set(
  (
    'lang charset http-equiv content name class id href rel role viewBox xmlns aria-labelledby ' +
    'aria-label x y width height datetime scope tabindex'
  ).split(' '),
);

/** Every tag of the document: name and attributes, failing on anything not well-formed. */
function tags(doc: string): { name: string; attrs: [string, string][] }[] {
  const out: { name: string; attrs: [string, string][] }[] = [];
  for (const m of doc.matchAll(/<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>/g)) {
    const [, name = '', rest = ''] = m;
    const attrs: [string, string][] = [];
    const leftover = rest.replace(
      /\s+([a-zA-Z][a-zA-Z-]*)(?:="([^"<>]*)")?/g,
      (_all, k: string, v?: string) => {
        attrs.push([k, v ?? '']);
        return '';
      },
    );
    expect(leftover.trim(), `junk in <${name}${rest}>`).toBe('');
    out.push({ name, attrs });
  }
  return out;
}

describe('reporters/html', () => {
  it('is registered for --format html as text/html', () => {
    const r: Reporter | undefined = reporterFor('html');
    expect(r?.id).toBe('reporters/html');
    expect(r?.mediaType).toBe('text/html');
  });

  it('renders hosts in tenant/id order with their findings most severe first', () => {
    const doc = render(sampleReport());
    const sections = [...doc.matchAll(/<section class="host [^"]*" id="(host-\d+)"[\s\S]*?<\/section>/g)];
    expect(sections.map((s) => s[1])).toEqual(['host-1', 'host-2', 'host-3']);
    const heads = sections.map((s) => /<h3 [^>]*>([^<]*)/.exec(s[0])?.[1]);
    expect(heads).toEqual(['acme / clean-02 ', 'acme / win-01 ', 'beta / mac-03 ']);
    const win = sections[1]?.[0] ?? '';
    const order = [...win.matchAll(/<h4><span class="badge sev-(\w+)">/g)].map((m) => m[1]);
    expect(order).toEqual(['critical', 'high', 'low']);
    expect(win).toContain('<dt>Hostname</dt><dd>WIN-01</dd>');
    expect(win).toContain('<tr><th scope="row">app</th><td class="num">3</td></tr>');
    expect(win).toContain('<dt>Fixed in</dt><dd>18.12.422</dd>');
    expect(win).toContain('<a href="#advisory-1">CVE-2023-29059</a> (source: cve), also known as GHSA-x');
    expect(win).toContain('<span class="badge test">test indicator</span>');
    expect(win).toContain('in <code>ev/win-01/reg.reg:12</code>');
    expect(sections[0]?.[0]).toContain('No findings');
    expect(doc).toContain('<title>chainhunt report: 2 of 3 hosts affected, 4 findings</title>');
  });

  it('lists issues with file, position and reason, and the plugin statuses', () => {
    const doc = render(sampleReport());
    expect(doc).toContain(
      '<tr><td><code>ev/a.exe</code></td><td>byte 4096</td><td>truncated</td><td>PE section past end of file</td><td></td></tr>',
    );
    expect(doc).toContain(
      '<td><code>ev/x.reg</code></td><td>line 3</td><td>parse-error</td><td>bad value</td>',
    );
    expect(doc).toMatch(
      /<code>collectors\/windows-reg<\/code><\/th><td>collector<\/td><td class="num">1<\/td><td class="st-partial">partial<\/td>/,
    );
    const many = sampleReport();
    many.issues = Array.from({ length: MAX_ISSUES + 5 }, (_, i) => ({
      code: 'empty' as const,
      file: `f${String(i).padStart(5, '0')}`,
      message: 'empty',
    }));
    const big = render(many);
    expect(big).toContain(`${MAX_ISSUES + 5} input issues`);
    expect(big).toContain('5 more issues are not listed here');
    expect(big).not.toContain(`f${String(MAX_ISSUES).padStart(5, '0')}`);
  });

  it('draws the severity chart and the exposure chart with titles, descriptions and figures', () => {
    const doc = render(sampleReport());
    expect(doc).toContain('<title id="chart-severity-title">Findings by severity</title>');
    expect(doc).toContain('Findings by severity: 1 critical, 1 high, 1 medium, 1 low, 0 info.');
    expect(doc).toContain(
      '2 of 3 hosts have findings; acme / win-01: 1 critical, 1 high, 0 medium, 1 low, 0 info',
    );
    // Exposure bars: win-01 (3 findings) spans the full 300 units, mac-03 (1 finding) a third.
    expect(doc).toContain('<rect class="bar-critical" x="200" y="29" width="100" height="16">');
    expect(doc).toContain('<rect class="bar-medium" x="200" y="53" width="100" height="16">');
    const fleet = sampleReport();
    fleet.hosts = [];
    fleet.findings = Array.from({ length: MAX_CHART_HOSTS + 3 }, (_, i) => ({
      ...sampleReport().findings[0]!,
      id: `x${i}`,
      host: `h${String(i).padStart(3, '0')}`,
    }));
    const chart = /<svg[^>]*aria-labelledby="chart-exposure[\s\S]*?<\/svg>/.exec(render(fleet))?.[0] ?? '';
    expect(chart.match(/<g><title>/g)).toHaveLength(MAX_CHART_HOSTS);
    expect(chart).toContain('3 more hosts with findings not drawn');
  });

  it('keeps findings of hosts missing from the host list', () => {
    const r = sampleReport();
    r.hosts = r.hosts.filter((x) => x.id !== 'mac-03');
    expect(render(r)).toMatch(/<h3 id="host-3-h">beta \/ mac-03 <span class="badge sev-medium">/);
  });

  it('makes hostile strings inert: only its own tags and attributes, links only to http(s) and anchors', () => {
    const doc = render(hostileReport());
    expect(doc).not.toContain(HOSTILE.slice(0, 25));
    expect(doc).not.toMatch(/<script|<img|="javascript:/i);
    expect(doc).toContain('<li><code>javascript:alert(3)</code></li>');
    expect(doc).not.toMatch(/[^\t\n\r\u0020-\u007e\u00a0-\ufffd]/);
    expect(doc).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&#39;\ufffd\ufffd',
    );
    const all = tags(doc);
    for (const t of all) {
      expect(TAGS.has(t.name), `tag <${t.name}>`).toBe(true);
      for (const [k, v] of t.attrs) {
        expect(ATTRS.has(k), `attribute ${k} on <${t.name}>`).toBe(true);
        if (k === 'href') expect(v).toMatch(/^(#[a-z0-9-]+|https?:\/\/\S+)$/);
        if (k === 'id') expect(v).toMatch(/^[a-z0-9-]+$/);
      }
    }
    // The hostile http(s) URL is a link whose quote and angle brackets stay escaped inside the attribute.
    expect(doc).toContain('href="https://example.org/&quot;&gt;&lt;script&gt;alert(4)&lt;/script&gt;"');
    expect(doc.match(/<script/g)).toBeNull();
    // The orphan finding's host got a section of its own.
    expect(
      all.filter(
        (t) => t.name === 'section' && t.attrs.some(([k, v]) => k === 'class' && v.startsWith('host ')),
      ),
    ).toHaveLength(2);
  });

  it('locks the page down with a CSP that allows only its own stylesheet, and loads nothing', () => {
    const doc = render(sampleReport());
    expect(CONTENT_SECURITY_POLICY).toMatch(/^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/]+=*'/);
    expect(doc).toContain(
      `<meta http-equiv="Content-Security-Policy" content="${CONTENT_SECURITY_POLICY.replaceAll("'", '&#39;')}">`,
    );
    const styles = [...doc.matchAll(/<style>([\s\S]*?)<\/style>/g)];
    expect(styles).toHaveLength(1);
    const hash = `sha256-${createHash('sha256')
      .update(styles[0]?.[1] ?? '', 'utf8')
      .digest('base64')}`;
    expect(hash).toBe(STYLE_HASH);
    expect(doc).not.toMatch(/\ssrc=|\sstyle=|<link|<script|<iframe|<object|<embed|url\(/i);
  });

  it('is byte-identical for the same report, whatever the order of its lists', () => {
    const a = render(sampleReport());
    expect(render(sampleReport())).toBe(a);
    const shuffled = sampleReport();
    shuffled.hosts.reverse();
    shuffled.findings.reverse();
    shuffled.issues.reverse();
    expect(render(shuffled)).toBe(a);
    const later = sampleReport();
    later.generatedAt = '2027-06-30T12:00:00.000Z';
    expect(render(later).replaceAll(later.generatedAt, sampleReport().generatedAt)).toBe(a);
  });

  it('renders an empty report without throwing', () => {
    const r = sampleReport();
    r.hosts = [];
    r.findings = [];
    r.issues = [];
    r.plugins = [];
    r.advisories = [];
    r.intel = { sources: [], advisories: 0, indicators: 0, rules: 0 };
    const doc = renderHtml(r);
    expect(doc).toContain('No hosts were scanned.');
    expect(doc).toContain('No host has findings.');
    expect(doc).toContain('No input issues');
  });
});
