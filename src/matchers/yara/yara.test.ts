import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FileObservation } from '../../core/observation.js';
import { parseYaraFile } from '../../intel/yara/parse.js';
import { HashPool } from '../../scan/hash-pool.js';
import { runScan } from '../../scan/runner.js';
import { digests } from '../../util/hash.js';
import { sharedData } from '../../../test/fixtures.js';
import { craftFor, readRules } from './__fixtures__/craft.js';
import {
  compileYaraRules,
  misreadByBinding,
  variablesFor,
  yaraMatcher,
  type YaraScanResult,
} from './index.js';

const THREECX = 'gen_mal_3cx_compromise_mar23.yar';
const tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-yara-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Debian's yara CLI (the oracle); fails clearly when it is not installed. */
function debianYara(args: string[]): string {
  try {
    execFileSync('yara', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error(
      'Debian `yara` is required for the oracle tests (apt-get install -y yara; listed in scripts/apt-packages.txt)',
    );
  }
  return execFileSync('yara', args, {
    encoding: 'utf8',
    maxBuffer: 64 << 20,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function fileObs(p: string, content: Buffer): FileObservation {
  return {
    kind: 'file',
    host: 'h',
    collectorId: 'scan/read',
    source: { file: p },
    path: p,
    name: path.basename(p),
    size: content.length,
    ...digests(content),
  };
}

function rulesFrom(files: string[]) {
  return files.flatMap((f) => {
    const r = parseYaraFile(readFileSync(f), f);
    expect(r.issues.filter((i) => i.code !== 'empty')).toEqual([]);
    return r.rules;
  });
}

describe('signature-base 3CX rules', () => {
  const file = sharedData('signature-base', 'yara', THREECX);
  const source = readFileSync(file, 'utf8');

  it('all 19 rules compile with the LOKI/THOR external variables', () => {
    const { packs, files, issues } = compileYaraRules(rulesFrom([file]));
    expect(issues).toEqual([]);
    expect(packs).toHaveLength(1);
    // SOURCES.md: "yara/gen_mal_3cx_compromise_mar23.yar has 19 rules".
    expect(files[0]!.ruleNames).toHaveLength(19);
    expect(new Set(files[0]!.ruleNames).size).toBe(19);
  });

  it("a file crafted from each rule's own strings and condition is detected by that rule", () => {
    const pm = yaraMatcher.prepare({
      sources: [],
      advisories: [],
      indicators: [],
      rules: rulesFrom([file]),
    })!;
    const crafted = readRules(source);
    expect(crafted.map((r) => r.name).sort()).toEqual(
      [...compileYaraRules(rulesFrom([file])).files[0]!.ruleNames].sort(),
    );
    for (const rule of crafted) {
      const { name, content } = craftFor(rule);
      const r = pm.matchContent!(fileObs(`/evidence/${name}`, content), content);
      expect(r.issues).toEqual([]);
      const hit = r.findings.find((f) => f.rule?.title === rule.name);
      expect(hit, `${rule.name} on its crafted file`).toBeDefined();
      expect(hit!.kind).toBe('yara');
      expect(hit!.rule!.id).toBe(`${THREECX}:${rule.name}`);
      expect(hit!.subject).toEqual({
        type: 'file',
        path: `/evidence/${name}`,
        sha256: digests(content).sha256,
      });
    }
  });
});

describe('compilation', () => {
  it('a rule file that does not compile is an issue naming it; the other files are used', () => {
    const good = path.join(tmp, 'good.yar');
    const bad = path.join(tmp, 'bad.yar');
    const dup = path.join(tmp, 'dup.yara');
    writeFileSync(good, 'rule same_name { strings: $a = "chainhunt-marker" condition: $a }\n');
    writeFileSync(
      dup,
      'rule same_name { strings: $a = "chainhunt-" condition: $a and filename == "probe.txt" }\n',
    );
    writeFileSync(bad, 'rule broken { condition: undefined_thing }\n');
    const { packs, files, issues } = compileYaraRules(rulesFrom([good, bad, dup]));
    expect(packs).toHaveLength(2); // same rule name in two files: two rule sets
    expect(files.map((f) => f.namespace).sort()).toEqual(['dup.yara', 'good.yar']);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.file).toBe(bad);
    expect(issues[0]!.message).toMatch(/undefined_thing/);
    const content = Buffer.from('xx chainhunt-marker xx');
    const pm = yaraMatcher.prepare({
      sources: [],
      advisories: [],
      indicators: [],
      rules: rulesFrom([good, bad, dup]),
    })!;
    const ids = pm.matchContent!(fileObs('/e/probe.txt', content), content)
      .findings.map((f) => f.rule!.id)
      .sort();
    expect(ids).toEqual(['dup.yara:same_name', 'good.yar:same_name']);
    const other = pm.matchContent!(fileObs('/e/other.txt', content), content).findings.map((f) => f.rule!.id);
    expect(other).toEqual(['good.yar:same_name']);
    expect(pm.issues?.map((i) => i.file)).toEqual([bad]); // reported once, when compiled
  });

  it('include statements are refused (a rule file must not read other files)', () => {
    const inc = path.join(tmp, 'inc.yar');
    writeFileSync(inc, 'include "/etc/passwd"\nrule x { condition: true }\n');
    const { issues } = compileYaraRules(rulesFrom([inc]));
    expect(issues[0]?.message).toMatch(/include/);
  });

  it('external variables follow THOR: filename, directory as filepath, lower-case extension with dot, filetype by magic', () => {
    expect(variablesFor('/a/b/Setup.EXE', Buffer.from('MZ\x90\x00'))).toEqual({
      filename: 'Setup.EXE',
      filepath: '/a/b',
      extension: '.exe',
      filetype: 'EXE',
      owner: '',
    });
    expect(variablesFor('noext', Buffer.from([0x7f, 0x45, 0x4c, 0x46])).filetype).toBe('ELF');
  });
});

describe('same matches as Debian yara (oracle)', () => {
  it('over /usr/bin files, rule sources and crafted files', () => {
    const sigbase = sharedData('signature-base', 'yara');
    // Every 6th gen_* rule file (deterministic) that Debian yara compiles without external variables, plus the 3CX file.
    const candidates = readdirSync(sigbase)
      .filter((f) => f.startsWith('gen_'))
      .sort()
      .filter((_, i) => (i + 1) % 6 === 0);
    const ruleFiles = candidates.filter((f) => {
      if (parseYaraFile(readFileSync(path.join(sigbase, f)), f).rules.length === 0) return false; // comment-only files
      try {
        debianYara(['-w', path.join(sigbase, f), '/dev/null']);
        return true;
      } catch (err) {
        if ((err as Error).message.includes('is required')) throw err;
        return false;
      }
    });
    expect(ruleFiles.length).toBeGreaterThan(15);
    const corpus = path.join(tmp, 'corpus');
    mkdirSync(corpus, { recursive: true });
    const bins = readdirSync('/usr/bin')
      .sort()
      .filter((f) => {
        const st = lstatSync(path.join('/usr/bin', f));
        return st.isFile() && st.size < 4 << 20;
      });
    for (const f of bins.filter((_, i) => i % 12 === 0).slice(0, 60))
      copyFileSync(path.join('/usr/bin', f), path.join(corpus, `bin-${f}`));
    for (const f of ruleFiles) copyFileSync(path.join(sigbase, f), path.join(corpus, `src-${f}.txt`));
    const threecx = readFileSync(path.join(sigbase, THREECX), 'utf8');
    for (const r of readRules(threecx)) {
      const c = craftFor(r);
      if (!c.name.endsWith('.regtrans-ms')) writeFileSync(path.join(corpus, c.name), c.content);
    }
    // The 3CX file uses `extension` in one rule; the CLI gets one value for all files, so it joins without that rule's file.
    const all = [...ruleFiles];
    const nsArgs = all.map((f) => `${f}:${path.join(sigbase, f)}`);
    const oracle = new Set(
      debianYara(['-w', '-e', ...nsArgs, corpus])
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const sp = l.indexOf(' ');
          return `${l.slice(0, sp)} ${path.basename(l.slice(sp + 1))}`;
        }),
    );
    const { packs, issues } = compileYaraRules(rulesFrom(all.map((f) => path.join(sigbase, f))));
    expect(issues).toEqual([]);
    const ours = new Set<string>();
    for (const f of readdirSync(corpus).sort()) {
      const buf = readFileSync(path.join(corpus, f));
      for (const p of packs)
        for (const m of p.rules.scan(buf, variablesFor(path.join(corpus, f), buf)))
          ours.add(`${p.namespaceOf.get(m.ruleIdentifier)}:${m.ruleIdentifier} ${f}`);
    }
    expect(oracle.size).toBeGreaterThan(10);
    expect([...ours].filter((x) => !oracle.has(x)).sort()).toEqual([]);
    expect([...oracle].filter((x) => !ours.has(x)).sort()).toEqual([]);
  });
});

describe('regression: a pattern shared by two rules', () => {
  // yara-x as bundled in @litko/yara-x-linux-x64-gnu 0.7.2 let the first rule's header constraint
  // (uint16(0) == 0x5a4d) prune the shared pattern for the second rule, so the 3CX MSI rule missed
  // MSIs (they share "3CX Ltd1" with the signed-binary rule). Debian yara and 0.3.0 match.
  it("both engines match the unconstrained rule on a file without the other rule's header", () => {
    const rf = path.join(tmp, 'shared.yar');
    writeFileSync(
      rf,
      'rule A { strings: $sa1 = "3CX Ltd1" condition: uint16(0) == 0x5a4d and all of ($sa*) }\nrule B { strings: $s1 = "3CX Ltd1" condition: $s1 in (filesize-20000..filesize) }\n',
    );
    const f = path.join(tmp, 'shared.bin');
    writeFileSync(
      f,
      Buffer.concat([Buffer.from([0xd0, 0xcf]), Buffer.alloc(32000), Buffer.from(' 3CX Ltd1 ')]),
    );
    expect(debianYara(['-w', rf, f]).trim().split(/\s+/)[0]).toBe('B');
    const { packs } = compileYaraRules(rulesFrom([rf]));
    expect(packs[0]!.rules.scan(readFileSync(f)).map((m) => m.ruleIdentifier)).toEqual(['B']);
  });
});

describe('through the runner', () => {
  it('one yara finding per (rule, file), path as walked, rule id namespace-qualified', async () => {
    const ev = path.join(tmp, 'evidence');
    mkdirSync(ev, { recursive: true });
    writeFileSync(path.join(ev, 'a.txt'), 'hello chainhunt-marker twice chainhunt-marker');
    writeFileSync(path.join(ev, 'b.txt'), 'nothing here');
    const rf = path.join(tmp, 'r', 'mine.yar');
    mkdirSync(path.dirname(rf), { recursive: true });
    writeFileSync(
      rf,
      'rule marker_rule { meta: score = 80 strings: $a = "chainhunt-marker" condition: $a }\n',
    );
    const out = await runScan({ paths: [ev], intelPaths: [rf], defaultIntel: false });
    const y = out.findings.filter((f) => f.kind === 'yara');
    expect(y).toHaveLength(1);
    expect(y[0]!.rule).toMatchObject({ id: 'mine.yar:marker_rule', title: 'marker_rule' });
    expect(y[0]!.subject).toMatchObject({ type: 'file', path: path.join(ev, 'a.txt') });
    expect(y[0]!.severity).toBe('high');
    expect((y[0]!.evidence[0]!.found as { strings: unknown[] }).strings).toEqual([
      { identifier: '$a', offset: 6, length: 16 },
      { identifier: '$a', offset: 29, length: 16 },
    ]);
  });
});

describe('on the read threads (decision 0010)', () => {
  const rf = path.join(tmp, 'threads', 'mark.yar');
  mkdirSync(path.dirname(rf), { recursive: true });
  writeFileSync(
    rf,
    'rule mark { strings: $a = "chainhunt-thread-mark" condition: $a }\n' +
      'rule named_true { condition: filename == "true" }\n',
  );
  const prepared = () =>
    yaraMatcher.prepare({ sources: [], advisories: [], indicators: [], rules: rulesFrom([rf]) })!;

  it("the hashing pool compiles on its threads and returns each file's scan with its digests", async () => {
    const pm = prepared();
    const f = path.join(tmp, 'threads', 'a.bin');
    const bytes = Buffer.from('xx chainhunt-thread-mark yy');
    writeFileSync(f, bytes);
    const pool = new HashPool(2, [{ id: yaraMatcher.id, spec: pm.threadScan! }]);
    try {
      const r = await pool.hash(f, 1 << 20, '/shown/a.bin');
      expect(r.digests).toEqual(digests(bytes));
      expect(r.content?.equals(bytes)).toBe(true);
      const scan = r.scans![yaraMatcher.id] as YaraScanResult;
      expect(scan).toEqual({
        issues: [],
        matches: [
          {
            rule: 'mark',
            namespace: 'mark.yar',
            meta: {},
            tags: [],
            strings: [{ identifier: '$a', offset: 3, length: 21 }],
            stringMatches: 1,
          },
        ],
      });
      // Bytes read elsewhere (archive members) are scanned on the same threads.
      expect(await pool.scanContent(bytes, '/x/a.bin')).toEqual({ [yaraMatcher.id]: scan });
      // matchContent builds findings from the thread's result (it does not scan the bytes again).
      const obs = fileObs('/shown/a.bin', bytes);
      const out = pm.matchContent!(obs, Buffer.alloc(0), scan);
      expect(out.findings.map((x) => x.rule!.id)).toEqual(['mark.yar:mark']);
    } finally {
      await pool.close();
    }
    expect(pm.issues).toEqual([]);
  });

  it('string values yara-x 0.3.0 would read as booleans or integers are scanned as "" with an issue', () => {
    expect(['true', 'FALSE', '1', '-42', '+7', '007'].every(misreadByBinding)).toBe(true);
    expect(['', 'x', '1.0', '.1', '1e5', '99999999999999999999', ' 1', 'truth'].some(misreadByBinding)).toBe(
      false,
    );
    const pm = prepared();
    const bytes = Buffer.from('chainhunt-thread-mark');
    const r = pm.matchContent!(fileObs('/bin/true', bytes), bytes);
    expect(r.findings.map((x) => x.rule!.title)).toEqual(['mark']); // scanned; filename == "true" cannot hold
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 'unsupported', file: '/bin/true' });
    expect(r.issues[0]!.message).toMatch(/filename.*"true"/);
  });

  it('a scan finds the same with and without read threads, archive members included; compile issues once', async () => {
    const root = path.join(tmp, 'threads', 'tree');
    mkdirSync(path.join(root, 'sub'), { recursive: true });
    for (let i = 0; i < 20; i++)
      writeFileSync(
        path.join(root, `f${i}.txt`),
        i % 7 === 0 ? `a chainhunt-thread-mark ${i}` : `plain ${i}`,
      );
    writeFileSync(path.join(root, 'sub', 'member.txt'), 'in a tar: chainhunt-thread-mark');
    execFileSync('tar', ['-cf', path.join(root, 'bundle.tar'), '-C', path.join(root, 'sub'), 'member.txt']);
    const bad = path.join(tmp, 'threads', 'bad.yar');
    writeFileSync(bad, 'rule broken { condition: nope_nope }\n');
    const run = async (hashThreads: number) => {
      const out = await runScan({ paths: [root], intelPaths: [rf, bad], defaultIntel: false, hashThreads });
      return {
        hits: out.findings
          .filter((f) => f.kind === 'yara')
          .map((f) => `${f.rule!.id} ${path.relative(root, f.subject.type === 'file' ? f.subject.path : '')}`)
          .sort(),
        issues: out.issues.filter((i) => i.pluginId === yaraMatcher.id).map((i) => `${i.code} ${i.file}`),
      };
    };
    const main = await run(0);
    expect(main.hits).toEqual([
      'mark.yar:mark bundle.tar!/member.txt',
      'mark.yar:mark f0.txt',
      'mark.yar:mark f14.txt',
      'mark.yar:mark f7.txt',
      'mark.yar:mark sub/member.txt',
    ]);
    expect(main.issues).toEqual([`parse-error ${bad}`]);
    expect(await run(2)).toEqual(main);
  });
});
