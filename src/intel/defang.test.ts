import { describe, expect, it } from 'vitest';
import { isDefanged, refang } from './defang.js';

describe('refang', () => {
  it.each([
    ['hxxp://evil[.]com/a', 'http://evil.com/a'],
    [
      'hXXps[:]//raw[.]githubusercontent[.]com/IconStorages/images/main/icon1[.]ico',
      'https://raw.githubusercontent.com/IconStorages/images/main/icon1.ico',
    ],
    ['hxxps[://]akamaicontainer(.)com', 'https://akamaicontainer.com'],
    ['akamaicontainer{.}com', 'akamaicontainer.com'],
    ['azureonlinestorage[dot]com', 'azureonlinestorage.com'],
    ['10.0.0[.]1', '10.0.0.1'],
    ['2001:db8[:]1', '2001:db8:1'],
    ['user[@]example[.]org', 'user@example.org'],
    ['evil\\.com', 'evil.com'],
    ['  sbmsa[.]wiki  ', 'sbmsa.wiki'],
    ['fxp://files[.]example', 'ftp://files.example'],
  ])('%s → %s', (input, want) => {
    expect(refang(input)).toBe(want);
  });

  it('leaves clean values and look-alike text alone', () => {
    expect(refang('https://example.com/hxxp/[x]')).toBe('https://example.com/hxxp/[x]');
    expect(refang('hxxpfoo.com')).toBe('hxxpfoo.com');
    expect(refang('a[b]c')).toBe('a[b]c');
    expect(isDefanged('example.com')).toBe(false);
    expect(isDefanged('example[.]com')).toBe(true);
  });

  it('is idempotent and never throws (property)', async () => {
    const fc = await import('fast-check');
    fc.assert(
      fc.property(fc.string(), (s) => {
        const once = refang(s);
        return (
          refang(once) === once ||
          once.includes('[') ||
          once.includes('(') ||
          once.includes('{') ||
          once.includes('\\')
        );
      }),
    );
  });
});
