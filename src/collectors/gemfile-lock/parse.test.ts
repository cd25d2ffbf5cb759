import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { gemfileLockCollector } from './index.js';
import { parseGemfileLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'ruby', 'gemfilelock', 'testdata', f);
const run = (f: string) => parseGemfileLock(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('gemfile-lock', () => {
  it('claims Gemfile.lock and gems.locked', () => {
    expect(gemfileLockCollector.matches(fileRef('a/Gemfile.lock'))).toBe(true);
    expect(gemfileLockCollector.matches(fileRef('a/gems.locked'))).toBe(true);
  });

  it('reads specs, not their dependency lines; DEPENDENCIES are direct', () => {
    const r = pk(run('multiple-gems.lock'));
    expect(r.map((o) => `${o.name}@${o.version}${o.direct ? '*' : ''}`)).toEqual([
      'bundler-audit@0.9.0.1*',
      'coderay@1.1.3',
      'dotenv@2.7.6*',
      'method_source@1.0.0',
      'pry@0.14.1*',
      'thor@1.2.1',
    ]);
    expect(r[0]).toMatchObject({
      ecosystem: 'RubyGems',
      purl: 'pkg:gem/bundler-audit@0.9.0.1',
      locations: [{ line: 4 }],
    });
  });

  it('reads GIT and PATH sections and splits platform suffixes', () => {
    const git = pk(run('has-git-gem.lock'));
    expect(git.map((o) => o.name)).toEqual([
      'concurrent-ruby',
      'hanami-controller',
      'hanami-utils',
      'rack',
      'transproc',
    ]);
    expect(git.find((o) => o.name === 'hanami-utils')).toMatchObject({
      version: '2.0.0.alpha1',
      direct: true,
    });
    const local = pk(run('has-local-gem.lock'));
    expect(local.find((o) => o.name === 'backbone-on-rails')).toMatchObject({ version: '1.2.0.0' });
    expect(local.find((o) => o.name === 'nokogiri')).toMatchObject({
      version: '1.13.3',
      purl: 'pkg:gem/nokogiri@1.13.3?platform=x86_64-linux',
    });
  });

  it('copes with section order and missing sections', () => {
    expect(pk(run('source-section-at-end.lock')).map((o) => `${o.name}@${o.version}`)).toEqual(['ast@2.4.2']);
    expect(run('no-spec-section.lock').observations).toEqual([]);
    expect(run('no-gem-section.lock').observations).toEqual([]);
  });

  it('reports a spec line without a version', () => {
    const r = run('invalid.lock');
    expect(r.observations).toEqual([]);
    expect(r.issues[0]).toMatchObject({ code: 'parse-error', line: 4 });
  });
});
