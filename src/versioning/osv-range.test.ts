import { describe, expect, it } from 'vitest';
import { evaluateAffected, isAffected, nearestFixed, type OsvAffected, type OsvEvent } from './osv-range.js';

function eco(ecosystem: string, events: OsvEvent[], extra: Partial<OsvAffected> = {}): OsvAffected {
  return { package: { ecosystem, name: 'pkg' }, ranges: [{ type: 'ECOSYSTEM', events }], ...extra };
}

function semver(events: OsvEvent[]): OsvAffected {
  return { package: { ecosystem: 'npm', name: 'pkg' }, ranges: [{ type: 'SEMVER', events }] };
}

describe('OSV schema worked examples', () => {
  it('introduced 0 alone affects every version, even one the scheme cannot parse', () => {
    const a = semver([{ introduced: '0' }]);
    for (const v of ['0.0.0', '1.2.3', '999.0.0-rc.1']) expect(isAffected(a, v), v).toBe(true);
    expect(isAffected(eco('npm', [{ introduced: '0' }]), 'not-a-version')).toBe(true);
  });
  it('introduced 0, fixed 1.0.2: everything before 1.0.2', () => {
    const a = semver([{ introduced: '0' }, { fixed: '1.0.2' }]);
    expect(isAffected(a, '0.0.1')).toBe(true);
    expect(isAffected(a, '1.0.2-rc.1')).toBe(true);
    expect(isAffected(a, '1.0.1')).toBe(true);
    expect(isAffected(a, '1.0.2')).toBe(false);
    expect(isAffected(a, '2.0.0')).toBe(false);
  });
  it('two intervals [1.0.0, 1.0.2) and [3.0.0, 3.2.5)', () => {
    const a = semver([
      { introduced: '1.0.0' },
      { fixed: '1.0.2' },
      { introduced: '3.0.0' },
      { fixed: '3.2.5' },
    ]);
    const expected: [string, boolean][] = [
      ['0.9.9', false],
      ['1.0.0', true],
      ['1.0.1', true],
      ['1.0.2', false],
      ['2.9.9', false],
      ['3.0.0', true],
      ['3.2.4', true],
      ['3.2.5', false],
      ['4.0.0', false],
    ];
    for (const [v, want] of expected) expect(isAffected(a, v), v).toBe(want);
  });
  it('last_affected is inclusive, fixed is exclusive', () => {
    const last = eco('Maven', [{ introduced: '0' }, { last_affected: '2.1.214' }]);
    const fixed = semver([{ introduced: '0' }, { fixed: '2.1.214' }]);
    expect(isAffected(last, '2.1.214')).toBe(true);
    expect(isAffected(last, '2.1.215')).toBe(false);
    expect(isAffected(fixed, '2.1.214')).toBe(false);
    expect(isAffected(fixed, '2.1.213')).toBe(true);
  });
});

describe('edge cases', () => {
  it('sorts unsorted events with the ecosystem order', () => {
    // lexical order would put 1.10 before 1.9; PyPI order does not.
    const a = eco('PyPI', [
      { fixed: '1.10' },
      { introduced: '1.9' },
      { fixed: '2.0.post1' },
      { introduced: '2.0' },
    ]);
    expect(isAffected(a, '1.9.5')).toBe(true);
    expect(isAffected(a, '1.10')).toBe(false);
    expect(isAffected(a, '2.0')).toBe(true);
    expect(isAffected(a, '2.0.post1')).toBe(false);
    expect(isAffected(a, '1.8')).toBe(false);
  });
  it('uses the ecosystem comparator, not string or SemVer order', () => {
    const deb = eco('Debian:12', [{ introduced: '0' }, { fixed: '1.2.3-1' }]);
    expect(isAffected(deb, '1.2.3-1~deb12u1')).toBe(true); // ~ sorts before the release
    expect(isAffected(deb, '1.2.3-1+deb12u1')).toBe(false);
    const mvn = eco('Maven', [{ introduced: '1.0' }, { fixed: '1.0.1' }]);
    expect(isAffected(mvn, '1.0-SNAPSHOT')).toBe(false);
    expect(isAffected(mvn, '1.0.0')).toBe(true);
  });
  it('any of several ranges matches, and cites the one that did', () => {
    const a: OsvAffected = {
      package: { ecosystem: 'npm', name: 'x' },
      ranges: [
        { type: 'SEMVER', events: [{ introduced: '1.0.0' }, { fixed: '1.1.0' }] },
        { type: 'ECOSYSTEM', events: [{ introduced: '2.0.0' }, { last_affected: '2.0.5' }] },
      ],
    };
    const r = evaluateAffected(a, '2.0.3');
    expect(r.affected).toBe(true);
    expect(r.matchedBy).toMatchObject({
      type: 'range',
      rangeIndex: 1,
      introduced: '2.0.0',
      lastAffected: '2.0.5',
    });
    expect(evaluateAffected(a, '1.0.5').matchedBy).toMatchObject({
      rangeIndex: 0,
      introduced: '1.0.0',
      fixed: '1.1.0',
    });
    expect(isAffected(a, '1.5.0')).toBe(false);
  });
  it('matches listed versions, and equal spellings of them', () => {
    const a = eco('PyPI', [], { versions: ['0.1.0', '0.2.6'], ranges: [] });
    expect(evaluateAffected(a, '0.2.6').matchedBy).toEqual({ type: 'version', version: '0.2.6' });
    expect(isAffected(a, '0.2.6.0')).toBe(true);
    expect(isAffected(a, '0.2.5')).toBe(false);
  });
  it('applies limit events: only versions below a limit are in the range', () => {
    const a = semver([{ introduced: '1.0.0' }, { limit: '1.5.0' }]);
    expect(isAffected(a, '1.4.9')).toBe(true);
    expect(isAffected(a, '1.5.0')).toBe(false);
    expect(isAffected(semver([{ introduced: '1.0.0' }, { limit: '*' }]), '9.0.0')).toBe(true);
    const two = semver([{ introduced: '1.0.0' }, { limit: '1.2.0' }, { limit: '2.0.0' }]);
    expect(isAffected(two, '1.9.0')).toBe(true);
  });
  it('an introduced and fixed at the same version make an empty interval', () => {
    expect(isAffected(semver([{ introduced: '1.0.0' }, { fixed: '1.0.0' }]), '1.0.0')).toBe(false);
  });
  it('reports GIT ranges and unknown ecosystems as unsupported instead of guessing', () => {
    const git: OsvAffected = {
      ranges: [
        { type: 'GIT', repo: 'https://github.com/a/b', events: [{ introduced: '0' }, { fixed: 'abc' }] },
      ],
    };
    const r = evaluateAffected(git, 'abc');
    expect(r.affected).toBe(false);
    expect(r.unsupported?.[0]).toMatch(/GIT range on https:\/\/github.com\/a\/b/);
    const android = eco('Android', [{ introduced: '0' }, { fixed: '2' }]);
    expect(evaluateAffected(android, '1').affected).toBe(false);
    expect(evaluateAffected(android, '1').unsupported?.[0]).toMatch(/Android/);
    // introduced 0 alone needs no ordering: every version of the package is affected
    expect(isAffected(eco('Android', [{ introduced: '0' }]), 'anything')).toBe(true);
  });
  it('reports an invalid installed or event version as unsupported and does not match', () => {
    const a = eco('npm', [{ introduced: '0' }, { fixed: '1.0.0' }]);
    const r = evaluateAffected(a, 'banana');
    expect(r.affected).toBe(false);
    expect(r.unsupported?.[0]).toMatch(/"banana"/);
    const badEvent = eco('CRAN', [{ introduced: '1' }, { fixed: '2.0' }]);
    expect(evaluateAffected(badEvent, '1.5').unsupported?.[0]).toMatch(/cran/);
  });
  it('tolerates hostile shapes without throwing', () => {
    const hostile = {
      package: { ecosystem: 'npm', name: 'x' },
      ranges: [{ type: 'SEMVER', events: [null, 5, {}] }],
    } as unknown as OsvAffected;
    expect(isAffected(hostile, '1.0.0')).toBe(false);
    expect(isAffected({}, '1.0.0')).toBe(false);
    const weird = {
      package: { ecosystem: 5, name: 'x' },
      ranges: [null, { type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: 3 }] }],
      versions: [7],
    } as unknown as OsvAffected;
    const r = evaluateAffected(weird, '1.0.0');
    expect(r.affected).toBe(false);
    expect(r.unsupported).toEqual(['range is not an object', 'ECOSYSTEM range without package.ecosystem']);
  });
});

describe('nearestFixed', () => {
  it('returns the lowest fixed event above the version', () => {
    const a = semver([
      { introduced: '1.0.0' },
      { fixed: '1.0.2' },
      { introduced: '1.1.0' },
      { fixed: '1.1.10' },
      { fixed: '1.1.9' },
    ]);
    expect(nearestFixed(a, '1.1.3')).toBe('1.1.9');
    expect(nearestFixed(a, '1.0.0')).toBe('1.0.2');
    expect(nearestFixed(a, '2.0.0')).toBeUndefined();
  });
  it('orders fixes with the ecosystem comparator', () => {
    const a = eco('PyPI', [{ introduced: '0' }, { fixed: '2.10' }, { fixed: '2.9' }]);
    expect(nearestFixed(a, '2.1')).toBe('2.9');
  });
});
