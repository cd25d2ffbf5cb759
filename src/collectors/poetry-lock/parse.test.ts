import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef, sharedData } from '../../../test/fixtures.js';
import { poetryLockCollector } from './index.js';
import { parsePoetryLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'python', 'poetrylock', 'testdata', f);
const run = (f: string) => parsePoetryLock(readFileSync(fx(f)), f);
const nv = (r: ReturnType<typeof run>) =>
  r.observations.map((o) => (o.kind === 'package' ? `${o.name}@${o.version}` : '')).sort();

describe('poetry-lock', () => {
  it('claims poetry.lock only', () => {
    expect(poetryLockCollector.matches(fileRef('app/poetry.lock'))).toBe(true);
    expect(poetryLockCollector.matches(fileRef('app/Cargo.lock'))).toBe(false);
  });

  it('reads two packages with their lines and purls', () => {
    const r = run('two-packages.lock');
    expect(nv(r)).toEqual(['proto-plus@1.22.0', 'protobuf@4.21.5']);
    const pb = r.observations.find((o) => o.kind === 'package' && o.name === 'protobuf');
    expect(pb).toMatchObject({
      ecosystem: 'PyPI',
      purl: 'pkg:pypi/protobuf@4.21.5',
      locations: [{ file: 'two-packages.lock', line: 15 }],
    });
    expect(r.issues).toEqual([]);
  });

  it('ignores name keys outside [[package]] tables and in multi-line strings', () => {
    expect(nv(run('names-outside-package-block.lock'))).toEqual(['first-pkg@1.0.0', 'second-pkg@2.0.0']);
  });

  it('marks optional packages, and 2.x groups without main as dev', () => {
    const opt = run('optional-package.lock').observations[0];
    expect(opt).toMatchObject({ name: 'numpy', version: '1.23.3', optional: true });
    const r = run('multiple-packages.v2.lock');
    const get = (n: string) => r.observations.find((o) => o.kind === 'package' && o.name === n);
    expect(get('factory-boy')).toMatchObject({ version: '3.3.1', dev: true }); // groups = ["dev"]
    expect(get('six')).not.toHaveProperty('dev'); // groups = ["main", "dev", "test"]
    expect(get('async-timeout')).toMatchObject({ optional: true });
    expect(get('async-timeout')).not.toHaveProperty('dev');
  });

  it('marks 1.x category=dev as dev', () => {
    const text = '[[package]]\nname = "Pytest_Cov"\nversion = "4.0.0"\ncategory = "dev"\noptional = false\n';
    const r = parsePoetryLock(Buffer.from(text), 'poetry.lock');
    expect(r.observations).toHaveLength(1);
    expect(r.observations[0]).toMatchObject({
      name: 'pytest-cov',
      version: '4.0.0',
      dev: true,
      purl: 'pkg:pypi/pytest-cov@4.0.0',
    });
  });

  it('reports empty and non-TOML files as issues', () => {
    expect(run('empty-file.lock').issues.map((i) => i.code)).toEqual(['empty']);
    const bad = run('not-toml.txt');
    expect(bad.observations).toEqual([]);
    expect(bad.issues[0]).toMatchObject({ code: 'parse-error', file: 'not-toml.txt' });
  });

  it('collect never throws and stamps the file path', async () => {
    const r = await Promise.resolve(
      poetryLockCollector.collect(collectorInput('x/poetry.lock', '[[package]]\nname = 1\n')),
    );
    expect(r.observations).toEqual([]);
    expect(r.issues[0]).toMatchObject({
      code: 'invalid-value',
      file: 'x/poetry.lock',
      pluginId: 'collectors/poetry-lock',
      line: 1,
    });
  });
});
