import { describe, expect, it } from 'vitest';
import { checkAddress, isNonPublicAddress, literalAddress } from './address-policy.js';

describe('isNonPublicAddress', () => {
  it.each([
    '127.0.0.1',
    '10.1.2.3',
    '172.31.255.255',
    '192.168.0.10',
    '169.254.169.254',
    '100.64.0.1',
    '0.0.0.0',
    '224.0.0.1',
    '255.255.255.255',
    '::1',
    '::',
    '[::1]',
    'fe80::1',
    'fd00::5',
    '::ffff:127.0.0.1',
    '::ffff:10.0.0.1',
    'not-an-ip',
  ])('%s is not public', (ip) => {
    expect(isNonPublicAddress(ip)).toBe(true);
  });

  it.each(['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '::ffff:8.8.8.8'])(
    '%s is public',
    (ip) => {
      expect(isNonPublicAddress(ip)).toBe(false);
    },
  );
});

describe('literalAddress', () => {
  it('recognises IP literals, brackets removed', () => {
    expect(literalAddress('[::1]')).toBe('::1');
    expect(literalAddress('127.0.0.1')).toBe('127.0.0.1');
    expect(literalAddress('hooks.example.com')).toBeNull();
  });
});

describe('checkAddress', () => {
  const never = () => Promise.reject(new Error('lookup must not be called'));

  it('allows everything under the "any" policy without resolving', async () => {
    expect(await checkAddress('http://127.0.0.1/x', 'any', never)).toEqual({ ok: true });
  });

  it('refuses a private literal and a name resolving to one, for good', async () => {
    expect(await checkAddress('http://[::1]:8080/x', 'public-only', never)).toMatchObject({
      ok: false,
      retryable: false,
    });
    const r = await checkAddress('https://hooks.example.com/x', 'public-only', () =>
      Promise.resolve(['93.184.216.34', '10.0.0.7']),
    );
    expect(r).toEqual({
      ok: false,
      retryable: false,
      error:
        'refused: hooks.example.com resolves to 10.0.0.7, which is not a public address (address policy public-only)',
    });
  });

  it('allows a name resolving only to public addresses', async () => {
    expect(
      await checkAddress('https://hooks.example.com/x', 'public-only', () =>
        Promise.resolve(['93.184.216.34']),
      ),
    ).toEqual({ ok: true });
  });

  it('treats a failed or empty lookup as retryable', async () => {
    expect(
      await checkAddress('https://nx.example.com/x', 'public-only', () =>
        Promise.reject(new Error('ENOTFOUND')),
      ),
    ).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('ENOTFOUND') });
    expect(
      await checkAddress('https://nx.example.com/x', 'public-only', () => Promise.resolve([])),
    ).toMatchObject({
      ok: false,
      retryable: true,
    });
  });
});
