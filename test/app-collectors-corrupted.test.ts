/**
 * Acceptance for the installed-application formats: every corrupted fixture (truncated, wrong
 * encoding, binary garbage, empty) of every app collector, scanned through the real pipeline
 * with the full collector registry, is claimed and listed as at least one issue; the scan
 * completes.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectors } from '../src/collectors/index.js';
import { runScan } from '../src/scan/runner.js';
import { repoRoot } from './fixtures.js';

const APP_COLLECTORS = [
  'windows-reg',
  'windows-uninstall-json',
  'osquery-programs',
  'osquery-apps',
  'macos-info-plist',
  'dpkg-status',
  'rpm-qa',
];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('corrupted application evidence through the scan pipeline', () => {
  for (const id of APP_COLLECTORS) {
    it(`${id}: each corrupted file is listed as an issue`, async () => {
      const dir = path.join(repoRoot, 'src', 'collectors', id, '__fixtures__', 'corrupted');
      const files = walk(dir);
      expect(files.length).toBeGreaterThanOrEqual(4);
      const out = await runScan({
        paths: [dir],
        collectors,
        match: false,
        defaultIntel: false,
        keepObservations: true,
      });
      for (const f of files) {
        const rel = path.relative(dir, f).split(path.sep).join('/');
        const mine = out.issues.filter((i) => (i.file ?? '').replace(/\\/g, '/').endsWith(rel));
        expect(mine.length, `no issue for ${id}/${rel}`).toBeGreaterThan(0);
      }
      // Only a truncated file may still yield the complete records before its cut.
      for (const o of out.observations)
        if (o.kind === 'app' || o.kind === 'package') expect(o.source.file).toMatch(/truncated/);
    });
  }
});
