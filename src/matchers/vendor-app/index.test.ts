import { describe, expect, it } from 'vitest';
import type { Advisory } from '../../core/intel.js';
import type { AppObservation } from '../../core/observation.js';
import { emptyIntel } from '../../core/intel.js';
import { affectedBy, vendorAppMatcher } from './index.js';

const advisory: Advisory = {
  id: 'ADV-9',
  aliases: ['CVE-2099-0001'],
  source: 'unit',
  kind: 'vendor-app',
  summary: 'bad build',
  severity: 'high',
  references: [],
  affected: [
    {
      product: {
        names: ['Acme Desktop App', 'AcmeDesktop*'],
        publishers: ['Acme Ltd*'],
        excludeNames: ['AcmeDesktop Server*'],
        bundleIds: ['com.acme.desktop'],
      },
      platform: 'windows',
      versions: ['2.0.1'],
      ranges: [{ introduced: '3.0', fixed: '3.2' }],
      fixed: ['3.2'],
    },
    {
      product: { names: ['Acme Desktop App'], bundleIds: ['com.acme.desktop'] },
      platform: 'macos',
      ranges: [{ introduced: '1.0', lastAffected: '1.5.2' }],
    },
  ],
};

function app(p: Partial<AppObservation>): AppObservation {
  return {
    kind: 'app',
    host: 'h',
    collectorId: 'c',
    source: { file: 'f' },
    name: 'Acme Desktop App',
    version: '2.0.1',
    platform: 'windows',
    scope: 'machine',
    ...p,
  };
}

const pm = vendorAppMatcher.prepare({ ...emptyIntel(), advisories: [advisory] })!;
const hits = (a: AppObservation): number => pm.match(a).length;

describe('vendor-app matcher', () => {
  it('matches exact versions and ranges on the right platform', () => {
    expect(hits(app({}))).toBe(1);
    expect(hits(app({ version: '3.1.9' }))).toBe(1);
    expect(hits(app({ version: '3.0' }))).toBe(1);
    expect(hits(app({ version: '3.2' }))).toBe(0);
    expect(hits(app({ version: '2.0.2' }))).toBe(0);
    expect(hits(app({ platform: 'linux' }))).toBe(0);
    expect(hits(app({ platform: 'macos', version: '1.5.2' }))).toBe(1);
    expect(hits(app({ platform: 'macos', version: '1.5.3' }))).toBe(0);
  });

  it('does not match other products of the vendor, nor wrong publishers', () => {
    expect(hits(app({ name: 'Acme Desktop' }))).toBe(0);
    expect(hits(app({ name: 'AcmeDesktop Server 2.0' }))).toBe(0);
    expect(hits(app({ name: 'AcmeDesktopClient' }))).toBe(1);
    expect(hits(app({ publisher: 'Evil Corp' }))).toBe(0);
    expect(hits(app({ publisher: 'Acme Ltd.' }))).toBe(1);
  });

  it('folds case and whitespace, and recognises bundle ids whatever the name', () => {
    expect(hits(app({ name: '  acme   DESKTOP app ' }))).toBe(1);
    expect(hits(app({ name: 'Renamed', bundleId: 'com.acme.desktop' }))).toBe(1);
  });

  it('never guesses an unparsable version; it reports it', () => {
    expect(hits(app({ version: 'latest' }))).toBe(0);
    expect(pm.issues?.some((i) => i.code === 'invalid-value' && i.message.includes('latest'))).toBe(true);
  });

  it('finding carries advisory, fixed versions and evidence', () => {
    const [f] = pm.match(app({ version: '3.1' }));
    expect(f).toMatchObject({
      kind: 'app',
      severity: 'high',
      advisory: { id: 'ADV-9', aliases: ['CVE-2099-0001'], source: 'unit' },
      fixedVersions: ['3.2'],
    });
    expect(f!.evidence[0]).toMatchObject({
      type: 'version-range',
      matcherId: 'matchers/vendor-app',
      found: { version: '3.1' },
    });
    expect(pm.match(app({ version: '3.1' }))[0]!.id).toBe(f!.id);
  });

  it('affectedBy handles introduced "0" and open ranges', () => {
    expect(
      affectedBy(
        { product: { names: [] }, platform: 'any', ranges: [{ introduced: '0', fixed: '1.0' }] },
        '0.9',
      ),
    ).not.toBeNull();
    expect(
      affectedBy({ product: { names: [] }, platform: 'any', ranges: [{ introduced: '1.0' }] }, '99'),
    ).not.toBeNull();
  });

  it('skips advisory entries with invalid versions, with an issue', () => {
    const bad = vendorAppMatcher.prepare({
      ...emptyIntel(),
      advisories: [{ ...advisory, affected: [{ ...advisory.affected[0]!, versions: ['not a version'] }] }],
    });
    expect(bad?.match(app({}))).toEqual([]);
    expect(bad?.issues?.[0]?.message).toMatch(/invalid vendor versions not a version/);
  });
});
