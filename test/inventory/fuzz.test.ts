/**
 * Mutation fuzzing of every non-JavaScript package parser: 10,000 deterministic mutants per
 * parser (byte flips, deletions, format-token insertions, truncation, duplication, swaps) of small
 * real and hand-written seeds. The parser must return, never throw, a well-formed result whose
 * size is bounded by its input; the heap must not grow without bound across the run. Hangs are
 * caught by the Vitest timeout.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../fixtures.js';
import type { CollectorResult } from '../../src/core/plugin.js';
import { parseCargoLock } from '../../src/collectors/cargo-lock/parse.js';
import { parseComposerLock } from '../../src/collectors/composer-lock/parse.js';
import { parseCycloneDx } from '../../src/collectors/cyclonedx/parse.js';
import { parseGemfileLock } from '../../src/collectors/gemfile-lock/parse.js';
import { parseGoMod } from '../../src/collectors/go-mod/parse.js';
import { parseGradleLockfile } from '../../src/collectors/gradle-lockfile/parse.js';
import { parseNugetPackagesLock } from '../../src/collectors/nuget-packages-lock/parse.js';
import { parsePdmLock } from '../../src/collectors/pdm-lock/parse.js';
import { parsePipfileLock } from '../../src/collectors/pipfile-lock/parse.js';
import { parsePoetryLock } from '../../src/collectors/poetry-lock/parse.js';
import { parsePylockToml } from '../../src/collectors/pylock-toml/parse.js';
import { parsePythonDistInfo } from '../../src/collectors/python-dist-info/parse.js';
import { parseRequirementsTxt } from '../../src/collectors/requirements-txt/parse.js';
import { parseSpdx } from '../../src/collectors/spdx/parse.js';
import { parseUvLock } from '../../src/collectors/uv-lock/parse.js';

import { rng } from '../npm-fuzz.js';

const MUTANTS_PER_PARSER = 10_000;

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  '\n',
  '    ',
  '=',
  '#',
  '\\',
  '\\\n',
  '\r\n',
  '\u0000',
  '\uFEFF',
  '\uD800',
  '[[package]]\n',
  '[[packages]]\n',
  'name = ',
  'version = ',
  '"""',
  "'''",
  'inf',
  '1979-05-27T07:32:00Z',
  '{ a = 1 }',
  '<',
  '>',
  '</',
  '/>',
  '<!--',
  '-->',
  '<![CDATA[',
  ']]>',
  '&amp;',
  '&#x1F600;',
  '&#99999999;',
  '&x;',
  '<!DOCTYPE x [<!ENTITY x "y">]>',
  'specs:\n',
  'GEM\n',
  '  remote: x\n',
  '    a (1.0)\n',
  '(',
  ')',
  'require (\n',
  ')\n',
  '=>',
  '// indirect',
  'replace ',
  'toolchain go1.2',
  '-r ',
  '-e ',
  '--hash=sha256:00',
  ';',
  '@',
  '==',
  '===',
  '[extra]',
  '__proto__',
  'constructor',
  'null',
  'true',
  '1e999',
  '-1',
  'pkg:npm/%40',
  'pkg:maven/a/b@1?x=%',
  'pkg:',
  '%',
  'SPDXVersion: SPDX-2.3\n',
  'PackageName: x\n',
  '<text>',
  '</text>',
  'ExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1\n',
  'Relationship: A DEPENDS_ON B\n',
  '&a ',
  '*a',
  '!!binary ',
  '---\n',
  '- ',
  '? ',
  '"bomFormat":"CycloneDX",',
  '"components":[',
  '"purl":',
  '"@graph":[',
  '"dependencies":{',
  'Name: ',
  'Version: ',
];

function* mutants(seeds: readonly Buffer[], count: number, seed: number): Generator<Buffer> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    let b = pick(seeds);
    const ops = 1 + Math.floor(r() * 4);
    for (let k = 0; k < ops; k++) {
      const pos = Math.floor(r() * (b.length + 1));
      const op = Math.floor(r() * 7);
      if (op === 0 && b.length > 0) {
        b = Buffer.from(b);
        b[Math.min(pos, b.length - 1)] = Math.floor(r() * 256);
      } else if (op === 1)
        b = Buffer.concat([
          b.subarray(0, pos),
          b.subarray(Math.min(b.length, pos + 1 + Math.floor(r() * 32))),
        ]);
      else if (op === 2) b = Buffer.concat([b.subarray(0, pos), Buffer.from(pick(TOKENS)), b.subarray(pos)]);
      else if (op === 3) b = b.subarray(0, pos);
      else if (op === 4)
        b = Buffer.concat([
          b.subarray(0, pos),
          b.subarray(pos, pos + Math.floor(r() * 128)),
          b.subarray(pos),
        ]);
      else if (op === 5) {
        const q = Math.floor(r() * (b.length + 1));
        const [x, y] = pos < q ? [pos, q] : [q, pos];
        b = Buffer.concat([b.subarray(0, x), b.subarray(y), b.subarray(x, y)]);
      } else {
        // repeat a small slice many times (deep nesting, long lines, many records)
        const piece = b.subarray(pos, pos + 1 + Math.floor(r() * 8));
        b = Buffer.concat([b.subarray(0, pos), Buffer.alloc(piece.length * 200, piece), b.subarray(pos)]);
      }
    }
    yield b;
  }
}

type Parse = (content: Uint8Array, file: string) => CollectorResult;

function fuzz(
  parse: Parse,
  file: string,
  seeds: Buffer[],
  seed: number,
): { withPackages: number; withIssues: number } {
  let withPackages = 0;
  let withIssues = 0;
  const heapBefore = process.memoryUsage().heapUsed;
  let n = 0;
  for (const m of mutants(seeds, MUTANTS_PER_PARSER, seed)) {
    n++;
    let res: CollectorResult;
    try {
      res = parse(m, file);
    } catch (err) {
      throw new Error(
        `mutant ${n} threw: ${String(err)}\ninput (base64): ${m.toString('base64').slice(0, 4000)}`,
      );
    }
    if (!Array.isArray(res.observations) || !Array.isArray(res.issues))
      throw new Error(`mutant ${n}: bad result shape`);
    if (res.observations.length > m.length) throw new Error(`mutant ${n}: more packages than input bytes`);
    if (res.issues.length > 201) throw new Error(`mutant ${n}: issue list not capped`);
    for (const i of res.issues)
      if (typeof i.message !== 'string' || i.file !== file) throw new Error(`mutant ${n}: malformed issue`);
    if (res.observations.length > 0) withPackages++;
    if (res.issues.length > 0) withIssues++;
  }
  expect(n).toBe(MUTANTS_PER_PARSER);
  // results are dropped as we go, so live heap stays near where it started (generous bound for GC lag)
  expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
  return { withPackages, withIssues };
}

const here = path.dirname(fileURLToPath(import.meta.url));
const scalibr = (...p: string[]) => readFileSync(sharedData('lockfiles', 'osv-scalibr', ...p));
const sbom = (...p: string[]) => readFileSync(sharedData('sbom', ...p));
const local = (...p: string[]) => readFileSync(path.join(here, '..', '..', 'src', 'collectors', ...p));

const cdxXml = Buffer.from(`<?xml version="1.0" encoding="UTF-8"?>
<bom xmlns="http://cyclonedx.org/schema/bom/1.5" version="1">
  <metadata><component type="application" bom-ref="root"><name>app</name><version>1.0.0</version></component></metadata>
  <components>
    <component type="library" bom-ref="a"><group>org.example</group><name>a</name><version>1.0</version><purl>pkg:maven/org.example/a@1.0</purl><scope>optional</scope>
      <components><component type="library" bom-ref="b"><name>b</name><version>2.0</version><purl>pkg:npm/b@2.0?x=1&amp;y=2</purl></component></components>
    </component>
    <component type="library" bom-ref="c"><name>c</name><version>3</version><purl>pkg:pypi/c@3</purl><properties><property name="cdx:npm:package:development">true</property></properties></component>
  </components>
  <dependencies><dependency ref="root"><dependency ref="a"/></dependency></dependencies>
</bom>
`);

const spdxYaml = Buffer.from(`spdxVersion: SPDX-2.3
SPDXID: SPDXRef-DOCUMENT
name: y
documentDescribes: [SPDXRef-app]
packages:
  - SPDXID: SPDXRef-app
    name: app
    versionInfo: "1"
  - SPDXID: SPDXRef-a
    name: a
    versionInfo: 1.0.0
    externalRefs:
      - referenceCategory: PACKAGE-MANAGER
        referenceType: purl
        referenceLocator: pkg:npm/a@1.0.0
relationships:
  - spdxElementId: SPDXRef-app
    relationshipType: DEPENDS_ON
    relatedSpdxElement: SPDXRef-a
`);

const spdxTag = Buffer.from(`SPDXVersion: SPDX-2.3
SPDXID: SPDXRef-DOCUMENT
Relationship: SPDXRef-DOCUMENT DESCRIBES SPDXRef-app
PackageName: app
SPDXID: SPDXRef-app
PackageName: a
SPDXID: SPDXRef-a
PackageVersion: 1.0.0
PackageComment: <text>x
y</text>
ExternalRef: PACKAGE-MANAGER purl pkg:npm/a@1.0.0
Relationship: SPDXRef-app DEPENDS_ON SPDXRef-a
`);

const metadata = Buffer.from('Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nSummary: x\n\nbody\n');

const cases: { name: string; parse: Parse; file: string; seeds: () => Buffer[] }[] = [
  {
    name: 'poetry-lock',
    parse: parsePoetryLock,
    file: 'poetry.lock',
    seeds: () => [
      scalibr('python', 'poetrylock', 'testdata', 'two-packages.lock'),
      scalibr('python', 'poetrylock', 'testdata', 'names-outside-package-block.lock'),
    ],
  },
  {
    name: 'requirements-txt',
    parse: parseRequirementsTxt,
    file: 'requirements.txt',
    seeds: () => [
      scalibr('python', 'requirements', 'testdata', 'example.txt'),
      scalibr('python', 'requirements', 'testdata', 'per_req_options.txt'),
    ],
  },
  {
    name: 'pipfile-lock',
    parse: parsePipfileLock,
    file: 'Pipfile.lock',
    seeds: () => [
      scalibr('python', 'pipfilelock', 'testdata', 'two-packages.json'),
      scalibr('python', 'pipfilelock', 'testdata', 'no-version.json'),
    ],
  },
  {
    name: 'uv-lock',
    parse: parseUvLock,
    file: 'uv.lock',
    seeds: () => [
      scalibr('python', 'uvlock', 'testdata', 'source-git.lock'),
      scalibr('python', 'uvlock', 'testdata', 'names-outside-package-block.lock'),
    ],
  },
  {
    name: 'pdm-lock',
    parse: parsePdmLock,
    file: 'pdm.lock',
    seeds: () => [scalibr('python', 'pdmlock', 'testdata', 'dev-dependency.toml')],
  },
  {
    name: 'pylock-toml',
    parse: parsePylockToml,
    file: 'pylock.toml',
    seeds: () => [scalibr('python', 'pylock', 'testdata', 'example.toml')],
  },
  {
    name: 'python-dist-info',
    parse: parsePythonDistInfo,
    file: 'x.dist-info/METADATA',
    seeds: () => [metadata],
  },
  {
    name: 'go-mod',
    parse: parseGoMod,
    file: 'go.mod',
    seeds: () => [
      scalibr('golang', 'gomod', 'testdata', 'indirect-packages.mod'),
      scalibr('golang', 'gomod', 'testdata', 'replace-mixed.mod'),
      scalibr('golang', 'gomod', 'testdata', 'toolchain.mod'),
    ],
  },
  {
    name: 'cargo-lock',
    parse: parseCargoLock,
    file: 'Cargo.lock',
    seeds: () => [scalibr('rust', 'cargolock', 'testdata', 'package-with-comments.lock')],
  },
  {
    name: 'gemfile-lock',
    parse: parseGemfileLock,
    file: 'Gemfile.lock',
    seeds: () => [
      scalibr('ruby', 'gemfilelock', 'testdata', 'has-git-gem.lock'),
      scalibr('ruby', 'gemfilelock', 'testdata', 'multiple-gems.lock'),
    ],
  },
  {
    name: 'composer-lock',
    parse: parseComposerLock,
    file: 'composer.lock',
    seeds: () => [scalibr('php', 'composerlock', 'testdata', 'two-packages.json')],
  },
  {
    name: 'nuget-packages-lock',
    parse: parseNugetPackagesLock,
    file: 'packages.lock.json',
    seeds: () => [scalibr('dotnet', 'packageslockjson', 'testdata', 'valid', 'packages.lock.json')],
  },
  {
    name: 'gradle-lockfile',
    parse: parseGradleLockfile,
    file: 'gradle.lockfile',
    seeds: () => [
      scalibr('java', 'gradlelockfile', 'testdata', '5-pkg'),
      scalibr('java', 'gradlelockfile', 'testdata', 'with-bad-pkg'),
    ],
  },
  {
    name: 'cyclonedx (JSON)',
    parse: parseCycloneDx,
    file: 'bom.json',
    seeds: () => [sbom('cyclonedx-node-npm', 'package-integrity', 'bom.1.6.flat.json')],
  },
  { name: 'cyclonedx (XML)', parse: parseCycloneDx, file: 'bom.xml', seeds: () => [cdxXml] },
  {
    name: 'spdx (JSON 2.3, JSON-LD 3.0)',
    parse: parseSpdx,
    file: 'x.spdx.json',
    seeds: () => [
      local('spdx', '__fixtures__', 'npm-app.spdx.json'),
      sbom('spdx-spec', 'v3.0-package_sbom.jsonld.json'),
    ],
  },
  { name: 'spdx (YAML, tag-value)', parse: parseSpdx, file: 'x.spdx', seeds: () => [spdxYaml, spdxTag] },
];

describe(`fuzz: ${MUTANTS_PER_PARSER} mutants per package parser`, () => {
  cases.forEach((c, i) => {
    it(`${c.name} survives ${MUTANTS_PER_PARSER} mutated inputs`, () => {
      const seeds = c.seeds();
      // the seeds are valid input with packages (so mutants start from real structure)
      expect(
        seeds.some((s) => c.parse(s, c.file).observations.length > 0),
        c.name,
      ).toBe(true);
      const { withPackages, withIssues } = fuzz(c.parse, c.file, seeds, 1000 + i);
      // sanity: mutation neither always destroys the input nor never disturbs it
      expect(withPackages).toBeGreaterThan(0);
      expect(withIssues).toBeGreaterThan(0);
    });
  });
});
