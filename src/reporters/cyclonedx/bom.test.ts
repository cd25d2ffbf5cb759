import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import type { Observation, PackageObservation } from '../../core/observation.js';
import type { Report } from '../../core/report.js';
import { repoRoot, sharedData } from '../../../test/fixtures.js';
import { parseCycloneDx } from '../../collectors/cyclonedx/parse.js';
import { toCycloneDx } from './bom.js';
import { cyclonedxReporter, writeCycloneDxJson } from './index.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
const schemaDir = path.join(repoRoot, 'schemas', 'vendor', 'cyclonedx');
function loadSchema(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(schemaDir, name), 'utf8')) as Record<string, unknown>;
}

function validator() {
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormats(ajv);
  // formats used by the 1.6 schema that ajv-formats lacks: checked loosely but not skipped
  ajv.addFormat('iri-reference', (s: string) => s.length > 0 && !/\s/.test(s));
  ajv.addFormat('idn-email', (s: string) => /^[^@\s]+@[^@\s]+$/.test(s));
  // the BOM schema refers to its siblings by their SNAPSHOT file names, relative to its own $id
  for (const name of ['spdx.SNAPSHOT.schema.json', 'jsf-0.82.SNAPSHOT.schema.json']) {
    ajv.addSchema({ ...loadSchema(name), $id: `http://cyclonedx.org/schema/${name}` });
  }
  return ajv.compile(loadSchema('bom-1.6.SNAPSHOT.schema.json'));
}

function pkg(
  p: Partial<PackageObservation> & { ecosystem: string; name: string; version: string },
): PackageObservation {
  const file = p.source?.file ?? 'repo/lock';
  return {
    kind: 'package',
    host: 'h1',
    collectorId: 'collectors/test',
    source: { file },
    locations: [{ file, line: 3 }],
    ...p,
  };
}

const sample: PackageObservation[] = [
  pkg({ ecosystem: 'npm', name: '@babel/core', version: '7.24.0', purl: 'pkg:npm/%40babel/core@7.24.0' }),
  pkg({ ecosystem: 'npm', name: 'chalk', version: '5.6.1', dev: true }),
  pkg({ ecosystem: 'PyPI', name: 'requests', version: '2.31.0', optional: true }),
  pkg({ ecosystem: 'Maven', name: 'org.apache.logging.log4j:log4j-core', version: '2.14.1' }),
  pkg({ ecosystem: 'Packagist', name: 'symfony/console', version: 'v5.4.0' }),
  pkg({ ecosystem: 'Go', name: 'golang.org/x/net', version: 'v0.17.0' }),
  pkg({ ecosystem: 'Debian:12', name: 'openssl', version: '3.0.11-1' }),
];

describe('toCycloneDx', () => {
  it('writes a BOM that validates against the CycloneDX 1.6 JSON schema', () => {
    const validate = validator();
    const bom = toCycloneDx(sample, {
      timestamp: '2026-01-01T00:00:00Z',
      toolVersion: '0.1.0',
      subject: { name: 'fleet' },
    });
    const ok = validate(bom);
    expect(validate.errors ?? []).toEqual([]);
    expect(ok).toBe(true);
  });

  it('the schema check is real: a broken BOM is rejected', () => {
    const validate = validator();
    const bom = toCycloneDx(sample, { timestamp: '2026-01-01T00:00:00Z' });
    (bom['components'] as Record<string, unknown>[])[0]!['scope'] = 'sometimes';
    expect(validate(bom)).toBe(false);
    const bad = {
      ...toCycloneDx(sample, { timestamp: '2026-01-01T00:00:00Z' }),
      serialNumber: 'urn:uuid:not-a-uuid',
    };
    expect(validate(bad)).toBe(false);
  });

  it('is deterministic: input order does not matter, serial number follows content', () => {
    const meta = { timestamp: '2026-01-01T00:00:00Z', toolVersion: '0.1.0' };
    const a = JSON.stringify(toCycloneDx(sample, meta));
    const b = JSON.stringify(toCycloneDx([...sample].reverse(), meta));
    expect(b).toBe(a);
    const c = toCycloneDx(sample.slice(1), meta);
    expect(c['serialNumber']).not.toBe(JSON.parse(a).serialNumber);
    const names = (JSON.parse(a).components as { 'bom-ref': string }[]).map((x) => x['bom-ref']);
    expect(names).toEqual([...names].sort());
  });

  it('maps names, groups, purls and scopes', () => {
    const bom = toCycloneDx(sample, { timestamp: '2026-01-01T00:00:00Z' });
    const comps = bom['components'] as Record<string, unknown>[];
    const by = (n: string) => comps.find((c) => c['name'] === n)!;
    expect(by('core')).toMatchObject({
      group: '@babel',
      version: '7.24.0',
      purl: 'pkg:npm/%40babel/core@7.24.0',
    });
    expect(by('chalk')).toMatchObject({ scope: 'excluded', purl: 'pkg:npm/chalk@5.6.1' });
    expect(by('requests')).toMatchObject({ scope: 'optional', purl: 'pkg:pypi/requests@2.31.0' });
    expect(by('log4j-core')).toMatchObject({
      group: 'org.apache.logging.log4j',
      purl: 'pkg:maven/org.apache.logging.log4j/log4j-core@2.14.1',
    });
    expect(by('console')).toMatchObject({ group: 'symfony', purl: 'pkg:composer/symfony/console@v5.4.0' });
    // an ecosystem without a purl mapping still gets a component, keyed by ecosystem
    expect(by('openssl')).toMatchObject({ 'bom-ref': 'Debian:12:openssl@3.0.11-1' });
    expect(by('openssl')['purl']).toBeUndefined();
  });

  it('merges a package seen in several files; dev only if every occurrence is dev', () => {
    const twice = [
      pkg({
        ecosystem: 'npm',
        name: 'debug',
        version: '4.4.2',
        dev: true,
        source: { file: 'a/package-lock.json' },
      }),
      pkg({ ecosystem: 'npm', name: 'debug', version: '4.4.2', source: { file: 'b/package-lock.json' } }),
    ];
    twice[1]!.locations = [{ file: 'b/package-lock.json', line: 9 }];
    twice[0]!.locations = [{ file: 'a/package-lock.json', line: 3 }];
    const comps = toCycloneDx(twice, { timestamp: '2026-01-01T00:00:00Z' })['components'] as Record<
      string,
      unknown
    >[];
    expect(comps).toHaveLength(1);
    expect(comps[0]!['scope']).toBeUndefined();
    const locs = (comps[0]!['properties'] as { name: string; value: string }[])
      .filter((p) => p.name === 'chainhunt:location')
      .map((p) => p.value);
    expect(locs).toEqual(['a/package-lock.json:3', 'b/package-lock.json:9']);
  });

  it('round-trips through the CycloneDX collector', () => {
    const json = JSON.stringify(toCycloneDx(sample, { timestamp: '2026-01-01T00:00:00Z' }));
    const back = parseCycloneDx(Buffer.from(json), 'bom.json');
    const key = (o: {
      ecosystem: string;
      name: string;
      version: string;
      dev?: boolean;
      optional?: boolean;
    }) => `${o.ecosystem}|${o.name}|${o.version}|${o.dev === true}|${o.optional === true}`;
    // Debian:12 without a purl cannot come back (no purl → no ecosystem); everything else must
    const expected = sample
      .filter((o) => o.ecosystem !== 'Debian:12')
      .map(key)
      .sort();
    expect(back.observations.map((o) => key(o as PackageObservation)).sort()).toEqual(expected);
  });
});

describe('cyclonedxReporter', () => {
  it('renders only the package observations of a report, stamped with generatedAt', () => {
    const other: Observation = {
      kind: 'file',
      host: 'h1',
      collectorId: 'collectors/files',
      source: { file: 'x' },
      path: 'x',
      name: 'x',
      size: 1,
      sha256: 'a',
      sha1: 'b',
      md5: 'c',
    };
    const report: Report = {
      schemaVersion: '1.0.0',
      tool: { name: 'chainhunt', version: '0.1.0' },
      generatedAt: '2026-02-03T04:05:06.000Z',
      hosts: [],
      findings: [],
      issues: [],
      plugins: [],
      intel: { sources: [], advisories: 0, indicators: 0, rules: 0 },
      advisories: [],
      observations: [other, ...sample],
    };
    const out = cyclonedxReporter.render(report, { color: false });
    const bom = JSON.parse(out);
    expect(bom.metadata.timestamp).toBe('2026-02-03T04:05:06.000Z');
    expect(bom.components).toHaveLength(sample.length);
    expect(validator()(bom)).toBe(true);
    expect(cyclonedxReporter.render(report, { color: false })).toBe(out);
  });
});

describe('real data', () => {
  it('juice-shop: packages read from its BOM are written back as a valid 1.6 BOM with the same name@version set', () => {
    const src = sharedData('sbom', 'cyclonedx-node-npm', 'juice-shop', 'bom.1.6.flat.json');
    const read = parseCycloneDx(readFileSync(src), src).observations.map(
      (o) => ({ ...o, host: 'h', collectorId: 'collectors/cyclonedx' }) as PackageObservation,
    );
    const text = writeCycloneDxJson(read, { timestamp: '2026-01-01T00:00:00Z' });
    const bom = JSON.parse(text);
    const validate = validator();
    expect(validate(bom), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const original = JSON.parse(readFileSync(src, 'utf8')) as {
      components: { group?: string; name: string; version: string }[];
    };
    const want = new Set(
      original.components.map((c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`),
    );
    const got = new Set(
      (bom.components as { group?: string; name: string; version: string }[]).map(
        (c) => `${c.group ? `${c.group}/` : ''}${c.name}@${c.version}`,
      ),
    );
    expect(got).toEqual(want);
    expect(writeCycloneDxJson(read, { timestamp: '2026-01-01T00:00:00Z' })).toBe(text);
  });
});
