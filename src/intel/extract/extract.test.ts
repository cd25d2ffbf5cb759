/**
 * Advisory extraction: the two acceptance documents (expected values read from the independently
 * compiled ../shared/data/3cx/iocs.json and from the text itself), then the general rules on small
 * hand-written paragraphs (money, percentages, counts, dates, scores are never versions; quoted
 * security vendors never become the product; defanged indicators; platforms per clause).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures.js';
import { parsePack } from '../chainhunt-pack/parse.js';
import { extractAdvisory } from './advisory.js';

const txt = (s: string) => extractAdvisory(s, { format: 'text' });
const iocs = JSON.parse(readFileSync(sharedData('3cx', 'iocs.json'), 'utf8')) as {
  affected: { platform: string; versions: string[] }[];
};
const versionsFor = (platform: string) => iocs.affected.find((a) => a.platform === platform)!.versions;

describe('acceptance: MSSP Alert article on 3CX', () => {
  const text = readFileSync(sharedData('advisories', 'mssp-alert-3cx-2023-03.txt'), 'utf8');
  const d = txt(text);

  it('finds 3CX DesktopApp on Windows, affected 18.12.407 and 18.12.416, and nothing else', () => {
    expect(d.products).toHaveLength(1);
    expect(d.products[0]).toMatchObject({
      name: '3CX DesktopApp',
      platform: 'windows',
      affected: versionsFor('windows'),
      fixed: [],
    });
    expect(d.products[0]!.context[0]).toContain('version numbers 18.12.407 & 18.12.416');
  });

  it('makes nothing of money, counts, percentages or the quoted security vendors', () => {
    const everything = JSON.stringify({
      products: d.products,
      indicators: d.indicators,
      cves: d.cves,
      mentioned: d.mentioned,
    });
    for (const noise of [
      '4.6',
      '742',
      '600,000',
      '600000',
      '95',
      'Sophos',
      'SentinelOne',
      'CrowdStrike',
      'Sonatype',
      'Gartner',
      'BleepingComputer',
    ]) {
      expect(JSON.stringify(d.products.map((p) => [p.name, p.affected, p.fixed]))).not.toContain(noise);
    }
    expect(d.indicators).toEqual([]);
    expect(d.cves).toEqual([]);
    expect(everything).not.toMatch(/"4\.6"|"742"/);
    expect(d.quoted).toEqual(expect.arrayContaining(['Sophos', 'SentinelOne', 'CrowdStrike']));
  });

  it('the same article with the money and count sentences the acceptance names adds nothing', () => {
    const more = `${text}\n\nThe breach may cost the company $4.6 million. 3CX serves 5 million customers daily. Attacks rose 742% and 600,000 companies use 3CX.\n`;
    const e = txt(more);
    expect(e.products).toEqual(d.products);
    expect(e.indicators).toEqual([]);
  });
});

describe('acceptance: CVE-2023-29059 description', () => {
  const rec = JSON.parse(
    readFileSync(sharedData('cve', 'CVE-2023-29059', 'CVE-2023-29059.cvelistV5.json'), 'utf8'),
  ) as {
    containers: { cna: { descriptions: { value: string }[] } };
  };
  const d = txt(rec.containers.cna.descriptions[0]!.value);

  it('gives the Windows and macOS versions per platform exactly', () => {
    const win = d.products.filter((p) => p.platform === 'windows');
    const mac = d.products.filter((p) => p.platform === 'macos');
    expect(win).toHaveLength(1);
    expect(mac).toHaveLength(1);
    expect(win[0]!.affected).toEqual(versionsFor('windows'));
    expect(mac[0]!.affected).toEqual(versionsFor('macos'));
    expect(win[0]!.name).toBe('3CX DesktopApp');
    expect(d.products.every((p) => p.platform !== 'any')).toBe(true);
  });

  it('keeps "through 18.12.416" as a range bound, not as an exact version', () => {
    expect(d.products[0]!.ranges).toEqual([{ lastAffected: '18.12.416' }]);
  });

  it('yields a draft pack the chainhunt-pack importer accepts (only the missing checksum is noted)', () => {
    const r = extractAdvisory(rec.containers.cna.descriptions[0]!.value, {
      format: 'text',
      file: 'CVE-2023-29059.txt',
    });
    const parsed = parsePack(Buffer.from(JSON.stringify(r.pack)), {
      file: 'draft',
      pluginId: 'intel/chainhunt-pack',
    });
    expect(parsed.issues.map((i) => i.code)).toEqual(['invalid-value']);
    expect(parsed.issues[0]!.message).toMatch(/no checksum/);
    const adv = parsed.intel.advisories[0]!;
    expect(adv.affected.find((a) => a.platform === 'macos')!.versions).toEqual(versionsFor('macos'));
  });
});

describe('acceptance: the CVE-2023-29059 record files themselves (CVE JSON 5 and NVD API 2.0)', () => {
  it.each(['CVE-2023-29059.cvelistV5.json', 'CVE-2023-29059.nvd-api2.json'])(
    '%s gives the versions per platform and the CVE id',
    (name) => {
      const d = extractAdvisory(readFileSync(sharedData('cve', 'CVE-2023-29059', name), 'utf8'), {
        format: 'json',
        file: name,
      });
      expect(d.cves).toEqual(['CVE-2023-29059']);
      expect(d.products.map((p) => [p.name, p.platform, p.affected])).toEqual([
        ['3CX DesktopApp', 'windows', versionsFor('windows')],
        ['3CX DesktopApp', 'macos', versionsFor('macos')],
      ]);
      expect(d.indicators).toEqual([]);
      expect(d.pack.advisories[0]!['id']).toBe('CVE-2023-29059');
      // JSON sniffed under the text format too.
      expect(
        extractAdvisory(readFileSync(sharedData('cve', 'CVE-2023-29059', name), 'utf8'), { format: 'text' })
          .products,
      ).toHaveLength(2);
    },
  );
});

describe('general rules', () => {
  it('reads fixed versions, "before" and "and earlier" as fixes and range bounds', () => {
    const d = txt(
      'Acme Widget before 2.4.1 on Linux is vulnerable. Acme Widget versions 1.9.0 and earlier for Windows are affected. Upgrade to 2.4.1 on Windows.',
    );
    const linux = d.products.find((p) => p.platform === 'linux')!;
    expect(linux).toMatchObject({
      name: 'Acme Widget',
      fixed: ['2.4.1'],
      ranges: [{ fixed: '2.4.1' }],
      affected: [],
    });
    const win = d.products.find((p) => p.platform === 'windows')!;
    expect(win.ranges).toEqual([{ lastAffected: '1.9.0' }]);
    expect(win.fixed).toEqual(['2.4.1']);
  });

  it('never takes money, percentages, counts, scores, dates or IPs for versions', () => {
    const d = txt(
      'Acme Widget version 3.2.1 is compromised. The attack cost $1.5 million and hit 2.5 million users, up 12.5% since 01.02.2023. It has a CVSS score of 9.8 and a rating of 7.5 points. Traffic went to 10.0.0.1 on Windows.',
    );
    expect(d.products).toHaveLength(1);
    expect(d.products[0]!.affected).toEqual(['3.2.1']);
    expect(d.mentioned).toEqual([]);
  });

  it('does not attribute a quoted security vendor product version to the affected product', () => {
    const d = txt(
      'Acme Widget version 5.1.0 on macOS was trojanized, researchers said. CrowdStrike Falcon version 6.50.1 detects the malicious build.',
    );
    expect(d.products).toHaveLength(1);
    expect(d.products[0]).toMatchObject({ name: 'Acme Widget', platform: 'macos', affected: ['5.1.0'] });
  });

  it('leaves versions with no affected/fixed wording for review instead of guessing', () => {
    const d = txt('Acme Widget version 7.0.2 for Windows was released in May.');
    expect(d.products).toEqual([]);
    expect(d.mentioned).toEqual([
      { versions: ['7.0.2'], context: expect.stringContaining('7.0.2') as string },
    ]);
  });

  it('extracts defanged and plain indicators with their sentence, and files references apart', () => {
    const d = txt(
      'The implant beacons to hxxps://evil-cdn[.]com/a.php and to bad[.]example[.]org at 203.0.113[.]7 and 45.77.10[.]2. ' +
        'The payload e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856 was mailed from actor[@]mail[.]ru. ' +
        'Read more at https://www.sophos.com/blog/x and in ffmpeg.dll, README.md and Node.js.',
    );
    const got = d.indicators.map((i) => `${i.type} ${i.value}`);
    expect(got).toEqual([
      'url https://evil-cdn.com/a.php',
      'domain bad.example.org',
      'ip 45.77.10.2',
      'sha256 e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b856',
      'email actor@mail.ru',
    ]);
    expect(d.indicators[0]!.context).toMatch(/^The implant beacons/);
    expect(d.indicators.every((i) => i.defanged || i.type === 'sha256')).toBe(true);
    // 203.0.113.7 is documentation space: dropped by the warning list, and reported.
    expect(d.dropped.map((x) => x.value)).toEqual(['203.0.113.7']);
    expect(d.references).toEqual(['https://www.sophos.com/blog/x']);
  });

  it('reads HTML and Markdown', () => {
    const h = extractAdvisory(
      '<html><script>var v = "version 9.9.9 affected";</script><p>Acme Widget versions 1.2.3 &amp; 1.2.4 for Windows are affected.</p><p>C2: <code>evil[.]com</code></p></html>',
      { format: 'html' },
    );
    expect(h.products).toEqual([
      expect.objectContaining({ name: 'Acme Widget', platform: 'windows', affected: ['1.2.3', '1.2.4'] }),
    ]);
    expect(h.indicators.map((i) => i.value)).toEqual(['evil.com']);
    const m = extractAdvisory(
      '# Acme Widget compromise\n\n**Acme Widget** versions `1.2.3` for [macOS](https://x.test) are affected.\n\n| domain | ip |\n|---|---|\n| evil[.]com | 198.51.100[.]4 |\n| bad[.]net | 45.77.1.1 |\n',
      { format: 'markdown' },
    );
    expect(m.products).toEqual([
      expect.objectContaining({ name: 'Acme Widget', platform: 'macos', affected: ['1.2.3'] }),
    ]);
    expect(m.indicators.map((i) => i.value)).toEqual(['evil.com', 'bad.net', '45.77.1.1']);
  });

  it('finds the domains of the Ozer0x777 README table, including soyoungjun.com that no OpenIOC file has', () => {
    const d = extractAdvisory(
      readFileSync(sharedData('3cx', 'raw', 'Ozer0x777-3CX-Iocs', 'README.md'), 'utf8'),
      { format: 'markdown' },
    );
    const domains = new Set(d.indicators.filter((i) => i.type === 'domain').map((i) => i.value));
    for (const x of ['akamaicontainer.com', 'sbmsa.wiki', 'zacharryblogs.com', 'soyoungjun.com'])
      expect(domains.has(x)).toBe(true);
    // Section headings scope the lists below them: "Old clean version" (not used), "New clean
    // version" (the fix iocs.json cites from this README), "Corrupted version" (affected).
    const iocsFixed = (
      JSON.parse(readFileSync(sharedData('3cx', 'iocs.json'), 'utf8')) as {
        fixed: { platform: string; version: string }[];
      }
    ).fixed;
    const win = d.products.find((p) => p.platform === 'windows')!;
    expect(win.affected).toEqual(versionsFor('windows'));
    expect(win.fixed).toEqual([iocsFixed.find((f) => f.platform === 'windows')!.version]);
    expect(d.products.find((p) => p.platform === 'macos')!.fixed).toEqual([
      iocsFixed.find((f) => f.platform === 'macos')!.version,
    ]);
    expect(d.mentioned.map((m) => m.versions)).toEqual(
      expect.arrayContaining([['18.11.1213'], ['18.10.461']]),
    );
    // The vendor's own download links are references, not indicators.
    expect(d.indicators.some((i) => i.value.includes('3cx.com'))).toBe(false);
  });

  it('reads several ranges, "starting with", slash lists and hyphen ranges', () => {
    const f = txt(
      'Acme Gateway versions 7.2.0 through 7.2.4 and 7.0.0 through 7.0.11 are vulnerable. Upgrade to Acme Gateway 7.2.5 or above.',
    );
    expect(f.products).toEqual([
      expect.objectContaining({
        name: 'Acme Gateway',
        platform: 'any',
        affected: [],
        fixed: ['7.2.5'],
        ranges: [
          { introduced: '7.2.0', lastAffected: '7.2.4' },
          { introduced: '7.0.0', lastAffected: '7.0.11' },
        ],
      }),
    ]);
    const x = txt(
      'Malicious code was discovered in the upstream tarballs of xz, starting with version 5.6.0.',
    );
    expect(x.products).toEqual([
      expect.objectContaining({ name: 'xz', ranges: [{ introduced: '5.6.0' }], affected: [] }),
    ]);
    const s = txt('The Acme Widget for Windows was compromised in versions 2.0.1/2.0.2 and 2.1.0-2.1.3.');
    expect(s.products[0]).toMatchObject({
      affected: ['2.0.1', '2.0.2'],
      ranges: [{ introduced: '2.1.0', lastAffected: '2.1.3' }],
    });
  });

  it('takes "macOS 13.2" and "Windows 10" for operating-system versions, not the product\'s', () => {
    const d = txt(
      'The Acme Widget for macOS 13.2 and Windows 10 was affected in versions 3.1.4 and 3.1.5 on Windows.',
    );
    expect(d.products).toEqual([
      expect.objectContaining({ name: 'Acme Widget', platform: 'windows', affected: ['3.1.4', '3.1.5'] }),
    ]);
  });

  it('names a lower-case package from the text and carries it to the fix in a later sentence', () => {
    const d = extractAdvisory(
      '## Impact\n\nVersions of `event-stream` 3.3.6 contain malicious code.\n\n## Patches\n\nUpgrade to 4.0.0 or later.\n',
      { format: 'markdown' },
    );
    expect(d.products).toEqual([
      expect.objectContaining({
        name: 'event-stream',
        platform: 'any',
        affected: ['3.3.6'],
        fixed: ['4.0.0'],
      }),
    ]);
  });

  it('does not take labels before numbers ("HF 5", "Update 7") for the vendor', () => {
    const d = txt(
      'SolarWinds Orion Platform versions 2019.4 HF 5, 2020.2 with no hotfix installed, and 2020.2 HF 1 are affected. SolarWinds recommends upgrading to Orion Platform version 2020.2.1 HF 1.',
    );
    expect(d.vendor).toBe('SolarWinds');
    expect(d.products[0]).toMatchObject({
      platform: 'any',
      affected: ['2019.4', '2020.2'],
      fixed: ['2020.2.1'],
    });
  });

  it('stays linear on one huge sentence with many version groups, vendors and CVE ids', () => {
    const unit = 'Acme Widget version 1.2.3 is affected, Sophos said, CVE-2024-0001 x evil[.]com ';
    const d = txt(unit.repeat(20_000));
    expect(d.products).toEqual([expect.objectContaining({ name: 'Acme Widget', affected: ['1.2.3'] })]);
    expect(d.cves).toEqual(['CVE-2024-0001']);
    expect(d.indicators).toHaveLength(1);
    const many = txt(
      `Acme Widget versions ${Array.from({ length: 5000 }, (_, i) => `1.${i}.0`).join(', ')} are affected.`,
    );
    // One list split into groups of at most 500 (bounded work per group); the later groups share the
    // first one's cue, so every version is kept.
    expect(many.products[0]!.affected).toHaveLength(5000);
  });

  it('reads a news paragraph: lists in parentheses per platform, roles and people are not the vendor', () => {
    const d = txt(
      'Acme CEO John Smith said the company is urging customers to uninstall its Electron Desktop App (4.1.7 and 4.1.9 for Windows, and 4.0.2 and 4.1.9 for macOS). Sophos and Huntress confirmed the attack; Acme has 600,000 customers.',
    );
    expect(d.vendor).toBe('Acme');
    expect(d.products.map((p) => [p.platform, p.affected])).toEqual([
      ['windows', ['4.1.7', '4.1.9']],
      ['macos', ['4.0.2', '4.1.9']],
    ]);
  });

  it('keeps "last known clean" versions out, reads "a new version" as the fix, and "Platform: versions" lists', () => {
    const d = txt(
      "The last known clean version is 4.0.1. Acme released a new version, 4.2.0, of Acme's WidgetApp. Windows: 4.1.7, 4.1.9 are malicious. macOS: 4.0.2 is malicious.",
    );
    expect(d.mentioned.map((m) => m.versions)).toEqual([['4.0.1']]);
    const win = d.products.find((p) => p.platform === 'windows')!;
    expect(win.affected).toEqual(['4.1.7', '4.1.9']);
    expect(d.products.find((p) => p.platform === 'macos')!.affected).toEqual(['4.0.2']);
    expect(d.products.flatMap((p) => p.fixed)).toContain('4.2.0');
  });

  it('survives hostile input without throwing', () => {
    for (const s of [
      '',
      '<'.repeat(10000),
      `${'1.'.repeat(50000)}1`,
      `version ${'1.2.3, '.repeat(20000)}`,
      '[](('.repeat(5000),
      '&#xFFFFFFFF;&#0;&#99999999;',
    ]) {
      expect(() => extractAdvisory(s, { format: 'html' })).not.toThrow();
      expect(() => extractAdvisory(s, { format: 'markdown' })).not.toThrow();
    }
  });
});
