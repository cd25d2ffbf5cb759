/**
 * The foundation's acceptance, end to end through the CLI: 3CX advisory × hand-made host evidence
 * in each installed-application format, per-user and machine-wide.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJson } from '../cli.js';

interface Finding {
  id: string;
  kind: string;
  severity: string;
  host: string;
  subject: Record<string, unknown>;
  advisory?: { id: string; aliases: string[]; source: string };
  indicator?: { type: string; value: string; source: string };
  fixedVersions?: string[];
  remediation?: string;
  evidence: { found: Record<string, unknown> }[];
}
interface Report {
  hosts: { id: string; status: string; observations: Record<string, number> }[];
  findings: Finding[];
  issues: { code: string; file?: string }[];
}

const UNINSTALL = 'SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall';

/** A regedit export (UTF-16LE with BOM, CRLF) with one uninstall key. */
function regExport(hive: string, key: string, name: string, version: string, publisher: string): Buffer {
  const text = [
    'Windows Registry Editor Version 5.00',
    '',
    `[${hive}\\${UNINSTALL}\\${key}]`,
    `"DisplayName"="${name}"`,
    `"DisplayVersion"="${version}"`,
    `"Publisher"="${publisher}"`,
    '"NoModify"=dword:00000001',
    '',
  ].join('\r\n');
  return Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
}

function infoPlist(version: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
  <key>CFBundleName</key><string>3CX Desktop App</string>
  <key>CFBundleIdentifier</key><string>com.electron.3cx-desktop-app</string>
  <key>CFBundleShortVersionString</key><string>${version}</string>
  <key>CFBundleVersion</key><string>${version}</string>
</dict>
</plist>
`;
}

function host(root: string, id: string, os: string, files: Record<string, string | Buffer>): void {
  const dir = path.join(root, id);
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    writeFileSync(path.join(dir, rel), content);
  }
  writeFileSync(
    path.join(dir, 'chainhunt-host.json'),
    JSON.stringify({ schema: 'chainhunt-host/1', hostId: id, os }),
  );
}

function fleet(): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ch-3cx-'));
  const hku = 'HKEY_USERS\\S-1-5-21-1111111111-2222222222-3333333333-1001';
  host(root, 'w-407-machine', 'windows', {
    'reg/uninstall.reg': regExport(
      'HKEY_LOCAL_MACHINE',
      '{11111111-2222-3333-4444-555555555555}',
      '3CX Desktop App',
      '18.12.407',
      '3CX Ltd',
    ),
  });
  host(root, 'w-416-user', 'windows', {
    'reg/hku.reg': regExport(hku, '3CXDesktopApp', '3CX Desktop App', '18.12.416', '3CX Ltd'),
  });
  host(root, 'w-422', 'windows', {
    'reg/hku.reg': regExport(hku, '3CXDesktopApp', '3CX Desktop App', '18.12.422', '3CX Ltd'),
  });
  host(root, 'w-425', 'windows', {
    'reg/hklm.reg': regExport(
      'HKEY_LOCAL_MACHINE',
      '3CXDesktopApp',
      '3CX Desktop App',
      '18.12.425',
      '3CX Ltd',
    ),
  });
  host(root, 'w-1213', 'windows', {
    'reg/hku.reg': regExport(hku, '3CXDesktopApp', '3CX Desktop App', '18.11.1213', '3CX Ltd'),
  });
  host(root, 'w-pbx', 'windows', {
    'reg/hklm.reg': regExport('HKEY_LOCAL_MACHINE', '3CXPhoneSystem', '3CX Phone System', '18.12.416', '3CX'),
  });
  host(root, 'm-1213', 'macos', {
    'Applications/3CX Desktop App.app/Contents/Info.plist': infoPlist('18.11.1213'),
  });
  host(root, 'm-402', 'macos', {
    'Applications/3CX Desktop App.app/Contents/Info.plist': infoPlist('18.12.402'),
  });
  host(root, 'm-422', 'macos', {
    'Applications/3CX Desktop App.app/Contents/Info.plist': infoPlist('18.12.422'),
  });
  return root;
}

describe('3CX triage end to end (chainhunt scan)', () => {
  const root = fleet();
  const { code, doc } = runJson<Report>(['scan', root, '--format', 'json']);
  const byHost = (id: string): Finding[] => doc.findings.filter((f) => f.host === id && f.kind === 'app');

  it('exits 0 without --fail-on', () => {
    expect(code).toBe(0);
  });

  it.each(['w-407-machine', 'w-416-user'])(
    'flags Windows %s as critical CVE-2023-29059 with remediation',
    (id) => {
      const list = byHost(id);
      expect(list).toHaveLength(1);
      const f = list[0]!;
      expect(f.severity).toBe('critical');
      expect(f.advisory?.id).toBe('CVE-2023-29059');
      expect(f.fixedVersions).toContain('18.12.422');
      expect(f.remediation).toMatch(/18\.12\.422/);
      expect(f.remediation).toMatch(/web client/i);
      expect(f.subject).toMatchObject({ type: 'app', platform: 'windows' });
    },
  );

  it('finds both the per-user and the machine-wide install', () => {
    expect(byHost('w-407-machine')[0]!.subject['scope']).toBe('machine');
    expect(byHost('w-416-user')[0]!.subject['scope']).toBe('user');
  });

  it.each(['m-1213', 'm-402'])('flags macOS %s', (id) => {
    const list = byHost(id);
    expect(list).toHaveLength(1);
    expect(list[0]!.subject).toMatchObject({ platform: 'macos' });
  });

  it.each(['w-422', 'w-425', 'w-1213', 'w-pbx', 'm-422'])(
    'does not flag %s (whose application was seen)',
    (id) => {
      expect(doc.hosts.find((h) => h.id === id)?.observations['app']).toBe(1);
      expect(byHost(id)).toEqual([]);
      expect(doc.hosts.find((h) => h.id === id)?.status).toBe('clean');
    },
  );
});

describe('file hash indicators (chainhunt scan --intel)', () => {
  it('flags a file whose sha256, sha1 or md5 is an indicator, naming the source', () => {
    const root = mkdtempSync(path.join(tmpdir(), 'ch-hash-'));
    const files = {
      'a.bin': 'alpha sample',
      'b.bin': 'bravo sample',
      'c.bin': 'charlie sample',
      'clean.bin': 'nothing',
    };
    mkdirSync(path.join(root, 'ev'));
    for (const [n, c] of Object.entries(files)) writeFileSync(path.join(root, 'ev', n), c);
    const h = (alg: string, s: string): string => createHash(alg).update(s).digest('hex');
    const intelDir = path.join(root, 'intel');
    mkdirSync(intelDir);
    writeFileSync(
      path.join(intelDir, 'hash-iocs.txt'),
      `# test list\n${h('sha256', files['a.bin'])};alpha by sha256\n${h('sha1', files['b.bin'])};bravo by sha1\n${h('md5', files['c.bin'])};charlie by md5\n`,
    );
    const { doc } = runJson<Report>([
      'scan',
      path.join(root, 'ev'),
      '--intel',
      intelDir,
      '--no-default-intel',
      '--format',
      'json',
    ]);
    const hits = doc.findings
      .filter((f) => f.kind === 'file')
      .map((f) => [path.basename(String(f.subject['path'])), f.indicator?.type, f.indicator?.source]);
    expect(hits.sort()).toEqual([
      ['a.bin', 'sha256', expect.any(String)],
      ['b.bin', 'sha1', expect.any(String)],
      ['c.bin', 'md5', expect.any(String)],
    ]);
    for (const f of doc.findings) expect(f.indicator?.source).toBeTruthy();
  });
});
