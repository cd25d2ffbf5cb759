import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCase, ourSet, snykCases } from '../../../test/npm-snyk.js';
import type { KnownDiff } from '../../../test/npm-snyk.js';
import { parseYarnLock } from './parse.js';

// Deliberate differences, each listed with the same reason in readme.md: all are packages that
// are not in the yarn.lock at all (out-of-sync fixtures), which upstream invents from package.json.
const NOT_IN_LOCK =
  'not in yarn.lock (out-of-sync fixture): never installed from this lockfile; upstream invents it from the package.json range or resolutions';
const KNOWN: Record<string, Record<string, KnownDiff>> = {
  'yarn-lock-v1': {
    'real/file-as-version-no-lock-entry/expected.json': {
      missing: ['shared@file:./some-file'],
      reason: NOT_IN_LOCK,
    },
    'real/out-of-sync-workspaces/file-as-version-no-lock-entry/expected.json': {
      missing: ['shared@file:./some-file'],
      reason: NOT_IN_LOCK,
    },
    'real/out-of-sync-workspaces/top-level-out-of-sync/expected.json': {
      missing: ['body-parser@^1.18.2', 'lodash@4.17.11'],
      reason: NOT_IN_LOCK,
    },
    'real/simple-out-of-sync/missing-non-top-level-deps/expected.json': {
      missing: ['ms@0.6.2'],
      reason: NOT_IN_LOCK,
    },
    'real/simple-out-of-sync/missing-non-top-level-dev-deps/expected.json': {
      missing: ['ms@2.0.0'],
      reason: NOT_IN_LOCK,
    },
    'real/simple-out-of-sync/missing-top-level-deps/expected.json': {
      missing: ['body-parser@^1.18.2', 'lodash@4.17.11'],
      reason: NOT_IN_LOCK,
    },
    'real/simple-out-of-sync/missing-top-level-dev-deps/expected.json': {
      missing: ['adm-zip@0.4.7'],
      reason: NOT_IN_LOCK,
    },
  },
  'yarn-lock-v3': {
    'real/out-of-sync-resolutions/expected.json': { missing: ['ms@1.0.0'], reason: NOT_IN_LOCK },
  },
  'yarn-lock-v4': {
    'real/out-of-sync-resolutions/expected.json': { missing: ['ms@1.0.0'], reason: NOT_IN_LOCK },
  },
};

for (const type of ['yarn-lock-v1', 'yarn-lock-v2', 'yarn-lock-v3', 'yarn-lock-v4']) {
  describe(`yarn-lock ${type} vs snyk-nodejs-lockfile-parser expected DepGraphs`, () => {
    const cases = snykCases(type, 'yarn.lock', 'infer');
    it('finds the cases', () => {
      expect(cases.length).toBeGreaterThanOrEqual(5);
    });
    it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
      const text = readFileSync(c.lockfile);
      const m = c.manifest as { workspaces?: unknown } | undefined;
      // Yarn 1 workspaces: yarn.lock has no projects and the root manifest has no dependencies,
      // so the graph is compared unscoped (every package in the file).
      const v1Workspaces = type === 'yarn-lock-v1' && m?.workspaces !== undefined;
      const res = parseYarnLock(
        text,
        c.lockfile,
        v1Workspaces ? {} : { scope: c.scope, manifest: c.manifest },
      );
      expect(res.issues).toEqual([]);
      const r = checkCase(c, ourSet(res, c.includeDev), KNOWN[type] ?? {});
      expect(r.ok, r.detail).toBe(true);
    });
  });
}
