/**
 * Bad input is data: a directory of corrupted files for every supported format (truncated, wrong
 * encoding, binary garbage, empty) → each one is listed as an issue, the scan completes, and the
 * exit code reflects findings only.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJson } from '../cli.js';

const reg =
  'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\App]\r\n"DisplayName"="Some App"\r\n"DisplayVersion"="1.2.3"\r\n';
const plist =
  '<?xml version="1.0" encoding="UTF-8"?>\n<plist version="1.0">\n<dict>\n<key>CFBundleName</key><string>Some App</string>\n<key>CFBundleShortVersionString</key><string>1.2.3</string>\n</dict>\n</plist>\n';

/** Conventional file name (path) → a valid sample of the format. */
const SAMPLES: Record<string, string> = {
  'uninstall.reg': reg,
  'uninstall.json': JSON.stringify([
    {
      DisplayName: 'Some App',
      DisplayVersion: '1.2.3',
      PSPath:
        'Microsoft.PowerShell.Core\\Registry::HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\App',
    },
  ]),
  'Some.app/Contents/Info.plist': plist,
  'var/lib/dpkg/status':
    'Package: bash\nStatus: install ok installed\nVersion: 5.2.15-2+b2\nArchitecture: amd64\n\n',
  'package-lock.json': JSON.stringify({
    name: 'x',
    lockfileVersion: 3,
    packages: { '': { name: 'x' }, 'node_modules/left-pad': { version: '1.3.0' } },
  }),
  'yarn.lock':
    '# yarn lockfile v1\n\n"left-pad@^1.3.0":\n  version "1.3.0"\n  resolved "https://registry.yarnpkg.com/left-pad/-/left-pad-1.3.0.tgz"\n',
  'pnpm-lock.yaml':
    "lockfileVersion: '9.0'\n\nimporters:\n  .:\n    dependencies:\n      left-pad:\n        specifier: ^1.3.0\n        version: 1.3.0\n\npackages:\n  left-pad@1.3.0:\n    resolution: {integrity: sha512-abc}\n\nsnapshots:\n  left-pad@1.3.0: {}\n",
  'bun.lock':
    '{\n  "lockfileVersion": 1,\n  "workspaces": { "": { "name": "x", "dependencies": { "left-pad": "^1.3.0" } } },\n  "packages": { "left-pad": ["left-pad@1.3.0", "", {}, "sha512-abc"] }\n}\n',
  'poetry.lock':
    '[[package]]\nname = "requests"\nversion = "2.31.0"\ndescription = ""\noptional = false\npython-versions = ">=3.7"\n',
  'Pipfile.lock': JSON.stringify({ _meta: {}, default: { requests: { version: '==2.31.0' } }, develop: {} }),
  'uv.lock':
    'version = 1\n\n[[package]]\nname = "requests"\nversion = "2.31.0"\nsource = { registry = "https://pypi.org/simple" }\n',
  'pdm.lock': '[[package]]\nname = "requests"\nversion = "2.31.0"\n',
  'Cargo.lock':
    'version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.190"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n',
  'composer.lock': JSON.stringify({
    packages: [{ name: 'monolog/monolog', version: '3.5.0' }],
    'packages-dev': [],
  }),
  'packages.lock.json': JSON.stringify({
    version: 1,
    dependencies: { 'net8.0': { 'Newtonsoft.Json': { type: 'Direct', resolved: '13.0.3' } } },
  }),
  'bom.json': JSON.stringify({
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    components: [{ type: 'library', name: 'left-pad', version: '1.3.0', purl: 'pkg:npm/left-pad@1.3.0' }],
  }),
  'sbom.spdx.json': JSON.stringify({
    spdxVersion: 'SPDX-2.3',
    SPDXID: 'SPDXRef-DOCUMENT',
    packages: [
      {
        SPDXID: 'SPDXRef-p',
        name: 'left-pad',
        versionInfo: '1.3.0',
        externalRefs: [
          {
            referenceCategory: 'PACKAGE-MANAGER',
            referenceType: 'purl',
            referenceLocator: 'pkg:npm/left-pad@1.3.0',
          },
        ],
      },
    ],
  }),
};

function variants(sample: string): Record<string, Buffer> {
  const bytes = Buffer.from(sample, 'utf8');
  // Cut inside a token: just after the first opening quote (or `<`) past the middle.
  let cut = Math.floor(bytes.length / 2);
  const quotesBefore = (i: number): number => bytes.subarray(0, i).filter((b) => b === 0x22).length;
  while (
    cut < bytes.length - 1 &&
    !((bytes[cut] === 0x22 && quotesBefore(cut) % 2 === 0) || bytes[cut] === 0x3c)
  )
    cut++;
  if (cut >= bytes.length - 2) cut = Math.floor(bytes.length / 2); // no token start: cut mid-way
  const garbage = Buffer.alloc(512);
  for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 131 + 7) % 256;
  return {
    truncated: bytes.subarray(0, cut + 1),
    'wrong-encoding': Buffer.concat([
      Buffer.from(sample.slice(0, 20), 'utf8'),
      Buffer.from([0xc3, 0x28, 0xa0, 0xa1, 0xff, 0xfe, 0xfd]),
      bytes.subarray(20),
    ]),
    garbage,
    empty: Buffer.alloc(0),
  };
}

describe('corrupted inputs', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ch-bad-'));
  const expected: string[] = [];
  for (const [name, sample] of Object.entries(SAMPLES)) {
    for (const [variant, content] of Object.entries(variants(sample))) {
      const p = path.join(root, variant, name);
      mkdirSync(path.dirname(p), { recursive: true });
      writeFileSync(p, content);
      expected.push(p);
    }
  }
  const { code, doc } = runJson<{
    issues: { file?: string; code: string }[];
    findings: unknown[];
    plugins: { status: string }[];
  }>(['scan', root, '--format', 'json', '--fail-on', 'low']);

  it('completes with exit 0 (no findings) despite every file being bad', () => {
    expect(doc.findings).toEqual([]);
    expect(code).toBe(0);
  });

  it.each(Object.keys(SAMPLES))('%s: every corrupted variant is listed as an issue', (name) => {
    const files = new Set(doc.issues.map((i) => i.file));
    const missing = expected.filter((p) => p.endsWith(`/${name}`)).filter((p) => !files.has(p));
    expect(missing.map((p) => path.relative(root, p))).toEqual([]);
  });
});
