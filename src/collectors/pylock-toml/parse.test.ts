import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { pylockTomlCollector } from './index.js';
import { parsePylockToml } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'python', 'pylock', 'testdata', f);
const run = (f: string) => parsePylockToml(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('pylock-toml', () => {
  it('claims pylock.toml and pylock.<name>.toml', () => {
    expect(pylockTomlCollector.matches(fileRef('p/pylock.toml'))).toBe(true);
    expect(pylockTomlCollector.matches(fileRef('p/pylock.dev.toml'))).toBe(true);
    expect(pylockTomlCollector.matches(fileRef('p/pyproject.toml'))).toBe(false);
  });

  it('reads the PEP 751 example', () => {
    const r = pk(run('example.toml'));
    expect(r.map((o) => `${o.name}@${o.version}`)).toEqual(['attrs@25.1.0', 'cattrs@24.1.2', 'numpy@2.2.3']);
    expect(r[1]!.locations[0]!.line).toBe(19);
  });

  it('skips the local directory project and keeps VCS packages with a version', () => {
    const r = run('commits.toml');
    const names = pk(r).map((o) => o.name);
    expect(names).toContain('mleroc');
    expect(names).toContain('tqdm');
    expect(names).not.toContain('net-inf-eval');
    expect(names).toHaveLength(7);
    expect(r.issues).toEqual([]);
  });

  it('reads pip and pdm output', () => {
    expect(pk(run('pip-full.toml')).map((o) => o.name)).toEqual([
      'annotated-types',
      'packaging',
      'pyproject-toml',
      'setuptools',
      'wheel',
    ]);
    expect(pk(run('pdm-full.toml'))).toHaveLength(10);
  });

  it('reports a VCS package without a version', () => {
    const r = parsePylockToml(
      Buffer.from(
        'lock-version = "1.0"\n[[packages]]\nname = "x"\nvcs = { type = "git", url = "https://e/x.git", commit-id = "abc" }\n',
      ),
      'pylock.toml',
    );
    expect(r.observations).toEqual([]);
    expect(r.issues[0]).toMatchObject({ code: 'unsupported', line: 2 });
  });

  it('reports broken input', () => {
    expect(run('not-toml.txt').issues[0]!.code).toBe('parse-error');
    expect(run('empty.toml').issues[0]!.code).toBe('empty');
  });
});
