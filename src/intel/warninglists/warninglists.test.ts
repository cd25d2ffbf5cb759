import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { warninglistReason } from './lists.js';

describe('warning lists', () => {
  it('lists the empty-file digests (computed here, not copied)', () => {
    for (const alg of ['md5', 'sha1', 'sha256'] as const) {
      const value = createHash(alg).update('').digest('hex');
      expect(warninglistReason({ type: alg, value })).toMatch(/empty file/);
    }
  });

  it('drops popular domains and their subdomains, but not look-alikes', () => {
    expect(warninglistReason({ type: 'domain', value: 'download.windowsupdate.com' })).toMatch(
      /windowsupdate\.com/,
    );
    expect(warninglistReason({ type: 'domain', value: 'raw.githubusercontent.com' })).toBeDefined();
    expect(warninglistReason({ type: 'domain', value: 'akamaicontainer.com' })).toBeUndefined();
    expect(warninglistReason({ type: 'domain', value: 'evil-github.com' })).toBeUndefined();
    // exact-only entries: user-content hosts are listed, names under them are not
    expect(warninglistReason({ type: 'domain', value: 'x.pastebin.com' })).toBeUndefined();
  });

  it('drops resolvers and non-routable addresses, keeps public ones', () => {
    for (const ip of [
      '8.8.8.8',
      '1.1.1.1',
      '10.2.3.4',
      '192.168.1.1',
      '172.31.0.1',
      '127.0.0.1',
      '::1',
      'fe80::1',
    ])
      expect(warninglistReason({ type: 'ip', value: ip })).toBeDefined();
    for (const ip of ['45.77.10.2', '172.32.0.1', '2a01:4f8::1'])
      expect(warninglistReason({ type: 'ip', value: ip })).toBeUndefined();
  });

  it('keeps URLs with a path on popular hosts, drops bare ones', () => {
    expect(
      warninglistReason({
        type: 'url',
        value: 'https://raw.githubusercontent.com/IconStorages/images/main/',
      }),
    ).toBeUndefined();
    expect(warninglistReason({ type: 'url', value: 'https://github.com/' })).toBeDefined();
  });
});
