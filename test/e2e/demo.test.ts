/** The README's demo, as a user runs it: findings per host, and byte-identical JSON across runs. */
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson } from '../cli.js';
import { repoRoot } from '../fixtures.js';
import { validatorFor } from '../schema.js';

const args = ['scan', path.join('demo', 'fleet'), '--intel', path.join('demo', 'intel'), '--format', 'json'];

describe('demo scan', () => {
  const first = runCli(args, { cwd: repoRoot });
  const second = runCli(args, { cwd: repoRoot });

  it('is byte-identical across runs apart from generatedAt', () => {
    const strip = (s: string): string => s.replace(/"generatedAt": "[^"]+"/, '"generatedAt": ""');
    expect(first.code).toBe(0);
    expect(strip(first.stdout)).toBe(strip(second.stdout));
  });

  it('validates against the report schema and finds what demo/README.md says', () => {
    const doc = JSON.parse(first.stdout) as {
      hosts: { id: string; status: string }[];
      findings: { host: string; kind: string; severity: string; indicator?: { test?: boolean } }[];
    };
    expect(validatorFor('schemas/report.schema.json')(doc)).toEqual([]);
    expect(Object.fromEntries(doc.hosts.map((h) => [h.id, h.status]))).toEqual({
      'linux-build-04': 'clean',
      'mac-design-02': 'affected',
      'win-finance-01': 'affected',
      'win-pbx-05': 'clean',
      'win-sales-03': 'clean',
    });
    const kinds = (host: string): string[] =>
      [...new Set(doc.findings.filter((f) => f.host === host).map((f) => f.kind))].sort();
    expect(kinds('win-finance-01')).toEqual(['app', 'file', 'network']);
    expect(kinds('mac-design-02')).toEqual(['app']);
    expect(doc.findings.find((f) => f.kind === 'file')?.indicator?.test).toBe(true);
  });

  it('exits 1 with --fail-on critical, 0 with --fail-on none, 2 on a usage error', () => {
    expect(runCli([...args, '--fail-on', 'critical'], { cwd: repoRoot }).code).toBe(1);
    expect(runCli([...args, '--fail-on', 'none'], { cwd: repoRoot }).code).toBe(0);
    const bad = runCli(['scan', 'demo/fleet', '--fail-on', 'urgent'], { cwd: repoRoot });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/not a severity/);
    expect(runCli(['no-such-command']).code).toBe(2);
  });

  it('writes valid SARIF for the demo', () => {
    const out = runJson<{ version: string }>(
      ['scan', 'demo/fleet', '--intel', 'demo/intel', '--format', 'sarif'],
      { cwd: repoRoot },
    );
    expect(out.doc.version).toBe('2.1.0');
    expect(validatorFor('schemas/vendor/sarif-2.1.0.json')(out.doc)).toEqual([]);
  });
});
