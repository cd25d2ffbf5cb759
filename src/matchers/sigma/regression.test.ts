/**
 * Acceptance against SigmaHQ's own data: every rule compiles or is reported with a reason
 * (>= 99%), and every regression case yields its rule id, exactly `match_count` times where the
 * count is right (four upstream counts are understated; the expected values below are derived
 * from the events themselves, and upstream's runner treats "more" as a warning only).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sharedData } from '../../../test/fixtures.js';
import type { Finding } from '../../core/finding.js';
import { parseEvtx } from '../../logs/evtx/index.js';
import { SigmaEngine } from './engine.js';
import { compileStats, formatCompileStats, loadSigmaRules } from './stats.js';
import { observationOf, splitConcatenatedJson } from './test-helpers.js';

const RULE_DIRS = ['rules', 'rules-emerging-threats', 'rules-threat-hunting'];

interface Case {
  dir: string;
  ruleId: string;
  matchCount?: number;
}

function findCases(dir: string, out: Case[] = []): Case[] {
  for (const e of readdirSync(dir).sort()) {
    const p = path.join(dir, e);
    if (statSync(p).isDirectory()) findCases(p, out);
    else if (e === 'info.yml') {
      const info = parse(readFileSync(p, 'utf8')) as {
        rule_metadata: { id: string }[];
        regression_tests_info?: { match_count?: number }[];
      };
      const c: Case = { dir, ruleId: info.rule_metadata[0]!.id };
      const mc = info.regression_tests_info?.[0]?.match_count;
      if (mc !== undefined) c.matchCount = mc;
      out.push(c);
    }
  }
  return out;
}

/**
 * Cases where upstream's `match_count` understates what the rule matches in the case's own
 * events. Each entry recounts the matches with an independent, hand-written check of the rule's
 * logic on the raw JSON events (not our engine), so the expected count is justified by the data.
 */
const RECOUNT: Record<string, (ed: Record<string, string>) => boolean> = {
  // TargetFilename|contains '\AppData\Roaming\AnyDesk\user.conf' (or system.conf): user.conf.new x2, user.conf~RF…TMP
  file_event_win_anydesk_artefact: (d) =>
    /\\appdata\\roaming\\anydesk\\(user|system)\.conf/i.test(d['TargetFilename'] ?? ''),
  // TargetFilename|contains '\pwdump' etc. or |endswith '\procdump.exe' etc.: procdump64.exe, procdump64a.exe, procdump.exe
  file_event_win_cred_dump_tools_dropped_files: (d) =>
    /\\(procdump|procdump64|procdump64a)\.exe$/i.test(d['TargetFilename'] ?? ''),
  // TargetObject contains …\ZoneMap\Domains\ and Details not DWORD 0/1/(Empty): three SetValue events with DWORD 2
  registry_set_change_security_zones: (d) =>
    /\\internet settings\\zonemap\\domains\\/i.test(d['TargetObject'] ?? '') &&
    !['DWORD (0x00000000)', 'DWORD (0x00000001)', '(Empty)'].includes(d['Details'] ?? ''),
  // AutoShareWks and AutoShareServer both set to DWORD 0: two events
  registry_set_disable_administrative_share: (d) =>
    /\\services\\lanmanserver\\parameters\\autoshare(wks|server)$/i.test(d['TargetObject'] ?? '') &&
    d['Details'] === 'DWORD (0x00000000)',
};

function eventData(e: Record<string, unknown>): Record<string, string> {
  const ev = e['Event'] as { EventData?: Record<string, unknown> } | undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ev?.EventData ?? {})) if (typeof v === 'string') out[k] = v;
  return out;
}

describe('SigmaHQ rule set compiles', () => {
  it('compiles >= 99% of rules, reporting each failure with a reason', async () => {
    const dirs = RULE_DIRS.map((d) => sharedData('sigma', d));
    const s = await compileStats(dirs);
    console.log(
      `sigma compile: ${s.compiled}/${s.total} compiled, ${s.unsupported.length} unsupported, ${s.unrouted.length} compiled but unrouted`,
    );
    for (const u of s.unsupported)
      console.log(`  unsupported ${path.relative(sharedData('sigma'), u.file)}: ${u.reason}`);
    expect(s.total).toBeGreaterThan(3000);
    expect(s.compiled + s.unsupported.length).toBe(s.total);
    expect(s.compiled / s.total).toBeGreaterThanOrEqual(0.99);
    const text = formatCompileStats(s);
    expect(text.split('\n')[0]).toBe(
      `sigma rules: ${s.total} total, ${s.compiled} compiled (${((100 * s.compiled) / s.total).toFixed(2)}%), ${s.unsupported.length} unsupported, ${s.unrouted.length} compiled but unrouted`,
    );
    for (const u of s.unsupported) {
      expect(text).toContain(u.reason);
      expect(u.file).toMatch(/\.yml$/);
      expect(u.reason.length).toBeGreaterThan(10);
    }
  });
});

describe('SigmaHQ regression data', () => {
  let engine: SigmaEngine;
  const root = sharedData('sigma', 'regression_data');
  const cases = findCases(root);

  beforeAll(async () => {
    const { rules } = await loadSigmaRules(RULE_DIRS.map((d) => sharedData('sigma', d)));
    engine = new SigmaEngine(rules);
  });

  function check(c: Case, findings: Finding[], events: Record<string, unknown>[]): void {
    const n = findings.filter((f) => f.rule?.id === c.ruleId).length;
    expect(n, `${c.dir}: rule ${c.ruleId} fired`).toBeGreaterThanOrEqual(1);
    const recount = RECOUNT[path.basename(c.dir)];
    if (recount) {
      const expected = events.filter((e) => recount(eventData(e))).length;
      expect(expected).toBeGreaterThan(c.matchCount ?? 0);
      expect(n, `${c.dir}: recounted from the events`).toBe(expected);
    } else if (c.matchCount !== undefined) {
      expect(n, `${c.dir}: match_count`).toBe(c.matchCount);
    }
  }

  it('finds the regression cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(150);
  });

  it.each(
    cases
      .filter((c) => readdirSync(c.dir).some((f) => f.endsWith('.json')))
      .map((c) => [path.relative(root, c.dir), c] as const),
  )('json %s', (_name, c) => {
    const jf = readdirSync(c.dir).find((f) => f.endsWith('.json'))!;
    const events = splitConcatenatedJson(readFileSync(path.join(c.dir, jf), 'utf8'));
    expect(events.length).toBeGreaterThan(0);
    const findings = events.flatMap((e, i) => engine.match(observationOf(e, jf, i)));
    check(c, findings, events);
  });

  it.each(
    cases
      .filter((c) => readdirSync(c.dir).some((f) => f.endsWith('.evtx')))
      .map((c) => [path.relative(root, c.dir), c] as const),
  )('evtx %s', (_name, c) => {
    const xf = readdirSync(c.dir).find((f) => f.endsWith('.evtx'))!;
    const issues: string[] = [];
    const records = [
      ...parseEvtx(readFileSync(path.join(c.dir, xf)), { file: xf, onIssue: (i) => issues.push(i.message) }),
    ];
    expect(issues).toEqual([]);
    const findings = records.flatMap((r) =>
      engine.match({
        kind: 'log-event',
        host: 'test-host',
        collectorId: 'test',
        source: { file: xf, offset: r.offset },
        event: r.event,
        recordId: r.recordId,
      }),
    );
    check(
      c,
      findings,
      records.map((r) => r.event),
    );
  });

  it('the literal prefilter never changes results (every routed rule evaluated vs prefiltered)', async () => {
    const { rules } = await loadSigmaRules(RULE_DIRS.map((d) => sharedData('sigma', d)));
    const slow = new SigmaEngine(rules, { prefilter: false });
    let total = 0;
    for (const c of cases) {
      const jf = readdirSync(c.dir).find((f) => f.endsWith('.json'));
      if (!jf) continue;
      splitConcatenatedJson(readFileSync(path.join(c.dir, jf), 'utf8')).forEach((e, i) => {
        const a = engine.match(observationOf(e, jf, i)).map((f) => f.id);
        const b = slow.match(observationOf(e, jf, i)).map((f) => f.id);
        expect(a).toEqual(b);
        total += a.length;
      });
    }
    expect(total).toBeGreaterThan(150);
  });

  it('cisco raw case: the syslog line on channel cisco/aaa fires the rule', () => {
    const dir = path.join(root, 'rules', 'cisco', 'aaa', 'cisco_cli_dot1x_disabled');
    expect(existsSync(dir)).toBe(true);
    const raw = readdirSync(dir).find((f) => f.endsWith('.raw'))!;
    const line = readFileSync(path.join(dir, raw), 'utf8').trim();
    const f = engine.match({
      kind: 'log-event',
      host: 'h',
      collectorId: 'test',
      source: { file: raw },
      channel: 'cisco/aaa',
      event: { message: line },
    });
    expect(f.map((x) => x.rule?.id)).toContain('ef0ff092-a24a-4fbc-beea-06c08d53e085');
  });
});

describe('full rule set over every shared EVTX sample', () => {
  it('completes without errors and finds detections', async () => {
    const { rules } = await loadSigmaRules(RULE_DIRS.map((d) => sharedData('sigma', d)));
    const engine = new SigmaEngine(rules);
    const files: string[] = [];
    const walk = (d: string): void => {
      for (const e of readdirSync(d).sort()) {
        const p = path.join(d, e);
        if (statSync(p).isDirectory()) walk(p);
        else if (e.toLowerCase().endsWith('.evtx')) files.push(p);
      }
    };
    walk(sharedData('evtx'));
    expect(files.length).toBeGreaterThan(200);
    let events = 0;
    let detections = 0;
    for (const f of files) {
      for (const r of parseEvtx(readFileSync(f), { file: f })) {
        events++;
        detections += engine.match({
          kind: 'log-event',
          host: 'h',
          collectorId: 'test',
          source: { file: f, offset: r.offset },
          event: r.event,
          recordId: r.recordId,
        }).length;
      }
    }
    engine.finish();
    console.log(`shared EVTX: ${files.length} files, ${events} events, ${detections} detections`);
    expect(events).toBeGreaterThan(7000);
    expect(detections).toBeGreaterThan(0);
    expect(engine.issues.filter((i) => i.code === 'internal-error')).toEqual([]);
    // the 3CX DNS rule must not fire: no 3CX C2 domain occurs in these files (checked by a byte
    // search for the domains in UTF-8 and UTF-16LE over every .evtx)
    expect(engine.rules.find((r) => r.rule.id === 'bd03a0dc-5d93-49eb-b2e8-2dfd268600f8')?.hits ?? 0).toBe(0);
  });
});
