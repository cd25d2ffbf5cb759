import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { composerLockCollector } from './index.js';
import { parseComposerLock } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'php', 'composerlock', 'testdata', f);
const run = (f: string) => parseComposerLock(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('composer-lock', () => {
  it('claims composer.lock', () => {
    expect(composerLockCollector.matches(fileRef('a/composer.lock'))).toBe(true);
    expect(composerLockCollector.matches(fileRef('a/composer.json'))).toBe(false);
  });

  it('reads packages and packages-dev', () => {
    const r = pk(run('two-packages.json'));
    expect(r.map((o) => `${o.name}@${o.version}${o.dev ? ' dev' : ''}`)).toEqual([
      'sentry/sdk@2.0.4',
      'theseer/tokenizer@1.1.3 dev',
    ]);
    expect(r[0]).toMatchObject({
      ecosystem: 'Packagist',
      purl: 'pkg:composer/sentry/sdk@2.0.4',
      locations: [{ line: 10 }],
    });
    expect(pk(run('one-package-dev.json'))).toMatchObject([{ name: 'sentry/sdk', dev: true }]);
  });

  it('reads a Drupal lock with pre-release versions', () => {
    const r = pk(run('drupal-packages.json'));
    expect(r.find((o) => o.name === 'drupal/core')).toMatchObject({
      version: '10.4.5',
      locations: [{ line: 10 }],
    });
    expect(r.find((o) => o.name === 'drupal/tfa')).toMatchObject({
      version: '2.0.0-alpha4',
      locations: [{ line: 174 }],
    });
  });

  it('handles empty and broken input', () => {
    expect(run('empty.json')).toEqual({ observations: [], issues: [] });
    expect(run('not-json.txt').issues[0]!.code).toBe('parse-error');
    expect(parseComposerLock(Buffer.from('{"packages": {}}'), 'composer.lock').issues[0]!.code).toBe(
      'invalid-value',
    );
  });
});
