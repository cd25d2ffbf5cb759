import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { spdxCollector } from './index.js';
import { parseSpdx } from './parse.js';

const fx = (f: string) => sharedData('sbom', 'spdx-spec', f);
const run = (f: string) => parseSpdx(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

const EXAMPLES = [
  'v2.2-SPDXJSONExample-v2.2.spdx.json',
  'v2.3-SPDXJSONExample-v2.3.spdx.json',
  'v2.3-SPDXTagExample-v2.3.spdx',
  'v2.3-SPDXYAMLExample-2.3.spdx.yaml',
];

const tagValue = `SPDXVersion: SPDX-2.3
DataLicense: CC0-1.0
SPDXID: SPDXRef-DOCUMENT
DocumentName: app
DocumentNamespace: https://example.com/app
Creator: Tool: test
Created: 2024-01-01T00:00:00Z
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app

PackageName: app
SPDXID: SPDXRef-app
PackageVersion: 1.0.0
PackageDownloadLocation: NOASSERTION

PackageName: chalk
SPDXID: SPDXRef-chalk
PackageVersion: 5.6.1
PackageDownloadLocation: NOASSERTION
PackageComment: <text>multi
line: with a colon
</text>
ExternalRef: PACKAGE-MANAGER purl pkg:npm/chalk@5.6.1

PackageName: mocha
SPDXID: SPDXRef-mocha
PackageVersion: 10.0.0
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE_MANAGER purl pkg:npm/mocha@10.0.0

PackageName: ms
SPDXID: SPDXRef-ms
PackageVersion: 2.1.3
PackageDownloadLocation: NOASSERTION
ExternalRef: PACKAGE-MANAGER purl pkg:npm/ms@2.1.3

Relationship: SPDXRef-app DEPENDS_ON SPDXRef-chalk
Relationship: SPDXRef-mocha DEV_DEPENDENCY_OF SPDXRef-app
Relationship: SPDXRef-mocha DEPENDS_ON SPDXRef-ms
`;

const spdx3 = {
  '@context': 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld',
  '@graph': [
    {
      type: 'CreationInfo',
      '@id': '_:c',
      specVersion: '3.0.1',
      created: '2024-01-01T00:00:00Z',
      createdBy: [],
    },
    { type: 'SpdxDocument', spdxId: 'urn:doc', creationInfo: '_:c', rootElement: ['urn:app'] },
    {
      type: 'software_Package',
      spdxId: 'urn:app',
      creationInfo: '_:c',
      name: 'app',
      software_packageVersion: '1',
    },
    {
      type: 'software_Package',
      spdxId: 'urn:req',
      creationInfo: '_:c',
      name: 'requests',
      software_packageVersion: '2.31.0',
      software_packageUrl: 'pkg:pypi/requests@2.31.0',
    },
    {
      type: 'software_Package',
      spdxId: 'urn:pt',
      creationInfo: '_:c',
      name: 'pytest',
      software_packageVersion: '8.0.0',
      externalIdentifier: [
        {
          type: 'ExternalIdentifier',
          externalIdentifierType: 'packageUrl',
          identifier: 'pkg:pypi/pytest@8.0.0',
        },
      ],
    },
    {
      type: 'Relationship',
      spdxId: 'urn:r1',
      creationInfo: '_:c',
      from: 'urn:app',
      to: ['urn:req'],
      relationshipType: 'dependsOn',
    },
    {
      type: 'LifecycleScopedRelationship',
      spdxId: 'urn:r2',
      creationInfo: '_:c',
      from: 'urn:app',
      to: ['urn:pt'],
      relationshipType: 'dependsOn',
      scope: 'development',
    },
  ],
};

describe('spdx collector', () => {
  it('claims SPDX names and sniffs SPDX content', () => {
    for (const n of ['a.spdx.json', 'a.spdx', 'a.spdx.yaml', 'a.spdx.yml'])
      expect(spdxCollector.matches(fileRef(`x/${n}`))).toBe(true);
    expect(spdxCollector.matches(fileRef('x/a.json'))).toBe(false);
    for (const f of [...EXAMPLES, 'v3.0-package_sbom.jsonld.json']) {
      expect(spdxCollector.sniff(readFileSync(fx(f)).subarray(0, 4096)), f).toBe(true);
    }
    expect(spdxCollector.sniff(Buffer.from('{"bomFormat":"CycloneDX"}'))).toBe(false);
  });

  it('reads the SPDX 2.2/2.3 examples identically across JSON, YAML and tag-value', () => {
    for (const f of EXAMPLES) {
      const r = run(f);
      // only Jena has a purl (PACKAGE-MANAGER purl pkg:maven/org.apache.jena/apache-jena@3.12.0)
      expect(
        pk(r).map((o) => `${o.ecosystem}|${o.name}@${o.version}|${o.purl}`),
        f,
      ).toEqual(['Maven|org.apache.jena:apache-jena@3.12.0|pkg:maven/org.apache.jena/apache-jena@3.12.0']);
      expect(pk(r)[0]!.locations[0]!.line, f).toBeGreaterThan(1);
      expect(
        r.issues.map((i) => i.code),
        f,
      ).toEqual(['unsupported']);
      expect(r.issues[0]!.message, f).toMatch(/3 package\(s\) not reported: no purl.*glibc/);
    }
  });

  it('reads the SPDX 3.0 JSON-LD example (its one package has no purl: reported)', () => {
    const r = run('v3.0-package_sbom.jsonld.json');
    expect(r.observations).toEqual([]);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toContain('my-package');
  });

  it('SPDX 3.0: purls from packageUrl and external identifiers; lifecycle scope development is dev', () => {
    const r = pk(parseSpdx(Buffer.from(JSON.stringify(spdx3, null, 2)), 'sbom.spdx.json'));
    expect(r.map((o) => `${o.name}@${o.version}${o.direct ? ' direct' : ''}${o.dev ? ' dev' : ''}`)).toEqual([
      'pytest@8.0.0 dev',
      'requests@2.31.0 direct',
    ]);
  });

  it('tag-value: multi-line text, relationships, dev dependencies and their transitive deps', () => {
    const r = parseSpdx(Buffer.from(tagValue), 'app.spdx');
    const by = (n: string) => pk(r).find((o) => o.name === n)!;
    expect(pk(r).map((o) => o.name)).toEqual(['chalk', 'mocha', 'ms']);
    expect(by('chalk')).toMatchObject({ version: '5.6.1', direct: true, locations: [{ line: 15 }] });
    expect(by('chalk')).not.toHaveProperty('dev');
    expect(by('mocha')).toMatchObject({ dev: true, direct: false });
    expect(by('ms')).toMatchObject({ dev: true, direct: false });
    expect(r.issues.map((i) => i.message)).toEqual([
      expect.stringContaining('1 package(s) not reported: no purl, so no ecosystem (app)'),
    ]);
  });

  it('reports broken input', () => {
    expect(parseSpdx(Buffer.from('{"spdxVersion": '), 'x.spdx.json').issues[0]!.code).toBe('parse-error');
    expect(parseSpdx(Buffer.from('{"name": "x"}'), 'x.spdx.json').issues[0]!.code).toBe('invalid-value');
    expect(parseSpdx(Buffer.from('spdxVersion: [unclosed\n'), 'x.spdx.yaml').issues[0]!.code).toBe(
      'parse-error',
    );
    expect(parseSpdx(Buffer.from('{"@context": "https://example.com/x"}'), 'x.jsonld').issues[0]!.code).toBe(
      'invalid-value',
    );
    const tv = parseSpdx(
      Buffer.from('SPDXVersion: SPDX-2.3\nPackageName: x\nPackageComment: <text>never closed\n'),
      'x.spdx',
    );
    expect(tv.issues.some((i) => i.code === 'truncated')).toBe(true);
  });
});
