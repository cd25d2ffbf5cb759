/** collectors/collect-unix.sh run for real over a fake root, then scanned with the built CLI. */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runJson } from '../cli.js';
import { repoRoot } from '../fixtures.js';
import { validatorFor } from '../schema.js';

const script = path.join(repoRoot, 'collectors', 'collect-unix.sh');
const hasDash = spawnSync('dash', ['-c', 'exit 0']).status === 0;

const plist = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleName</key>
  <string>3CX Desktop App</string>
  <key>CFBundleIdentifier</key>
  <string>com.electron.3cx-desktop-app</string>
  <key>CFBundleShortVersionString</key>
  <string>18.12.416</string>
  <key>CFBundleVersion</key>
  <string>18.12.416</string>
</dict>
</plist>
`;

const dpkgStatus = `Package: curl
Status: install ok installed
Priority: optional
Section: web
Installed-Size: 500
Maintainer: Debian Curl Maintainers <team+curl@tracker.debian.org>
Architecture: amd64
Version: 7.88.1-10+deb12u5
Description: command line tool for transferring data with URL syntax
`;

const packageLock = JSON.stringify(
  {
    name: 'my-app',
    version: '1.0.0',
    lockfileVersion: 3,
    requires: true,
    packages: {
      '': { name: 'my-app', version: '1.0.0', dependencies: { 'left-pad': '1.3.0' } },
      'node_modules/left-pad': {
        version: '1.3.0',
        resolved: 'https://registry.npmjs.org/left-pad/-/left-pad-1.3.0.tgz',
        integrity:
          'sha512-XI5MPzVNApjAyhQzphX8BkmKsKUxD4LdyK24iZeQuvFkbRL8M0bWGAGKvUoA35ckPTNJdLJlDi8kVdxe6L7wYQ==',
      },
    },
  },
  null,
  2,
);

interface Finding {
  host: string;
  tenant?: string;
  severity: string;
  advisory?: { id: string };
  subject: { type: string; name?: string; version?: string; platform?: string };
}
interface Report {
  hosts: { id: string; os?: string; tenant?: string }[];
  findings: Finding[];
  issues: unknown[];
}

let tmp: string;
let root: string;

function collect(args: string[], shell = 'sh'): SpawnSyncReturns<string> {
  return spawnSync(shell, [script, ...args], { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' } });
}

function baseArgs(out: string): string[] {
  return [
    '--root',
    root,
    '--out',
    out,
    '--host-id',
    'mac-test',
    '--tenant',
    'acme',
    '--os',
    'macos',
    '--lockfile-root',
    '/Users/dev/my project',
  ];
}

function expect3cx(doc: Report): void {
  expect(doc.hosts.map((h) => h.id)).toEqual(['mac-test']);
  expect(doc.hosts[0]).toMatchObject({ os: 'macos', tenant: 'acme' });
  const hits = doc.findings.filter((f) => f.advisory?.id === 'CVE-2023-29059');
  expect(hits).toHaveLength(1);
  expect(hits[0]).toMatchObject({
    host: 'mac-test',
    tenant: 'acme',
    severity: 'critical',
    subject: { type: 'app', name: '3CX Desktop App', version: '18.12.416', platform: 'macos' },
  });
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-collect-'));
  root = path.join(tmp, 'root');
  const app = path.join(root, 'Applications', '3CX Desktop App.app', 'Contents');
  mkdirSync(app, { recursive: true });
  writeFileSync(path.join(app, 'Info.plist'), plist);
  mkdirSync(path.join(root, 'var', 'lib', 'dpkg'), { recursive: true });
  writeFileSync(path.join(root, 'var', 'lib', 'dpkg', 'status'), dpkgStatus);
  const project = path.join(root, 'Users', 'dev', 'my project');
  mkdirSync(path.join(project, 'node_modules', 'x'), { recursive: true });
  writeFileSync(path.join(project, 'package-lock.json'), packageLock);
  writeFileSync(path.join(project, 'node_modules', 'x', 'package-lock.json'), packageLock);
  mkdirSync(path.join(root, 'var', 'log'), { recursive: true });
  writeFileSync(path.join(root, 'var', 'log', 'syslog'), 'Mar 29 08:00:00 host kernel: hello\n');
  writeFileSync(path.join(root, 'var', 'log', 'auth.log.1'), 'x'.repeat(4096));
});

afterAll(() => {
  rmSync(tmp, { recursive: true, force: true });
});

describe('collect-unix.sh', () => {
  it('passes sh -n (and dash -n when dash is installed)', () => {
    expect(spawnSync('sh', ['-n', script]).status).toBe(0);
    if (hasDash) expect(spawnSync('dash', ['-n', script]).status).toBe(0);
  });

  it('writes the bundle layout and manifest, and the scan finds CVE-2023-29059 for mac-test', () => {
    const out = path.join(tmp, 'bundle');
    const r = collect(baseArgs(out));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(out);

    const manifest = JSON.parse(readFileSync(path.join(out, 'chainhunt-host.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({
      schema: 'chainhunt-host/1',
      hostId: 'mac-test',
      os: 'macos',
      tenant: 'acme',
    });
    expect(manifest.collectedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(validatorFor('schemas/host-manifest.schema.json')(manifest)).toEqual([]);

    expect(
      readFileSync(path.join(out, 'Applications', '3CX Desktop App.app', 'Contents', 'Info.plist'), 'utf8'),
    ).toBe(plist);
    expect(readFileSync(path.join(out, 'var', 'lib', 'dpkg', 'status'), 'utf8')).toBe(dpkgStatus);
    const lockDir = path.join(out, 'lockfiles', 'Users', 'dev', 'my project');
    expect(readFileSync(path.join(lockDir, 'package-lock.json'), 'utf8')).toBe(packageLock);
    expect(existsSync(path.join(lockDir, 'node_modules'))).toBe(false);
    expect(existsSync(path.join(out, 'logs'))).toBe(false); // no --logs
    expect(existsSync(`${out}.tar.gz`)).toBe(false); // no --archive

    const { code, doc } = runJson<Report>(['scan', out, '--format', 'json']);
    expect(code).toBe(0);
    expect(doc.issues).toEqual([]);
    expect3cx(doc);
  });

  it('--archive writes DIR.tar.gz that the scan reads the same way', () => {
    const out = path.join(tmp, 'archived');
    const r = collect([...baseArgs(out), '--archive']);
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toBe(`${out}.tar.gz`);
    expect(existsSync(`${out}.tar.gz`)).toBe(true);
    const { code, doc } = runJson<Report>(['scan', `${out}.tar.gz`, '--format', 'json']);
    expect(code).toBe(0);
    expect(doc.issues).toEqual([]);
    expect3cx(doc);
  });

  it('--logs copies syslog and auth.log within --max-file-size', () => {
    const out = path.join(tmp, 'logs');
    const r = collect([...baseArgs(out), '--logs', '--max-file-size', '1000']);
    expect(r.status).toBe(0);
    expect(existsSync(path.join(out, 'logs', 'var', 'log', 'syslog'))).toBe(true);
    expect(existsSync(path.join(out, 'logs', 'var', 'log', 'auth.log.1'))).toBe(false);
    expect(r.stderr).toContain('skipped (larger than 1000 bytes)');
  });

  it.runIf(hasDash)('runs under dash with the same result', () => {
    const out = path.join(tmp, 'dash');
    const r = collect(baseArgs(out), 'dash');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const { doc } = runJson<Report>(['scan', out, '--format', 'json']);
    expect3cx(doc);
  });

  it('escapes the host id and tenant as JSON strings', () => {
    const out = path.join(tmp, 'escape');
    const r = collect([
      '--root',
      root,
      '--out',
      out,
      '--host-id',
      'a "b" \\ c',
      '--tenant',
      'x\ty',
      '--os',
      'linux',
    ]);
    expect(r.status).toBe(0);
    const manifest = JSON.parse(readFileSync(path.join(out, 'chainhunt-host.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(manifest).toMatchObject({ hostId: 'a "b" \\ c', tenant: 'x\ty', os: 'linux' });
  });

  it.each([
    [[] as string[], '--out DIR is required'],
    [['--out'], 'option --out needs a value'],
    [['--bogus'], 'unknown option: --bogus'],
    [['--out', 'OUT', '--max-file-size', '10k'], '--max-file-size must be a number'],
    [['--out', 'OUT', '--os', 'windows'], '--os must be macos, linux or unknown'],
    [['--out', 'OUT', '--root', '/nonexistent/chainhunt'], '--root is not a directory'],
    [['--out', 'OUT', '--upload', 'http://127.0.0.1:9/x'], '--upload needs --token-file'],
    [['--out', 'OUT', '--upload', 'ftp://x', '--token-file', 'TOKEN'], 'needs an http(s) URL'],
  ])('rejects bad options %j', (args, message) => {
    const out = path.join(tmp, 'bad');
    const r = collect(args.map((a) => (a === 'OUT' ? out : a === 'TOKEN' ? path.join(tmp, 'token') : a)));
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(message);
    expect(existsSync(out)).toBe(false);
  });

  it('--upload --dry-run prints the curl command without the token and sends nothing', () => {
    const token = path.join(tmp, 'token');
    writeFileSync(token, 'sekrit-token-value\n', { mode: 0o600 });
    const out = path.join(tmp, 'upload');
    const url = 'http://127.0.0.1:9/api/v1/tenants/acme/bundles';
    const r = collect([...baseArgs(out), '--upload', url, '--token-file', token, '--dry-run']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`${out}.tar.gz`);
    expect(r.stdout).toMatch(
      /^curl .*Authorization: Bearer <token from .*--data-binary @.*\.tar\.gz http:\/\/127\.0\.0\.1:9\//m,
    );
    expect(r.stdout).not.toContain('sekrit');
    expect(existsSync(`${out}.tar.gz`)).toBe(true);
  });
});
