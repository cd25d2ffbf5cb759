/**
 * The packs shipped in intel/: they import cleanly, validate against the published JSON Schema,
 * and every value of the 3CX pack is traceable to the raw public source line it cites.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { repoRoot, sharedData } from '../../../test/fixtures.js';
import type { Indicator, ProductMatcher } from '../../core/intel.js';
import { wildcardMatch } from '../../util/glob.js';
import { foldName } from '../../util/text.js';
import { refang } from '../normalize.js';
import { parsePack } from './parse.js';

const PACK_3CX = path.join(repoRoot, 'intel/3cx/3cx.chainhunt.json');
const PACK_DEMO = path.join(repoRoot, 'demo/intel/demo-test-indicators.chainhunt.json');
const DEMO_FILE = path.join(
  repoRoot,
  'demo/fleet/win-finance-01/files/AppData/Local/Programs/3CXDesktopApp/app/ffmpeg.dll.TEST-SAMPLE.txt',
);

function load(p: string) {
  return parsePack(readFileSync(p), { file: p, pluginId: 'intel/chainhunt-pack' });
}

describe('published JSON Schema', () => {
  // ajv-formats is CommonJS; its default import is the plugin function at runtime.
  const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  const validate = ajv.compile(
    JSON.parse(readFileSync(path.join(repoRoot, 'schemas/intel-pack.schema.json'), 'utf8')) as object,
  );

  it.each([PACK_3CX, PACK_DEMO])('validates %s', (p) => {
    const ok = validate(JSON.parse(readFileSync(p, 'utf8')));
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('rejects what the importer rejects', () => {
    const pack = JSON.parse(readFileSync(PACK_DEMO, 'utf8')) as { indicators: Record<string, unknown>[] };
    const bad = structuredClone(pack);
    bad.indicators[0]!['value'] = 'abc';
    expect(validate(bad)).toBe(false);
    const bad2 = structuredClone(pack);
    bad2.indicators[0]!['type'] = 'registry-key';
    expect(validate(bad2)).toBe(false);
  });
});

describe('demo pack', () => {
  it('holds one TEST sha256 indicator equal to the digest of the harmless demo file', () => {
    const r = load(PACK_DEMO);
    expect(r.issues).toEqual([]);
    expect(r.info?.checksum).toBe('verified');
    expect(r.intel.indicators).toHaveLength(1);
    const ind = r.intel.indicators[0]!;
    const content = readFileSync(DEMO_FILE);
    expect(content.toString('utf8')).toMatch(/harmless/);
    expect(ind).toMatchObject({
      type: 'sha256',
      test: true,
      value: createHash('sha256').update(content).digest('hex'),
    });
    expect(ind.description).toMatch(/TEST indicator/);
    expect(ind.description).toContain(createHash('sha1').update(content).digest('hex'));
    expect(ind.description).toContain(createHash('md5').update(content).digest('hex'));
  });
});

describe('3CX pack', () => {
  const r = load(PACK_3CX);
  const adv = r.intel.advisories[0]!;

  it('imports without issues and with a verified checksum', () => {
    expect(r.issues).toEqual([]);
    expect(r.info?.checksum).toBe('verified');
    expect(r.intel.advisories).toHaveLength(1);
  });

  it('names every source with URL and licence, DRL sources with their author', () => {
    for (const s of r.intel.sources) {
      expect(s.url, s.id).toMatch(/^https:\/\//);
      expect(s.license, s.id).toBeTruthy();
    }
    const sig = r.intel.sources.filter((s) => s.license?.startsWith('DRL-1.1'));
    expect(sig.map((s) => s.id).sort()).toEqual(['sigbase', 'sigma']);
    expect(r.intel.sources.find((s) => s.id === 'sigbase')?.name).toMatch(/Florian Roth/);
    expect(r.intel.sources.find((s) => s.id === 'sigma')?.name).toMatch(/Nasreddine Bencherchali/);
  });

  it('describes CVE-2023-29059 with the versions of the CVE record', () => {
    const cve = JSON.parse(
      readFileSync(sharedData('cve/CVE-2023-29059/CVE-2023-29059.cvelistV5.json'), 'utf8'),
    ) as {
      containers: { cna: { descriptions: { value: string }[]; references: { url: string }[] } };
    };
    const text = cve.containers.cna.descriptions[0]!.value;
    expect(adv).toMatchObject({
      id: 'CVE-2023-29059',
      severity: 'critical',
      source: 'cve',
      kind: 'vendor-app',
    });
    const win = adv.affected.find((a) => a.platform === 'windows')!;
    const mac = adv.affected.find((a) => a.platform === 'macos')!;
    expect(adv.affected).toHaveLength(2);
    expect(win.versions).toEqual(['18.12.407', '18.12.416']);
    expect(mac.versions).toEqual(['18.11.1213', '18.12.402', '18.12.407', '18.12.416']);
    // Each affected version is stated by the CVE record's description.
    for (const v of [...win.versions!, ...mac.versions!]) expect(text).toContain(v);
    // Windows 18.11.1213 (last clean), 18.12.422 (fixed) and 18.12.425 (re-signed 18.12.422) are not affected.
    for (const v of ['18.11.1213', '18.12.422', '18.12.425']) expect(win.versions).not.toContain(v);
    expect(win.ranges).toBeUndefined();
    expect(mac.ranges).toBeUndefined();
    expect(win.fixed).toEqual(['18.12.422']);
    expect(mac.fixed).toEqual(['18.12.422']);
    for (const ref of cve.containers.cna.references) expect(adv.references).toContain(ref.url);
    expect(adv.remediation).toMatch(/uninstall/i);
    expect(adv.remediation).toMatch(/18\.12\.422 or later/);
    expect(adv.remediation).toMatch(/web client \(PWA\)/);
    expect(adv.remediation).toMatch(/block the C2 domains/i);
    expect(adv.remediation).toMatch(/keep scanning/i);
    expect(adv.remediation).toMatch(/assess the risk/i);
  });

  it('product matchers take real display names and the bundle id, never other 3CX products', () => {
    // Core semantics (src/core/intel.ts ProductMatcher): fold case and whitespace, `*` wildcard, excludes win.
    const matches = (p: ProductMatcher, name: string) =>
      p.names.some((n) => wildcardMatch(foldName(n), foldName(name))) &&
      !(p.excludeNames ?? []).some((n) => wildcardMatch(foldName(n), foldName(name)));
    for (const a of adv.affected) {
      for (const name of ['3CX Desktop App', '3CXDesktopApp', '3CX DesktopApp', '3cx  desktop app'])
        expect(matches(a.product, name), name).toBe(true);
      for (const name of [
        '3CX Phone System',
        '3CX Phone System Management Console',
        '3CXPhone for Windows',
        '3CX PBX',
        '3CX Phone for Windows',
        '3CX Call Flow Designer',
        'Desktop App',
      ]) {
        expect(matches(a.product, name), name).toBe(false);
      }
      expect(a.product.bundleIds).toEqual(['com.electron.3cx-desktop-app']);
      // Guard: an exclude pattern must not remove the product itself.
      expect(
        a.product.excludeNames!.some((n) => wildcardMatch(foldName(n), foldName('3CX Desktop App'))),
      ).toBe(false);
    }
  });

  it('carries the expected indicator families with sources', () => {
    const has = (type: Indicator['type'], value: string) =>
      r.intel.indicators.find((i) => i.type === type && i.value === value);
    expect(has('sha256', '7986bbaee8940da11ce089383521ab420c443ab7b15ed42aed91fd31ce833896')).toMatchObject({
      source: 'sophos',
      severity: 'critical',
      advisoryId: 'CVE-2023-29059',
    });
    expect(has('sha1', 'bf939c9c261d27ee7bb92325cc588624fca75429')?.source).toBe('volexity');
    expect(has('md5', '74bc2d0b6680faa1a5a76b27e5479cbc')?.source).toBe('volexity');
    expect(has('domain', 'msedgeupdate.net')?.source).toBe('sigbase');
    expect(has('domain', 'akamaicontainer.com')?.source).toBe('sophos');
    expect(has('url-pattern', '*IconStorages/images/main/icon*.ico*')?.source).toBe('sigma');
    expect(has('filename', '\\\\3CXDesktopApp-18\\.12\\.416\\.msi')).toMatchObject({
      patternSyntax: 'regex',
      score: 80,
    });
    expect(has('email', 'philip.je@proton.me')?.source).toBe('volexity');
    // 22 C2 domains of the compiled list are all present.
    const compiled = JSON.parse(readFileSync(sharedData('3cx/iocs.json'), 'utf8')) as {
      domains: string[];
      files: { sha256: string }[];
    };
    for (const d of compiled.domains) expect(has('domain', d), d).toBeDefined();
    for (const f of compiled.files) expect(has('sha256', f.sha256), f.sha256).toBeDefined();
    const types = new Set(r.intel.indicators.map((i) => i.type));
    expect([...types].sort()).toEqual([
      'domain',
      'email',
      'filename',
      'md5',
      'sha1',
      'sha256',
      'url',
      'url-pattern',
    ]);
  });

  /** Local copy of each cited upstream file under ../shared/data. */
  function localPath(source: string, upstream: string): string {
    switch (source) {
      case 'sigbase':
        return sharedData('signature-base', upstream);
      case 'sigma':
        return sharedData('sigma', upstream);
      case 'sophos':
        return sharedData('3cx/raw/sophoslabs-IoCs', upstream);
      case 'volexity':
        expect(upstream.startsWith('2023/2023-03-30 3CX/indicators/')).toBe(true);
        return sharedData('3cx/raw/volexity-threat-intel', path.basename(upstream));
      case 'ozer':
        return sharedData('3cx/raw/Ozer0x777-3CX-Iocs', upstream);
      default:
        throw new Error(`no local copy known for source ${source}`);
    }
  }

  it('every indicator value appears verbatim (case-insensitively) on the source line it cites', () => {
    expect(r.intel.indicators.length).toBeGreaterThan(100);
    for (const ind of r.intel.indicators) {
      const m = /^(.+)#L(\d+)(?:-L(\d+))?$/.exec(ind.sourceRef ?? '');
      expect(m, `${ind.value} sourceRef ${ind.sourceRef}`).not.toBeNull();
      const lines = readFileSync(localPath(ind.source, m![1]!), 'utf8').split(/\r\n|\n|\r/);
      const from = Number(m![2]);
      const to = m![3] === undefined ? from : Number(m![3]);
      expect(to - from, 'cited range spans at most 2 lines').toBeLessThanOrEqual(1);
      const raw = lines.slice(from - 1, to).join('\n');
      // Patterns are compared as written (refanging would unescape `\.` in a regex).
      const line = (ind.type === 'filename' || ind.type === 'url-pattern' ? raw : refang(raw)).toLowerCase();
      // Glob patterns: each literal part between wildcards must be on the line.
      const parts = ind.patternSyntax === 'glob' ? ind.value.split('*').filter((s) => s !== '') : [ind.value];
      for (const part of parts)
        expect(line, `${ind.type} ${ind.value} @ ${ind.source} ${ind.sourceRef}`).toContain(
          part.toLowerCase(),
        );
    }
  });
});
