import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { uvLockCollector } from './index.js';
import { parseUvLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'python', 'uvlock', 'testdata', f);
const run = (f: string) => parseUvLock(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

const workspace = `version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { editable = "." }
dependencies = [{ name = "requests" }]

[package.optional-dependencies]
fast = [{ name = "orjson" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "requests"
version = "2.32.3"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "urllib3" }]

[[package]]
name = "urllib3"
version = "2.2.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "orjson"
version = "3.10.7"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.3.3"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "iniconfig" }, { name = "urllib3" }]

[[package]]
name = "iniconfig"
version = "2.0.0"
source = { registry = "https://pypi.org/simple" }
`;

describe('uv-lock', () => {
  it('claims uv.lock', () => {
    expect(uvLockCollector.matches(fileRef('p/uv.lock'))).toBe(true);
  });

  it('reads the scalibr two-package lock as direct dependencies of the virtual root', () => {
    const r = pk(run('two-packages.lock'));
    expect(r.map((o) => `${o.name}@${o.version}`)).toEqual(['emoji@2.14.0', 'protobuf@4.25.5']);
    expect(r.every((o) => o.direct === true)).toBe(true);
  });

  it('skips the project itself and keeps git sources', () => {
    expect(pk(run('source-git.lock')).map((o) => `${o.name}@${o.version}`)).toEqual(['ruff@0.8.1']);
    expect(run('no-dependencies.lock').observations).toEqual([]);
    expect(pk(run('names-outside-package-block.lock')).map((o) => o.name)).toEqual([
      'first-pkg',
      'second-pkg',
    ]);
  });

  it('classifies direct, transitive, dev and optional from the workspace graph', () => {
    const r = pk(parseUvLock(Buffer.from(workspace), 'uv.lock'));
    const by = (n: string) => r.find((o) => o.name === n)!;
    expect(r.map((o) => o.name)).toEqual(['iniconfig', 'orjson', 'pytest', 'requests', 'urllib3']);
    expect(by('requests')).toMatchObject({ direct: true });
    expect(by('requests')).not.toHaveProperty('dev');
    expect(by('urllib3')).toMatchObject({ direct: false }); // reached from prod and from dev: prod wins
    expect(by('urllib3')).not.toHaveProperty('dev');
    expect(by('pytest')).toMatchObject({ direct: true, dev: true });
    expect(by('iniconfig')).toMatchObject({ direct: false, dev: true });
    expect(by('orjson')).toMatchObject({ direct: true, optional: true });
    expect(by('orjson')).not.toHaveProperty('dev');
  });

  it('reports broken input', () => {
    expect(run('not-toml.txt').issues[0]!.code).toBe('parse-error');
    expect(run('empty.lock').issues[0]!.code).toBe('empty');
    expect(parseUvLock(Buffer.from('package = 3\n'), 'uv.lock').issues[0]!.code).toBe('invalid-value');
  });
});
