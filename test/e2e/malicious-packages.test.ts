/**
 * Issue 6 acceptance through the CLI: every non-withdrawn ossf/malicious-packages record flags its
 * package at a listed affected version (in an SBOM), and not at a version outside its versions and
 * ranges; withdrawn records never produce a finding; the named incidents are detected and their
 * clean neighbours are not.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PackageURL } from 'packageurl-js';
import { describe, expect, it } from 'vitest';
import { runJson } from '../cli.js';
import { sharedData } from '../fixtures.js';

interface OsvRecord {
  id: string;
  withdrawn?: string;
  affected?: {
    package: { ecosystem: string; name: string };
    versions?: string[];
    ranges?: { type: string; events: Record<string, string>[] }[];
  }[];
}
interface Finding {
  kind: string;
  advisory?: { id: string };
  subject: { name: string; version: string; ecosystem: string };
}

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir)) {
    const p = path.join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.json')) out.push(p);
  }
  return out;
}

function purlOf(ecosystem: string, name: string, version: string): string {
  if (ecosystem === 'npm') {
    const at = name.startsWith('@') ? name.indexOf('/') : -1;
    return new PackageURL(
      'npm',
      at > 0 ? name.slice(0, at) : undefined,
      at > 0 ? name.slice(at + 1) : name,
      version,
      undefined,
      undefined,
    ).toString();
  }
  return new PackageURL('pypi', undefined, name, version, undefined, undefined).toString();
}

function bom(components: { eco: string; name: string; version: string }[]): string {
  return JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    version: 1,
    components: components.map((c, i) => ({
      type: 'library',
      'bom-ref': `c${i}`,
      name: c.name,
      version: c.version,
      purl: purlOf(c.eco, c.name, c.version),
    })),
  });
}

/** A version outside the record, where the record says one exists without evaluating it ourselves. */
function outsideVersion(a: NonNullable<OsvRecord['affected']>[number]): string | null {
  const listed = new Set(a.versions ?? []);
  const ranges = a.ranges ?? [];
  if (ranges.length === 0) {
    const v = a.package.ecosystem === 'npm' ? '999.999.999-chainhunt-outside' : '999999.0';
    return listed.has(v) ? null : v;
  }
  // The single-range case with an explicit fix: the fixed version itself is outside by definition.
  if (ranges.length === 1 && ranges[0]!.events.length === 2) {
    const fixed = ranges[0]!.events.find((e) => e['fixed'] !== undefined)?.['fixed'];
    if (fixed !== undefined && !listed.has(fixed)) return fixed;
  }
  return null;
}

describe('malicious packages (ossf/malicious-packages OSV)', () => {
  const osvRoot = sharedData('malicious-packages', 'ossf-osv');
  const records = walk(osvRoot).map((f) => JSON.parse(readFileSync(f, 'utf8')) as OsvRecord);
  const live = records.filter((r) => r.withdrawn === undefined);
  const withdrawn = records.filter((r) => r.withdrawn !== undefined);

  const inside: { eco: string; name: string; version: string; id: string }[] = [];
  const outside: { eco: string; name: string; version: string; id: string }[] = [];
  for (const r of live) {
    for (const a of r.affected ?? []) {
      const eco = a.package.ecosystem;
      const everything = (a.ranges ?? []).some(
        (r) => r.events.length === 1 && r.events[0]!['introduced'] === '0',
      );
      const v =
        a.versions?.[0] ??
        a.ranges?.[0]?.events.find((e) => e['introduced'] !== undefined && e['introduced'] !== '0')?.[
          'introduced'
        ] ??
        (everything ? '1.0.0' : undefined);
      if (v !== undefined) inside.push({ eco, name: a.package.name, version: v, id: r.id });
      const o = outsideVersion(a);
      if (o !== null) outside.push({ eco, name: a.package.name, version: o, id: r.id });
    }
  }
  const wInside: { eco: string; name: string; version: string; id: string }[] = [];
  for (const r of withdrawn)
    for (const a of r.affected ?? [])
      for (const v of a.versions ?? [])
        wInside.push({ eco: a.package.ecosystem, name: a.package.name, version: v, id: r.id });

  const dir = mkdtempSync(path.join(tmpdir(), 'ch-mal-'));
  for (const [name, list] of [
    ['inside', inside],
    ['outside', outside],
    ['withdrawn', wInside],
  ] as const) {
    mkdirSync(path.join(dir, name));
    writeFileSync(
      path.join(dir, name, 'bom.json'),
      bom(list.map((x) => ({ eco: x.eco === 'npm' ? 'npm' : 'pypi', name: x.name, version: x.version }))),
    );
  }
  const { doc } = runJson<{ findings: Finding[]; issues: unknown[] }>([
    'scan',
    path.join(dir, 'inside'),
    path.join(dir, 'outside'),
    path.join(dir, 'withdrawn'),
    '--intel',
    osvRoot,
    '--no-default-intel',
    '--format',
    'json',
  ]);
  const hits = new Set(doc.findings.map((f) => `${f.advisory?.id}|${f.subject.name}|${f.subject.version}`));

  it('has records to test (sanity)', () => {
    expect(live.length).toBeGreaterThan(5000);
    expect(withdrawn.length).toBeGreaterThan(10);
    expect(inside.length).toBeGreaterThanOrEqual(live.length);
  });

  it('flags every record at a listed affected version', () => {
    const missed = inside.filter((x) => !hits.has(`${x.id}|${x.name}|${x.version}`));
    expect(missed.slice(0, 20)).toEqual([]);
  });

  it('does not flag a version outside the record', () => {
    expect(outside.length).toBeGreaterThan(100);
    const wrong = outside.filter((x) => hits.has(`${x.id}|${x.name}|${x.version}`));
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  it('never produces a finding from a withdrawn record', () => {
    const ids = new Set(withdrawn.map((r) => r.id));
    expect(doc.findings.filter((f) => ids.has(f.advisory?.id ?? ''))).toEqual([]);
  });
});

describe('incident records', () => {
  const incidents = sharedData('malicious-packages', 'incidents');
  const cases: [string, string, string, string, string][] = [
    // ecosystem, name, bad version, clean neighbour, record id
    ['npm', 'chalk', '5.6.1', '5.6.0', 'MAL-2025-46969'],
    ['npm', 'debug', '4.4.2', '4.4.1', 'MAL-2025-46974'],
    ['npm', '@ctrl/tinycolor', '4.1.1', '4.1.0', 'MAL-2025-47141'],
    ['npm', 'posthog-node', '5.11.3', '5.11.2', 'MAL-2025-190925'],
    ['npm', 'eslint-config-prettier', '8.10.1', '8.10.0', 'MAL-2025-6022'],
    ['npm', 'event-stream', '3.3.6', '3.3.5', 'GHSA-mh6f-8j2x-4483'],
    ['npm', 'flatmap-stream', '0.1.1', '', 'GHSA-mh6f-8j2x-4483'],
    ['npm', 'ua-parser-js', '0.7.29', '0.7.28', 'GHSA-pjwm-rvh2-c87w'],
    ['npm', 'node-ipc', '10.1.1', '10.1.0', 'GHSA-97m3-w2cp-4xx6'],
    ['pypi', 'ctx', '0.2.2', '', 'PYSEC-2022-199'],
  ];
  const dir = mkdtempSync(path.join(tmpdir(), 'ch-inc-'));
  const comps = cases.flatMap(([eco, name, bad, clean]) => [
    { eco, name, version: bad },
    ...(clean ? [{ eco, name, version: clean }] : []),
  ]);
  writeFileSync(path.join(dir, 'bom.json'), bom(comps));
  const { doc } = runJson<{ findings: Finding[] }>([
    'scan',
    dir,
    '--intel',
    incidents,
    '--no-default-intel',
    '--format',
    'json',
  ]);

  it.each(cases)('%s %s@%s is flagged, its neighbour %s is not', (_eco, name, bad, clean, id) => {
    const mine = doc.findings.filter((f) => f.subject.name === name);
    expect(mine.filter((f) => f.subject.version === bad).map((f) => f.advisory?.id)).toContain(id);
    if (clean) expect(mine.filter((f) => f.subject.version === clean)).toEqual([]);
  });
});
