import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkCase, ourSet, snykCases } from '../../../test/npm-snyk.js';
import type { KnownDiff } from '../../../test/npm-snyk.js';
import { parseNpmLock } from './parse.js';

// Deliberate differences, each listed with the same reason in readme.md.
const LOCK_TRUTH =
  'the lockfile installs it (reachable from the root through npm node_modules resolution); upstream re-resolves the graph itself (overrides, dedupe) and drops it';
const KNOWN: Record<string, KnownDiff> = {
  'deep-override/expected.json': {
    extra: [
      'call-bind@1.0.5',
      'define-data-property@1.1.1',
      'function-bind@1.1.2',
      'get-intrinsic@1.2.2',
      'gopd@1.0.1',
      'has-property-descriptors@1.0.1',
      'has-proto@1.0.1',
      'has-symbols@1.0.3',
      'hasown@2.0.0',
      'object-inspect@1.13.1',
      'qs@6.11.2',
      'safe-buffer@5.2.1',
      'set-function-length@1.1.1',
      'side-channel@1.0.4',
      'string_decoder@1.3.0',
    ],
    reason: LOCK_TRUTH,
  },
  'deeply-nested-packages/expected.json': {
    extra: ['ansi-regex@4.1.0', 'p-limit@2.3.0'],
    reason: LOCK_TRUTH,
  },
  'simple-override/expected.json': {
    extra: ['safe-buffer@5.2.1', 'string_decoder@1.3.0'],
    reason: LOCK_TRUTH,
  },
  'override-with-dep/expected.json': {
    extra: ['typescript@5.3.2'],
    reason:
      'installed peer dependency (`peer: true`); npm 7+ installs peers, upstream does not follow peer edges',
  },
  'local-pkg-without-workspaces/expected.json': {
    missing: ['@scope/my-local-pkg@'],
    reason:
      'local folder (link target) is project code, not a package; upstream reports it with an empty version',
  },
  'missing-optional-dep-minimal/expected.json': {
    missing: [
      '@parcel/watcher-darwin-arm64@2.5.1',
      '@parcel/watcher-darwin-x64@2.5.1',
      '@parcel/watcher-linux-x64-glibc@2.5.1',
    ],
    reason:
      'optional dependencies absent from the lockfile were not installed; upstream invents them from the declared range',
  },
  'transitive-resolves-to-alias/expected.json': {
    missing: ['@scoped/shared-dep@', 'shared-dep@'],
    extra: ['@scoped/shared-dep@1.0.0'],
    reason:
      'the link `node_modules/shared-dep` points at `@scoped/shared-dep` 1.0.0; upstream loses the version',
  },
  'workspaces/packages/b/expected.json': {
    missing: ['a@1.0.0'],
    reason: 'workspace member `a` is project code, not a package',
  },
  'workspaces-glob-a/packages/b/expected.json': {
    missing: ['a@1.0.0'],
    reason: 'workspace member `a` is project code, not a package',
  },
  'workspaces-glob-b/packages/b/expected.json': {
    missing: ['a@1.0.0'],
    reason: 'workspace member `a` is project code, not a package',
  },
  'workspaces-packages/packages/b/expected.json': {
    missing: ['a@1.0.0'],
    reason: 'workspace member `a` is project code, not a package',
  },
};

describe('npm-lock vs snyk-nodejs-lockfile-parser expected DepGraphs', () => {
  // SOURCES.md: upstream's npm-lock-v2 expected.json were made with includeDevDeps:false.
  const cases = snykCases('npm-lock-v2', 'package-lock.json', false);
  it('finds the cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(19);
  });
  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const res = parseNpmLock(readFileSync(c.lockfile), c.lockfile, { scope: c.scope });
    expect(res.issues).toEqual([]);
    const r = checkCase(c, ourSet(res, c.includeDev), KNOWN);
    expect(r.ok, r.detail).toBe(true);
  });
  it('every listed difference belongs to a case', () => {
    const ids = new Set(cases.map((c) => c.id));
    for (const k of Object.keys(KNOWN)) expect(ids.has(k), k).toBe(true);
  });
});
