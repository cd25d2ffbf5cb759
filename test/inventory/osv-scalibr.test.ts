/**
 * Acceptance: every non-JavaScript fixture in ../shared/data/lockfiles/osv-scalibr is parsed by its
 * collector without an exception; deliberately broken fixtures yield a clear issue (with the file,
 * a line and a message naming the problem); valid ones yield no parse-level issues. Package names
 * and versions per format are asserted in each collector's own parse.test.ts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../fixtures.js';
import type { CollectorResult } from '../../src/core/plugin.js';
import { parseCargoLock } from '../../src/collectors/cargo-lock/parse.js';
import { parseComposerLock } from '../../src/collectors/composer-lock/parse.js';
import { parseGemfileLock } from '../../src/collectors/gemfile-lock/parse.js';
import { goModCollector } from '../../src/collectors/go-mod/index.js';
import { parseGoMod } from '../../src/collectors/go-mod/parse.js';
import { parseGradleLockfile } from '../../src/collectors/gradle-lockfile/parse.js';
import { parseNugetPackagesLock } from '../../src/collectors/nuget-packages-lock/parse.js';
import { parsePdmLock } from '../../src/collectors/pdm-lock/parse.js';
import { parsePipfileLock } from '../../src/collectors/pipfile-lock/parse.js';
import { parsePoetryLock } from '../../src/collectors/poetry-lock/parse.js';
import { parsePylockToml } from '../../src/collectors/pylock-toml/parse.js';
import { parseRequirementsTxt } from '../../src/collectors/requirements-txt/parse.js';
import { parseUvLock } from '../../src/collectors/uv-lock/parse.js';

type Parse = (content: Uint8Array, file: string) => CollectorResult;

const EXTRACTORS: Record<string, Parse> = {
  'python/poetrylock': parsePoetryLock,
  'python/requirements': parseRequirementsTxt,
  'python/pipfilelock': parsePipfileLock,
  'python/uvlock': parseUvLock,
  'python/pdmlock': parsePdmLock,
  'python/pylock': parsePylockToml,
  'golang/gomod': parseGoMod,
  'rust/cargolock': parseCargoLock,
  'ruby/gemfilelock': parseGemfileLock,
  'php/composerlock': parseComposerLock,
  'dotnet/packageslockjson': parseNugetPackagesLock,
  'java/gradlelockfile': parseGradleLockfile,
};

/** Deliberately broken fixtures (by reading them) and the issue code each must raise. */
const BROKEN: Record<string, string> = {
  'python/poetrylock/testdata/empty-file.lock': 'empty',
  'python/poetrylock/testdata/not-toml.txt': 'parse-error',
  'python/uvlock/testdata/empty.lock': 'empty',
  'python/uvlock/testdata/not-toml.txt': 'parse-error',
  'python/pdmlock/testdata/empty-file.toml': 'empty',
  'python/pdmlock/testdata/not-toml.txt': 'parse-error',
  'python/pylock/testdata/empty.toml': 'empty',
  'python/pylock/testdata/not-toml.txt': 'parse-error',
  'python/requirements/testdata/invalid.txt': 'parse-error',
  'golang/gomod/testdata/empty.mod': 'empty',
  'golang/gomod/testdata/not-go-mod.mod': 'parse-error',
  'golang/gomod/testdata/indirect-1.16.sum': 'parse-error', // a go.sum, not a go.mod
  'rust/cargolock/testdata/not-toml.txt': 'parse-error',
  'ruby/gemfilelock/testdata/invalid.lock': 'parse-error',
  'php/composerlock/testdata/not-json.txt': 'parse-error',
  'dotnet/packageslockjson/testdata/invalid/invalid': 'parse-error',
  'java/gradlelockfile/testdata/with-bad-pkg': 'parse-error',
};

/** Valid files that lock nothing (read by hand: no package entries in them). */
const VALID_EMPTY = new Set([
  'python/pipfilelock/testdata/empty.json',
  'python/pipfilelock/testdata/no-version.json', // two git entries without versions: reported as unsupported
  'python/uvlock/testdata/no-dependencies.lock', // only the project itself
  'python/uvlock/testdata/no-packages.lock',
  'python/pdmlock/testdata/empty.toml',
  'python/requirements/testdata/loop.txt', // only a -r include
  'python/requirements/testdata/no_version.txt', // unpinned names only: reported
  'rust/cargolock/testdata/empty.lock',
  'ruby/gemfilelock/testdata/no-gem-section.lock',
  'ruby/gemfilelock/testdata/no-spec-section.lock',
  'php/composerlock/testdata/empty.json',
  'java/gradlelockfile/testdata/only-comments',
]);

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('osv-scalibr fixtures (non-JavaScript)', () => {
  const base = sharedData('lockfiles', 'osv-scalibr');
  const all: { rel: string; parse: Parse }[] = [];
  for (const [dir, parse] of Object.entries(EXTRACTORS)) {
    for (const f of walk(path.join(base, dir)))
      all.push({ rel: path.relative(base, f).split(path.sep).join('/'), parse });
  }

  it('finds every extractor folder and all its fixtures', () => {
    expect(Object.keys(EXTRACTORS).length).toBe(12);
    expect(all.length).toBeGreaterThanOrEqual(85);
    for (const k of [...Object.keys(BROKEN), ...VALID_EMPTY])
      expect(
        all.some((a) => a.rel === k),
        k,
      ).toBe(true);
  });

  it('every fixture parses; broken ones raise the expected clear issue; valid ones have packages or are known-empty', () => {
    const summary: string[] = [];
    for (const { rel, parse } of all) {
      const r = parse(readFileSync(path.join(base, rel)), rel);
      for (const i of r.issues) {
        expect(i.file, rel).toBe(rel);
        expect(i.message.length, rel).toBeGreaterThan(5);
        if (i.code !== 'empty') expect(i.line, `${rel}: ${i.message}`).toBeGreaterThan(0);
      }
      const want = BROKEN[rel];
      if (want !== undefined) {
        expect(
          r.issues.map((i) => i.code),
          rel,
        ).toContain(want);
      } else {
        expect(
          r.issues.filter((i) => i.code === 'parse-error' || i.code === 'encoding' || i.code === 'empty'),
          rel,
        ).toEqual(
          // requirements files hold some malformed lines on purpose (per-line errors, file still read)
          rel.includes('requirements/') ? r.issues.filter((i) => i.code === 'parse-error') : [],
        );
        if (VALID_EMPTY.has(rel)) expect(r.observations, rel).toEqual([]);
        else expect(r.observations.length, rel).toBeGreaterThan(0);
      }
      summary.push(`${rel}: ${r.observations.length} packages, ${r.issues.length} issues`);
    }
    expect(summary.length).toBe(all.length);
  });

  it('a go.sum is not claimed by the go.mod collector', () => {
    expect(goModCollector.matches(fileRef('m/indirect-1.16.sum'))).toBe(false);
  });
});
