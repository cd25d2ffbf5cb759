import { describe, expect, it } from 'vitest';
import { LoginThrottle } from './system.js';

describe('LoginThrottle', () => {
  it('blocks a user name after 10 failures in 15 minutes, and lets it in again afterwards', () => {
    let now = 0;
    const t = new LoginThrottle(() => now);
    for (let i = 0; i < 9; i++) t.fail('alice', `10.0.0.${i}`);
    expect(t.blocked('alice', '10.0.1.1')).toBe(false);
    t.fail('alice', '10.0.0.99');
    expect(t.blocked('alice', '10.0.1.1')).toBe(true);
    expect(t.blocked('bob', '10.0.1.1')).toBe(false);
    now += 15 * 60_000 + 1;
    expect(t.blocked('alice', '10.0.1.1')).toBe(false);
  });

  it('blocks an address that tries many user names', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 49; i++) t.fail(`user${i}`, '192.0.2.7');
    expect(t.blocked('someone-else', '192.0.2.7')).toBe(false);
    t.fail('user49', '192.0.2.7');
    expect(t.blocked('someone-else', '192.0.2.7')).toBe(true);
    expect(t.blocked('someone-else', '192.0.2.8')).toBe(false);
  });

  it('a success clears the user name count', () => {
    const t = new LoginThrottle(() => 0);
    for (let i = 0; i < 9; i++) t.fail('carol', `10.1.0.${i}`);
    t.succeed('carol');
    t.fail('carol', '10.1.1.1');
    expect(t.blocked('carol', '10.1.2.2')).toBe(false);
  });
});
