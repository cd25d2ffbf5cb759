import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { cyclonedxCollector } from './index.js';
import { decodeXmlText, parseCycloneDx } from './parse.js';

const sbom = (...p: string[]) => sharedData('sbom', ...p);
const run = (f: string) => parseCycloneDx(readFileSync(f), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];
const nvSet = (r: ReturnType<typeof run>) => new Set(pk(r).map((o) => `${o.name}@${o.version}`));

/** name@version of every component, read straight from the BOM JSON (group joined with '/'). */
function componentsOf(file: string): Set<string> {
  const bom = JSON.parse(readFileSync(file, 'utf8')) as {
    components?: { group?: string; name: string; version?: string }[];
  };
  return new Set(
    (bom.components ?? [])
      .filter((c) => c.version)
      .map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`),
  );
}

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

const DEMOS = [
  'alternative-package-registry',
  'deps-from-git',
  'juice-shop',
  'local-dependencies',
  'local-workspaces',
  'package-integrity',
  'package-with-build-id',
];

describe('cyclonedx collector', () => {
  it('claims conventional names and sniffs CycloneDX content under any name', () => {
    for (const n of ['bom.json', 'bom.xml', 'app.cdx.json', 'app.cdx.xml'])
      expect(cyclonedxCollector.matches(fileRef(`x/${n}`))).toBe(true);
    expect(cyclonedxCollector.matches(fileRef('x/bom.1.6.flat.json'))).toBe(false);
    const head = readFileSync(sbom('cyclonedx-node-npm', 'juice-shop', 'bom.1.6.flat.json')).subarray(0, 512);
    expect(cyclonedxCollector.sniff(head)).toBe(true);
    const xmlHead = readFileSync(
      sbom('cyclonedx-bom-examples', 'SBOM', 'cern-lhc-vdm-editor-e564943', 'bom.xml'),
    ).subarray(0, 512);
    expect(cyclonedxCollector.sniff(xmlHead)).toBe(true);
    expect(cyclonedxCollector.sniff(Buffer.from('{"name":"x","version":"1.0.0"}'))).toBe(false);
    expect(cyclonedxCollector.sniff(Buffer.from('{"spdxVersion":"SPDX-2.3"}'))).toBe(false);
  });

  for (const demo of DEMOS) {
    for (const v of ['1.5', '1.6']) {
      it(`cyclonedx-node-npm ${demo} bom ${v}: components come out as npm packages`, () => {
        const f = sbom('cyclonedx-node-npm', demo, `bom.${v}.flat.json`);
        const r = run(f);
        expect(nvSet(r)).toEqual(componentsOf(f));
        expect(pk(r).every((o) => o.ecosystem === 'npm' && o.purl?.startsWith('pkg:npm/'))).toBe(true);
        expect(r.issues.filter((i) => i.code === 'parse-error' || i.code === 'invalid-value')).toEqual([]);
      });
    }
  }

  it('package-integrity: the BOM equals what package-lock.json resolves (read independently)', () => {
    const lock = JSON.parse(
      readFileSync(sbom('cyclonedx-node-npm', 'package-integrity', 'package-lock.json'), 'utf8'),
    ) as { packages: Record<string, { version?: string }> };
    const fromLock = new Set(
      Object.entries(lock.packages)
        .filter(([k]) => k !== '')
        .map(([k, v]) => `${k.slice(k.lastIndexOf('node_modules/') + 'node_modules/'.length)}@${v.version}`),
    );
    const r = run(sbom('cyclonedx-node-npm', 'package-integrity', 'bom.1.6.flat.json'));
    expect(nvSet(r)).toEqual(fromLock);
    expect(fromLock.size).toBe(5);
  });

  it('juice-shop: scoped names, direct deps from the root, scope flags, lines', () => {
    const f = sbom('cyclonedx-node-npm', 'juice-shop', 'bom.1.6.flat.json');
    const r = pk(run(f));
    const bom = JSON.parse(readFileSync(f, 'utf8'));
    const rootDeps: string[] = bom.dependencies.find(
      (d: { ref: string }) => d.ref === bom.metadata.component['bom-ref'],
    ).dependsOn;
    const directRefs = new Set(rootDeps);
    const expectedDirect = new Set(
      (bom.components as { 'bom-ref': string; group?: string; name: string; version: string }[])
        .filter((c) => directRefs.has(c['bom-ref']))
        .map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`),
    );
    expect(new Set(r.filter((o) => o.direct).map((o) => `${o.name}@${o.version}`))).toEqual(expectedDirect);
    const babel = r.find((o) => o.name === '@babel/parser')!;
    expect(babel).toMatchObject({
      version: '7.24.7',
      purl: 'pkg:npm/%40babel/parser@7.24.7#packages/babel-parser',
    });
    expect(babel.locations[0]!.line).toBeGreaterThan(1);
    expect(r.find((o) => o.name === 'fsevents')).toMatchObject({ dev: true }); // scope "excluded"
    // optional only when every copy of that name@version in the tree is scope "optional"
    const comps = bom.components as { scope?: string; group?: string; name: string; version: string }[];
    const key = (c: (typeof comps)[number]) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`;
    const required = new Set(comps.filter((c) => c.scope !== 'optional').map(key));
    const onlyOptional = new Set(
      comps
        .filter((c) => c.scope === 'optional')
        .map(key)
        .filter((k) => !required.has(k)),
    );
    expect(new Set(r.filter((o) => o.optional).map((o) => `${o.name}@${o.version}`))).toEqual(onlyOptional);
    expect(onlyOptional.size).toBeGreaterThan(10);
  });

  it('reads CycloneDX XML the same as the JSON of the same project (1.2)', () => {
    const dir = sbom('cyclonedx-bom-examples', 'SBOM', 'cern-lhc-vdm-editor-e564943');
    const j = run(path.join(dir, 'bom.json'));
    const x = run(path.join(dir, 'bom.xml'));
    expect(x.issues).toEqual([]);
    expect(nvSet(x)).toEqual(nvSet(j));
    expect(nvSet(j)).toEqual(componentsOf(path.join(dir, 'bom.json')));
    expect(nvSet(x).size).toBe(43);
  });

  it('reads Maven (1.2) and Composer (1.4) BOMs with ecosystem names', () => {
    const dw = pk(run(sbom('cyclonedx-bom-examples', 'SBOM', 'dropwizard-1.3.15', 'bom.json')));
    expect(dw.find((o) => o.name === 'ch.qos.logback:logback-classic')).toMatchObject({
      ecosystem: 'Maven',
      version: '1.2.3',
    });
    const lv = pk(run(sbom('cyclonedx-bom-examples', 'SBOM', 'laravel-7.12.0', 'bom.1.4.json')));
    expect(lv.find((o) => o.name === 'brick/math')).toMatchObject({
      ecosystem: 'Packagist',
      version: '0.9.3',
    });
  });

  it('every CycloneDX fixture in shared/data/sbom parses; components without purls are reported, not dropped silently', () => {
    const files = walk(sharedData('sbom')).filter(
      (f) => /\.(json|xml)$/.test(f) && !/package(-lock)?\.json$/.test(f) && !f.includes('spdx-spec'),
    );
    expect(files.length).toBeGreaterThan(50);
    for (const f of files) {
      const r = run(f);
      const bad = r.issues.filter((i) => i.code !== 'unsupported');
      expect(bad, f).toEqual([]);
      const bom = JSON.parse(f.endsWith('.xml') ? '{}' : readFileSync(f, 'utf8')) as {
        components?: unknown[];
      };
      const n = bom.components?.length ?? 0;
      if (n > 0 && r.observations.length === 0) expect(r.issues.length, f).toBeGreaterThan(0);
    }
    const cbom = run(sbom('cyclonedx-bom-examples', 'CBOM', 'Algorithm', 'bom.json'));
    expect(cbom.issues[0]!.message).toMatch(/2 component\(s\) not reported: no purl/);
  });

  it('follows nested components, maps distro purls and reports unknown purl types', () => {
    const bom = {
      bomFormat: 'CycloneDX',
      specVersion: '1.6',
      components: [
        {
          type: 'library',
          name: 'outer',
          version: '1',
          purl: 'pkg:pypi/Outer_Pkg@1',
          components: [{ type: 'library', name: 'inner', version: '2', purl: 'pkg:cargo/inner@2' }],
        },
        {
          type: 'library',
          name: 'curl',
          version: '7.88.1-10',
          purl: 'pkg:deb/debian/curl@7.88.1-10?arch=amd64&distro=debian-12',
        },
        { type: 'library', name: 'thing', version: '1', purl: 'pkg:generic/thing@1' },
        { type: 'library', name: 'broken', version: '1', purl: 'not a purl' },
      ],
    };
    const r = parseCycloneDx(Buffer.from(JSON.stringify(bom)), 'x.json');
    expect(pk(r).map((o) => `${o.ecosystem}|${o.name}@${o.version}`)).toEqual([
      'Debian:12|curl@7.88.1-10',
      'PyPI|outer-pkg@1',
      'crates.io|inner@2',
    ]);
    expect(r.issues.map((i) => i.message).join('\n')).toMatch(/malformed purl[\s\S]*purl type "generic"/);
  });

  it('XML: entities are not expanded beyond the predefined five', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE bom [<!ENTITY x "pkg:npm/evil@6.6.6">]>
<bom xmlns="http://cyclonedx.org/schema/bom/1.4"><components>
<component type="library"><name>a</name><version>1.0.0</version><purl>&x;</purl></component>
<component type="library"><name>b</name><version>2.0.0</version><purl>pkg:npm/b@2.0.0?x=1&amp;y=2</purl></component>
</components></bom>`;
    const r = parseCycloneDx(Buffer.from(xml), 'bom.xml');
    expect(pk(r).map((o) => `${o.name}@${o.version}`)).toEqual(['b@2.0.0']);
    expect(pk(r)[0]!.purl).toBe('pkg:npm/b@2.0.0?x=1&y=2');
    expect(decodeXmlText('&lt;&#65;&#x42;&foo;')).toBe('<AB&foo;');
  });

  it('reports broken documents', () => {
    expect(parseCycloneDx(Buffer.from('{"bomFormat":'), 'bom.json').issues[0]!.code).toBe('parse-error');
    expect(parseCycloneDx(Buffer.from('{"bomFormat":"SPDX"}'), 'bom.json').issues[0]!.code).toBe(
      'invalid-value',
    );
    expect(parseCycloneDx(Buffer.from('<bom><components>'), 'bom.xml').issues.length).toBeGreaterThan(0);
    expect(parseCycloneDx(Buffer.from(''), 'bom.json').issues[0]!.code).toBe('empty');
  });
});
