import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fileRef, sharedData } from '../../../test/fixtures.js';
import type { PackageObservation } from '../../core/observation.js';
import { gradleLockfileCollector } from './index.js';
import { parseGradleLockfile } from './parse.js';

const fx = (f: string) => sharedData('lockfiles', 'osv-scalibr', 'java', 'gradlelockfile', 'testdata', f);
const run = (f: string) => parseGradleLockfile(readFileSync(fx(f)), f);
const pk = (r: ReturnType<typeof run>) => r.observations as PackageObservation[];

describe('gradle-lockfile', () => {
  it('claims gradle.lockfile and legacy per-configuration lockfiles', () => {
    expect(gradleLockfileCollector.matches(fileRef('app/gradle.lockfile'))).toBe(true);
    expect(
      gradleLockfileCollector.matches(fileRef('app/gradle/dependency-locks/compileClasspath.lockfile')),
    ).toBe(true);
    expect(gradleLockfileCollector.matches(fileRef('app/buildscript-gradle.lockfile'))).toBe(true);
    expect(gradleLockfileCollector.matches(fileRef('app/other.lockfile'))).toBe(false);
  });

  it('reads group:artifact:version lines as Maven packages', () => {
    const r = pk(run('5-pkg'));
    expect(r.map((o) => `${o.name}@${o.version}`)).toEqual([
      'org.springframework.boot:spring-boot-autoconfigure@2.7.4',
      'org.springframework.boot:spring-boot-configuration-processor@2.7.5',
      'org.springframework.boot:spring-boot-devtools@2.7.6',
      'org.springframework.boot:spring-boot-starter-aop@2.7.7',
      'org.springframework.boot:spring-boot-starter-data-jpa@2.7.8',
    ]);
    expect(r[0]).toMatchObject({
      ecosystem: 'Maven',
      purl: 'pkg:maven/org.springframework.boot/spring-boot-autoconfigure@2.7.4',
      locations: [{ line: 5 }],
    });
    expect(pk(run('one-pkg'))).toMatchObject([
      { name: 'org.springframework.security:spring-security-crypto', version: '5.7.3' },
    ]);
    expect(run('only-comments')).toEqual({ observations: [], issues: [] });
  });

  it('reports bad lines and keeps the good ones', () => {
    const r = run('with-bad-pkg');
    expect(pk(r).map((o) => o.version)).toEqual(['2.7.4', '2.7.5']);
    expect(r.issues.map((i) => i.line)).toEqual([3, 4, 9, 10]);
  });

  it('marks test-only configurations as dev', () => {
    const r = pk(
      parseGradleLockfile(
        Buffer.from(
          'junit:junit:4.13.2=testCompileClasspath,testRuntimeClasspath\na:b:1=runtimeClasspath,testRuntimeClasspath\n',
        ),
        'gradle.lockfile',
      ),
    );
    expect(r.map((o) => `${o.name}${o.dev ? ' dev' : ''}`)).toEqual(['a:b', 'junit:junit dev']);
  });
});
