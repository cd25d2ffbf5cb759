/**
 * The shipped 3CX pack, run through the vendor-app and file-hash matchers: the acceptance table of
 * the foundation issue (which versions on which platform are affected, and what is never matched).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../test/fixtures.js';
import type { AppObservation, FileObservation } from '../../core/observation.js';
import type { Platform } from '../../core/host.js';
import { fileHashMatcher } from '../../matchers/file-hash/index.js';
import { vendorAppMatcher } from '../../matchers/vendor-app/index.js';
import { digests } from '../../util/hash.js';
import { parsePack } from './parse.js';

const pack = (rel: string) =>
  parsePack(readFileSync(path.join(repoRoot, rel)), { file: rel, pluginId: 'intel/chainhunt-pack' }).intel;
const intel = pack('intel/3cx/3cx.chainhunt.json');
const prepared = vendorAppMatcher.prepare(intel)!;

function app(
  name: string,
  version: string,
  platform: Platform,
  extra: Partial<AppObservation> = {},
): AppObservation {
  return {
    kind: 'app',
    name,
    version,
    platform,
    scope: 'user',
    host: 'h',
    collectorId: 'test',
    source: { file: 'x' },
    ...extra,
  };
}

describe('3CX pack × matchers/vendor-app', () => {
  it.each([
    ['3CX Desktop App', '18.12.407', 'windows'],
    ['3CX Desktop App', '18.12.416', 'windows'],
    ['3CXDesktopApp', '18.12.416.0', 'windows'],
    ['3CX Desktop App', '18.11.1213', 'macos'],
    ['3CX Desktop App', '18.12.402', 'macos'],
    ['3CX DesktopApp', '18.12.407', 'macos'],
    ['3CX Desktop App', '18.12.416', 'macos'],
  ] as const)('%s %s on %s → critical CVE-2023-29059 with fix and remediation', (name, version, platform) => {
    const f = prepared.match(app(name, version, platform));
    expect(f).toHaveLength(1);
    expect(f[0]).toMatchObject({
      severity: 'critical',
      advisory: { id: 'CVE-2023-29059' },
      fixedVersions: ['18.12.422'],
    });
    expect(f[0]!.remediation).toMatch(/18\.12\.422 or later/);
  });

  it.each([
    ['3CX Desktop App', '18.12.422', 'windows'],
    ['3CX Desktop App', '18.12.425', 'windows'],
    ['3CX Desktop App', '18.11.1213', 'windows'],
    ['3CX Desktop App', '18.12.422', 'macos'],
    ['3CX Desktop App', '18.10.461', 'macos'],
    ['3CX Phone System', '18.12.416', 'windows'],
    ['3CX Phone System', '18.0.7.312', 'linux'],
    ['3CX Phone System Management Console', '18.12.416', 'windows'],
    ['3CXPhone for Windows', '16.3.0.292', 'windows'],
    ['3CX Desktop App', '18.12.416', 'linux'],
  ] as const)('%s %s on %s → no finding', (name, version, platform) => {
    expect(prepared.match(app(name, version, platform))).toEqual([]);
  });

  it('recognises the macOS bundle id whatever the display name', () => {
    const f = prepared.match(app('3CX', '18.12.402', 'macos', { bundleId: 'com.electron.3cx-desktop-app' }));
    expect(f[0]?.evidence[0]?.searchedBy).toMatchObject({ matchedBy: 'bundle-id' });
  });
});

describe('demo pack × matchers/file-hash', () => {
  it('the harmless demo file matches the TEST indicator, naming its source', () => {
    const rel =
      'demo/fleet/win-finance-01/files/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll.TEST-SAMPLE.txt';
    const content = readFileSync(path.join(repoRoot, rel));
    const file: FileObservation = {
      kind: 'file',
      path: rel,
      name: 'ffmpeg.dll.TEST-SAMPLE.txt',
      size: content.length,
      ...digests(content),
      host: 'win-finance-01',
      collectorId: 'test',
      source: { file: rel },
    };
    const m = fileHashMatcher.prepare(pack('demo/intel/demo-test-indicators.chainhunt.json'));
    const f = m!.match(file);
    expect(f).toHaveLength(1);
    expect(f[0]!.indicator).toMatchObject({ type: 'sha256', source: 'chainhunt-demo' });
    // …and the real 3CX pack does not flag it.
    expect(fileHashMatcher.prepare(intel)!.match(file)).toEqual([]);
  });
});
