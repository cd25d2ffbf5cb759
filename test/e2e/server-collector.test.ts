/**
 * The endpoint collector uploads to the server for real: collect-unix.sh over a fake macOS root
 * with 3CX 18.12.416 posts its bundle with an upload token and the case opens; after the "update"
 * to 18.12.422 the next collection verifies it clean.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repoRoot } from '../fixtures.js';
import { admin, Api, startServer, tempDataDir, type RunningServer } from '../server.js';

const script = path.join(repoRoot, 'collectors', 'collect-unix.sh');
const plist = (v: string): string => `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict>
  <key>CFBundleName</key><string>3CX Desktop App</string>
  <key>CFBundleIdentifier</key><string>com.electron.3cx-desktop-app</string>
  <key>CFBundleShortVersionString</key><string>${v}</string>
  <key>CFBundleVersion</key><string>${v}</string>
</dict></plist>
`;

describe('collect-unix.sh → chainhunt serve', () => {
  let server: RunningServer;
  let op: Api;
  let tmp: string;
  let tokenFile: string;

  beforeAll(async () => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'chainhunt-collect-'));
    const data = tempDataDir();
    admin(data, ['tenant-create', 'acme']);
    admin(data, [
      'user-create',
      'viewer1',
      '--password',
      'viewer-password-1',
      '--tenant',
      'acme',
      '--role',
      'viewer',
    ]);
    admin(data, ['intel-import', path.join(repoRoot, 'intel', '3cx', '3cx.chainhunt.json')]);
    const token = admin<{ token: string }>(data, [
      'token-create',
      '--tenant',
      'acme',
      '--purpose',
      'upload',
      '--name',
      'macs',
    ]).token;
    tokenFile = path.join(tmp, 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    server = await startServer(data);
    op = new Api(server.url);
    expect(await op.login('viewer1', 'viewer-password-1')).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
  });

  const collect = (version: string, n: number): void => {
    const root = path.join(tmp, `root-${n}`);
    const app = path.join(root, 'Applications', '3CX Desktop App.app', 'Contents');
    mkdirSync(app, { recursive: true });
    writeFileSync(path.join(app, 'Info.plist'), plist(version));
    const r = spawnSync(
      'sh',
      [
        script,
        '--out',
        path.join(tmp, `bundle-${n}`),
        '--root',
        root,
        '--os',
        'macos',
        '--host-id',
        'mac-07',
        '--upload',
        `${server.url}/api/v1/tenants/acme/bundles`,
        '--token-file',
        tokenFile,
      ],
      { encoding: 'utf8' },
    );
    expect(r.status, r.stderr).toBe(0);
  };

  it('opens the case from the first collection and verifies it clean from the one after the update', async () => {
    collect('18.12.416', 1);
    await op.settle('acme');
    const key = encodeURIComponent('advisory:CVE-2023-29059');
    const first = await op.get<{ items: { host: string; state: string }[] }>(
      `/api/v1/tenants/acme/cases?key=${key}`,
    );
    expect(first.body.items).toEqual([expect.objectContaining({ host: 'mac-07', state: 'open' })]);
    // collectedAt has one-second resolution: make sure the next bundle is later.
    await new Promise((r) => setTimeout(r, 1100));
    collect('18.12.422', 2);
    await op.settle('acme');
    const after = await op.get<{ items: { host: string; state: string }[] }>(
      `/api/v1/tenants/acme/cases?key=${key}`,
    );
    expect(after.body.items).toEqual([expect.objectContaining({ host: 'mac-07', state: 'verified_clean' })]);
    // The viewer could read all of it and can change nothing.
    const id =
      (await op.get<{ items: { id: string }[] }>(`/api/v1/tenants/acme/cases`)).body.items[0]?.id ?? '';
    expect(
      (await op.post(`/api/v1/tenants/acme/cases/${id}/transition`, { to: 'open', reason: 'x' })).status,
    ).toBe(403);
  });
});
