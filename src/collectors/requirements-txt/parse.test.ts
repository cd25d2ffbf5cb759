import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { requirementsTxtCollector } from './index.js';
import { parseRequirement, parseRequirementsTxt, resolveInclude } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'python', 'requirements', 'testdata', f);
const run = (f: string) => parseRequirementsTxt(readFileSync(fx(f)), f);
const txt = (s: string) => parseRequirementsTxt(Buffer.from(s), 'requirements.txt');
const nv = (r: ReturnType<typeof run>) =>
  r.observations.map((o) => (o.kind === 'package' ? `${o.name}@${o.version}` : '')).sort();

describe('requirements-txt', () => {
  it('claims requirements*.txt and *-requirements.txt', () => {
    for (const n of [
      'requirements.txt',
      'requirements-dev.txt',
      'dev-requirements.txt',
      'requirements_prod.txt',
    ]) {
      expect(requirementsTxtCollector.matches(fileRef(`a/${n}`))).toBe(true);
    }
    expect(requirementsTxtCollector.matches(fileRef('a/notes.txt'))).toBe(false);
  });

  it('reads pins with PEP 503 names; unpinned ones become issues', () => {
    const r = run('with_versions.txt');
    expect(nv(r)).toEqual([
      'hy-phen@1.2',
      'nltk@3.2.2',
      'pkg-dot-name@5.0.0',
      'qwerty@0.1',
      'tabulate@0.7.7',
      'under-score@1.3',
      'yolo@1.0',
    ]);
    const unpinned = r.issues.filter((i) => i.code === 'unsupported').map((i) => i.line);
    expect(unpinned).toEqual([3, 4, 10, 12]); // >=, ==0.7.*, >=, <=
    expect(
      (r.observations as PackageObservation[]).find((o) => o.name === 'qwerty')?.locations[0]?.line,
    ).toBe(5);
  });

  it('reports includes, URLs, paths and unpinned lines in the pip example', () => {
    const r = run('example.txt');
    expect(nv(r)).toEqual(['docopt@0.6.1']);
    const msgs = r.issues.map((i) => `${i.line}:${i.message}`);
    expect(msgs.some((m) => m.startsWith('21:') && m.includes('"other-requirements.txt"'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('22:') && m.includes('constraints file "constraints.txt"'))).toBe(
      true,
    );
    expect(msgs.some((m) => m.startsWith('10:') && m.includes('urllib3'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('25:') && m.includes('numpy-1.9.2'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('28:') && m.includes('wxPython'))).toBe(true);
    expect(msgs.some((m) => m.startsWith('9:') && m.includes('requests'))).toBe(true);
  });

  it('handles extras, hashes, per-requirement options, markers and continuations', () => {
    expect(nv(run('extras.txt'))).toEqual(['celery@4.4.7', 'pyjwt@2.1.0']);
    const mc = run('multiline_and_comments.txt');
    expect(nv(mc)).toEqual(['pkga@1.0', 'pkgb@2.0']);
    expect((mc.observations as PackageObservation[]).find((o) => o.name === 'pkgb')?.locations[0]?.line).toBe(
      7,
    );
    const opts = run('per_req_options.txt');
    const names = nv(opts);
    for (const n of [
      'foo1',
      'foo2',
      'foo3',
      'foo4',
      'foo5',
      'foo6',
      'foo8',
      'foo9',
      'foo11',
      'foo12',
      'foo13',
      'foo14',
    ]) {
      expect(names).toContain(`${n}@1.0`);
    }
    expect(names).toContain('foo16-client@1.0');
    expect(names).toContain('foo17-hash@1.0');
    // text before the options is not a valid requirement; a missing version is an error
    expect(opts.issues.map((i) => i.line).sort((a, b) => a! - b!)).toEqual([13, 20, 30]);
    expect(run('trailing_backslash.txt').observations[0]).toMatchObject({ name: 'pkg1', version: '1.0' });
  });

  it('reports malformed lines without stopping', () => {
    const r = run('invalid.txt');
    expect(r.observations).toEqual([]);
    expect(r.issues.map((i) => i.line)).toEqual([1, 2, 3, 4, 5]);
    expect(r.issues.filter((i) => i.code === 'parse-error')).toHaveLength(4);
  });

  it('reports editable installs and ignores global options', () => {
    const r = txt(
      '--index-url https://pypi.org/simple\n-e git+https://github.com/x/y.git#egg=y\nDjango==4.2.7 ; python_version >= "3.8"\n',
    );
    expect(nv(r)).toEqual(['django@4.2.7']);
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]).toMatchObject({ code: 'unsupported', line: 2 });
    expect(r.issues[0]!.message).toContain('editable');
  });

  it('parses PEP 508 specifiers', () => {
    expect(parseRequirement('requests [security,socks] >= 2.8.1, == 2.8.* ; python_version < "2.7"')).toEqual(
      {
        name: 'requests',
        extras: ['security', 'socks'],
        specs: [
          { op: '>=', version: '2.8.1' },
          { op: '==', version: '2.8.*' },
        ],
        marker: 'python_version < "2.7"',
      },
    );
    expect(parseRequirement('==1.0')).toBe('no project name');
    expect(parseRequirement('x (==1.0)')).toMatchObject({ specs: [{ op: '==', version: '1.0' }] });
  });

  it('reports each include file name as an issue (loop.txt)', () => {
    const r = run('loop.txt');
    expect(r.issues).toHaveLength(1);
    expect(r.issues[0]!.message).toContain('"other-loop.txt"');
  });

  it('names the included file resolved against the including file', () => {
    expect(resolveInclude('repo/app/requirements.txt', 'base.txt')).toBe('repo/app/base.txt');
    expect(resolveInclude('repo/app/requirements.txt', '../common/req.txt')).toBe('repo/common/req.txt');
    expect(resolveInclude('/ev/h1/app/requirements.txt', './x/../y.txt')).toBe('/ev/h1/app/y.txt');
    expect(resolveInclude('src.zip!/requirements.txt', '../../up.txt')).toBe('src.zip!/../../up.txt');
    expect(resolveInclude('a/requirements.txt', 'https://example.com/r.txt')).toBe(
      'https://example.com/r.txt',
    );
    const r = parseRequirementsTxt(Buffer.from('-r ../base.txt\n'), 'svc/api/requirements.txt');
    expect(r.issues[0]!.message).toContain('i.e. svc/base.txt');
  });
});
