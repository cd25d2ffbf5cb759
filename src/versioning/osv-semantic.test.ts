/**
 * Every line of every shared `osv-semantic/*.txt` file (version orderings produced by the native
 * package managers, from osv-scalibr's semantic/testdata), in both directions, under every
 * ecosystem name that shared/data/SOURCES.md maps to the file. No line is skipped.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../test/fixtures.js';
import { compareVersions } from './index.js';

interface Case {
  line: number;
  a: string;
  op: '<' | '>' | '=';
  b: string;
}

/** The file → ecosystem-names table of the osv-semantic section of SOURCES.md. */
function sourcesTable(): [RegExp, string[]][] {
  const text = readFileSync(sharedData('SOURCES.md'), 'utf8');
  const section = text.slice(
    text.indexOf('## osv-semantic/'),
    text.indexOf('\n## ', text.indexOf('## osv-semantic/') + 5),
  );
  const rows: [RegExp, string[]][] = [];
  for (const line of section.split('\n')) {
    const m = /^\| `([^`]+\.txt)` \| (.+?) \|$/.exec(line.trim());
    if (!m) continue;
    const glob = new RegExp('^' + m[1]!.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*') + '$');
    const names = m[2]!.split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
    rows.push([glob, names]);
  }
  return rows;
}

function readCases(file: string): Case[] {
  const cases: Case[] = [];
  const lines = readFileSync(file, 'utf8').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.replace(/\r$/, '');
    if (line === '' || line.startsWith('# ') || line.startsWith('// ')) return;
    const parts = line.split(' ');
    if (parts.length !== 3)
      throw new Error(`${path.basename(file)}:${i + 1}: expected "A op B", got ${JSON.stringify(line)}`);
    const [a, op, b] = parts as [string, string, string];
    if (op !== '<' && op !== '>' && op !== '=')
      throw new Error(`${path.basename(file)}:${i + 1}: bad op ${op}`);
    cases.push({ line: i + 1, a, op, b });
  });
  return cases;
}

const REVERSED = { '<': '>', '>': '<', '=': '=' } as const;

function sign(n: number): '<' | '>' | '=' {
  return n < 0 ? '<' : n > 0 ? '>' : '=';
}

const dir = sharedData('osv-semantic');
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.txt'))
  .sort();
const table = sourcesTable();

describe('osv-semantic shared orderings', () => {
  it('finds the SOURCES.md table and a mapping for every file', () => {
    expect(table.length).toBeGreaterThanOrEqual(12);
    for (const f of files)
      expect(
        table.some(([g]) => g.test(f)),
        f,
      ).toBe(true);
  });

  for (const file of files) {
    const ecosystems = table.filter(([g]) => g.test(file)).flatMap(([, names]) => names);
    for (const eco of ecosystems) {
      it(`${file} as ${eco}: every line in both directions`, () => {
        const cases = readCases(path.join(dir, file));
        expect(cases.length).toBeGreaterThan(0);
        const failures: string[] = [];
        let checked = 0;
        for (const c of cases) {
          for (const [x, op, y] of [
            [c.a, c.op, c.b],
            [c.b, REVERSED[c.op], c.a],
          ] as const) {
            let got: string;
            try {
              got = sign(compareVersions(eco, x, y));
            } catch (e) {
              got = `threw ${(e as Error).message}`;
            }
            checked++;
            if (got !== op) failures.push(`${file}:${c.line}: ${x} ${op} ${y} (got ${got})`);
          }
        }
        expect(failures.slice(0, 25)).toEqual([]);
        expect(failures.length).toBe(0);
        expect(checked).toBe(cases.length * 2);
      });
    }
  }
});
