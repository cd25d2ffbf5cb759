import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { checkCase, ourSet, snykCases } from '../../../test/npm-snyk.js';
import type { KnownDiff, SnykCase } from '../../../test/npm-snyk.js';
import { parsePnpmLock } from './parse.js';

// Deliberate differences, each listed with the same reason in readme.md. Besides these, upstream
// lists workspace projects themselves as packages (`@test/react@1.0.0`, or `@undefined`); we do
// not (they are the project's own code), which the test checks per case below.
const KNOWN: Record<
  string,
  Record<string, KnownDiff & { extraCount?: number; extraIncludes?: string[]; oursExactly?: string[] }>
> = {
  'pnpm-lock-v5': {
    'git-protocol-peer-deps/expected.json': {
      extraCount: 211,
      extraIncludes: ['snyk-nodejs-plugin@0.0.0', '@snyk/dep-graph@2.9.0'],
      reason:
        'the git dependency `@snyk/snyk-nodejs-plugin` (lockfile name `snyk-nodejs-plugin`, codeload tarball) and its 210 dependencies are installed; upstream drops that subtree',
    },
  },
  'pnpm-lock-v6': {
    'deeply-nested-packages/expected.json': {
      oursExactly: ['npm@6.14.17'],
      reason:
        "npm's bundledDependencies have no versions in pnpm-lock.yaml (names only); upstream fills them in from elsewhere",
    },
  },
  'pnpm-lock-v9': {
    'git-protocol-peer-deps/expected.json': {
      extra: ['fsevents@2.3.3'],
      reason:
        'optional, platform-specific dependency (`optional: true`); we report it flagged optional, upstream leaves it out',
    },
  },
};

/** Names of the workspace projects (importers) of a pnpm lockfile, read from their package.json. */
function workspaceNames(lockfile: string): Set<string> {
  const doc = parseYaml(readFileSync(lockfile, 'utf8')) as { importers?: Record<string, unknown> };
  const out = new Set<string>();
  for (const p of Object.keys(doc.importers ?? {})) {
    const pj = path.join(path.dirname(lockfile), p, 'package.json');
    if (existsSync(pj)) {
      const name = (JSON.parse(readFileSync(pj, 'utf8')) as { name?: string }).name;
      if (name) out.add(name);
    }
  }
  return out;
}

function withoutProjects(c: SnykCase): SnykCase {
  const names = workspaceNames(c.lockfile);
  const expected = new Set([...c.expected].filter((id) => !names.has(id.slice(0, id.indexOf('@', 1)))));
  return { ...c, expected };
}

for (const type of ['pnpm-lock-v5', 'pnpm-lock-v6', 'pnpm-lock-v9']) {
  describe(`pnpm-lock ${type} vs snyk-nodejs-lockfile-parser expected DepGraphs`, () => {
    const cases = snykCases(type, 'pnpm-lock.yaml', 'infer');
    it('finds the cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(15);
    });
    it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const res = parsePnpmLock(readFileSync(c.lockfile), c.lockfile, { scope: c.scope });
      expect(res.issues).toEqual([]);
      const r = checkCase(withoutProjects(c), ourSet(res, c.includeDev), KNOWN[type] ?? {});
      expect(r.ok, r.detail).toBe(true);
    });
    it('has workspace cases where upstream lists the projects themselves', () => {
      expect(
        cases.filter((c) => withoutProjects(c).expected.size !== c.expected.size).length,
      ).toBeGreaterThan(0);
    });
  });
}
