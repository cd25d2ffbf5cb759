import { describe, expect, it } from 'vitest';
import {
  hashTypeOf,
  normalizeCidr,
  normalizeDomain,
  normalizeEmail,
  normalizeHash,
  normalizeIp,
  normalizeUrl,
  refang,
} from './normalize.js';

describe('refang', () => {
  it('undoes common defanging', () => {
    expect(refang('hxxps://evil[.]com[/]x')).toBe('https://evil.com/x');
    expect(refang('File at http[:]//raw.githubusercontent[.]com/a')).toBe(
      'File at http://raw.githubusercontent.com/a',
    );
    expect(refang('HXXP://a(.)b{.}c[DOT]d(dot)e')).toBe('http://a.b.c.d.e');
    expect(refang('philip[.]je@proton[.]me user[at]example[.]org')).toBe(
      'philip.je@proton.me user@example.org',
    );
    expect(refang('a[://]b')).toBe('a://b');
  });
  it('leaves ordinary text alone', () => {
    expect(refang('shxxpoo [x] (y)')).toBe('shxxpoo [x] (y)');
  });
});

describe('normalizers', () => {
  it('hashes', () => {
    expect(hashTypeOf('D5101C3B86D973A848AB7ED79CD11E5A')).toBe('md5');
    expect(hashTypeOf('3dc840d32ce86cebf657b17cef62814646ba8e98')).toBe('sha1');
    expect(hashTypeOf('g5101c3b86d973a848ab7ed79cd11e5a')).toBeUndefined();
    expect(normalizeHash('sha1', ' 3DC840D32CE86CEBF657B17CEF62814646BA8E98 ')).toEqual({
      ok: true,
      value: '3dc840d32ce86cebf657b17cef62814646ba8e98',
    });
    expect(normalizeHash('sha256', '3dc840d32ce86cebf657b17cef62814646ba8e98').ok).toBe(false);
  });
  it('domains', () => {
    expect(normalizeDomain('Akamaicontainer[.]COM.')).toEqual({ ok: true, value: 'akamaicontainer.com' });
    expect(normalizeDomain('bücher.example')).toEqual({ ok: true, value: 'xn--bcher-kva.example' });
    for (const bad of ['', '.', 'a..b', 'a b.com', 'x'.repeat(64) + '.com', '198.51.100', 'a/b.com'])
      expect(normalizeDomain(bad).ok, bad).toBe(false);
  });
  it('IPs, CIDRs, URLs, e-mail', () => {
    expect(normalizeIp('162[.]0.229.159')).toEqual({ ok: true, value: '162.0.229.159' });
    expect(normalizeIp('2001:DB8::1')).toEqual({ ok: true, value: '2001:db8::1' });
    expect(normalizeIp('999.1.1.1').ok).toBe(false);
    expect(normalizeCidr('10.0.0.0/08')).toEqual({ ok: true, value: '10.0.0.0/8' });
    expect(normalizeCidr('10.0.0.0/33').ok).toBe(false);
    expect(normalizeUrl('hxxp://Raw.GitHubUserContent[.]com/IconStorages/images')).toEqual({
      ok: true,
      value: 'http://raw.githubusercontent.com/IconStorages/images',
    });
    expect(normalizeUrl('javascript://x').ok).toBe(false);
    expect(normalizeEmail('Philip[.]je@Proton[.]me')).toEqual({ ok: true, value: 'Philip.je@proton.me' });
    expect(normalizeEmail('no-at-sign').ok).toBe(false);
  });
});
