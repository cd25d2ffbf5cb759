/** Sigma through the CLI: `scan --intel RULE` over an .evtx, JSON findings and the timeline formats. */
import { describe, expect, it } from 'vitest';
import { runCli, runJson } from '../cli.js';
import { sharedData } from '../fixtures.js';

const CASE = 'rules/windows/process_creation/proc_creation_win_amsi_registry_tampering';
const RULE_ID = '7dbbcac2-57a0-45ac-b306-ff30a8bd2981';

describe('chainhunt scan with Sigma rules', () => {
  const evtx = sharedData('sigma', 'regression_data', CASE, `${RULE_ID}.evtx`);
  const rule = sharedData('sigma', `${CASE}.yml`);

  it('reports one sigma finding per matching event, with rule metadata', () => {
    const { doc } = runJson<{
      findings: {
        kind: string;
        rule?: { id: string; title: string; author?: string; level?: string };
        subject: { type: string };
      }[];
    }>(['scan', evtx, '--intel', rule, '--no-default-intel', '--no-db', '--format', 'json']);
    const sigma = doc.findings.filter((f) => f.kind === 'sigma');
    expect(sigma).toHaveLength(1);
    expect(sigma[0]!.rule).toMatchObject({
      id: RULE_ID,
      title: 'Windows AMSI Related Registry Tampering Via CommandLine',
    });
    expect(sigma[0]!.rule?.author).toBeTruthy();
    expect(sigma[0]!.subject.type).toBe('event');
  });

  it('writes a time-sorted timeline as CSV and JSONL', () => {
    const csv = runCli([
      'scan',
      evtx,
      '--intel',
      rule,
      '--no-default-intel',
      '--no-db',
      '--format',
      'csv',
      '--timeline',
    ]);
    expect(csv.code).toBe(0);
    const lines = csv.stdout.trim().split(/\r?\n/);
    expect(lines.length).toBe(2);
    expect(lines[1]).toContain(RULE_ID);
    const jsonl = runCli([
      'scan',
      evtx,
      '--intel',
      rule,
      '--no-default-intel',
      '--no-db',
      '--format',
      'jsonl',
      '--timeline',
    ]);
    const rows = jsonl.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0])).toContain(RULE_ID);
    expect(runCli(['scan', evtx, '--format', 'json', '--timeline']).code).toBe(2);
  });
});
