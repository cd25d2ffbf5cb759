/**
 * OSV evaluation on the shared real-world records: every listed version of every record is
 * affected, no range is reported unsupported, and the incident records give the affected versions
 * that shared/data/SOURCES.md documents for them.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { sharedData } from '../../test/fixtures.js';
import { evaluateAffected, isAffected, type OsvAffected } from './osv-range.js';

interface OsvRecord {
  id: string;
  affected?: OsvAffected[];
}

function walk(dir: string, out: string[] = []): string[] {
  for (const f of readdirSync(dir)) {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (p.endsWith('.json')) out.push(p);
  }
  return out;
}

function record(...parts: string[]): OsvRecord {
  const file = sharedData('malicious-packages', 'incidents', ...parts);
  const text = readFileSync(file, 'utf8');
  return (file.endsWith('.yaml') ? parseYaml(text) : JSON.parse(text)) as OsvRecord;
}

/** Affected for `version` under any entry of the record for package `name`. */
function affects(rec: OsvRecord, name: string, version: string): boolean {
  return (rec.affected ?? []).some((a) => a.package?.name === name && isAffected(a, version));
}

describe('shared OSV records', () => {
  it('every listed version of every malicious-package record is affected, with no unsupported range', () => {
    const files = walk(sharedData('malicious-packages'));
    expect(files.length).toBeGreaterThan(7000);
    let listed = 0;
    const problems: string[] = [];
    for (const f of files) {
      const rec = JSON.parse(readFileSync(f, 'utf8')) as OsvRecord;
      for (const a of rec.affected ?? []) {
        for (const v of a.versions ?? []) {
          listed++;
          const r = evaluateAffected(a, v);
          if (!r.affected) problems.push(`${rec.id} ${v} not affected`);
        }
        const probe = evaluateAffected(a, '0.0.1');
        for (const u of probe.unsupported ?? []) problems.push(`${rec.id}: ${u}`);
      }
    }
    expect(listed).toBeGreaterThan(4000);
    expect(problems.slice(0, 10)).toEqual([]);
  });

  it('ua-parser-js (GHSA-pjwm-rvh2-c87w): 0.7.29, 0.8.0 and 1.0.0 only', () => {
    const rec = record(
      'github__advisory-database/advisories/github-reviewed/2021/10/GHSA-pjwm-rvh2-c87w/GHSA-pjwm-rvh2-c87w.json',
    );
    for (const v of ['0.7.29', '0.8.0', '1.0.0']) expect(affects(rec, 'ua-parser-js', v), v).toBe(true);
    for (const v of ['0.7.28', '0.7.30', '0.8.1', '0.9.0', '1.0.1', '1.0.0-rc.1'])
      expect(affects(rec, 'ua-parser-js', v), v).toBe(false);
  });

  it('node-ipc (GHSA-97m3-w2cp-4xx6): 10.1.1 to 10.1.2', () => {
    const rec = record(
      'github__advisory-database/advisories/github-reviewed/2022/03/GHSA-97m3-w2cp-4xx6/GHSA-97m3-w2cp-4xx6.json',
    );
    for (const v of ['10.1.1', '10.1.2']) expect(affects(rec, 'node-ipc', v), v).toBe(true);
    for (const v of ['10.1.0', '10.1.3', '9.2.1', '11.0.0'])
      expect(affects(rec, 'node-ipc', v), v).toBe(false);
  });

  it('event-stream 3.3.6 and every flatmap-stream version (GHSA-mh6f-8j2x-4483)', () => {
    const rec = record(
      'github__advisory-database/advisories/github-reviewed/2018/11/GHSA-mh6f-8j2x-4483/GHSA-mh6f-8j2x-4483.json',
    );
    expect(affects(rec, 'event-stream', '3.3.6')).toBe(true);
    expect(affects(rec, 'event-stream', '3.3.5')).toBe(false);
    expect(affects(rec, 'event-stream', '4.0.0')).toBe(false);
    for (const v of ['0.1.0', '0.1.1', '99.0.0']) expect(affects(rec, 'flatmap-stream', v), v).toBe(true);
  });

  it('chalk (MAL-2025-46969): 5.6.1 only', () => {
    const rec = record('ossf__malicious-packages/osv/malicious/npm/chalk/MAL-2025-46969.json');
    expect(affects(rec, 'chalk', '5.6.1')).toBe(true);
    for (const v of ['5.6.0', '5.6.2', '4.1.2']) expect(affects(rec, 'chalk', v), v).toBe(false);
  });

  it('ctx (PYSEC-2022-199, YAML): listed versions, and PEP 440 order for introduced 1.2-1 (= 1.2.post1)', () => {
    const rec = record('pypa__advisory-database/vulns/ctx/PYSEC-2022-199.yaml');
    for (const v of ['0.1.2-1', '0.1.2.post1', '0.2.6', '1.2.post1', '2.0'])
      expect(affects(rec, 'ctx', v), v).toBe(true);
    for (const v of ['0.1.3', '0.2.7', '1.2', '1.2.post0']) expect(affects(rec, 'ctx', v), v).toBe(false);
  });
});
