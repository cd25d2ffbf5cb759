import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parseSignatureHeader, signatureHeader, signPayload, verifySignature } from './signature.js';

const T = 1_700_000_000;
const at = (seconds: number) => () => seconds * 1000;
const body = '{"id":"evt_1","type":"case.state_changed"}';

describe('signPayload', () => {
  it('is HMAC-SHA256 over "<t>.<body>" in hex', () => {
    const expected = createHmac('sha256', 's3cret').update(`${T}.${body}`).digest('hex');
    expect(signPayload('s3cret', T, body)).toBe(expected);
    expect(signPayload('s3cret', T, Buffer.from(body))).toBe(expected);
  });

  it('refuses a non-integer timestamp', () => {
    expect(() => signPayload('s', 1.5, body)).toThrow(RangeError);
    expect(() => signPayload('s', -1, body)).toThrow(RangeError);
  });
});

describe('signatureHeader / parseSignatureHeader', () => {
  it('writes t then one v1 per secret, and parses back', () => {
    const h = signatureHeader(['new', 'old'], T, body);
    expect(h).toMatch(/^t=1700000000,v1=[0-9a-f]{64},v1=[0-9a-f]{64}$/);
    expect(parseSignatureHeader(h)).toEqual({
      timestamp: T,
      signatures: [signPayload('new', T, body), signPayload('old', T, body)],
    });
  });

  it('ignores unknown schemes and whitespace, accepts upper-case hex', () => {
    const sig = signPayload('k', T, body);
    expect(parseSignatureHeader(` t=${T} , v0=abc, v1=${sig.toUpperCase()} `)).toEqual({
      timestamp: T,
      signatures: [sig],
    });
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['no timestamp', `v1=${'a'.repeat(64)}`],
    ['no v1', `t=${T}`],
    ['short v1', `t=${T},v1=abcd`],
    ['non-numeric t', `t=soon,v1=${'a'.repeat(64)}`],
    ['two timestamps', `t=${T},t=${T + 1},v1=${'a'.repeat(64)}`],
    ['too long', `t=${T},v1=${'a'.repeat(64)},${'x'.repeat(5000)}`],
  ])('returns null when %s', (_name, header) => {
    expect(parseSignatureHeader(header)).toBeNull();
  });
});

describe('verifySignature', () => {
  const header = signatureHeader('s3cret', T, body);

  it('accepts the right secret and body within the tolerance', () => {
    expect(verifySignature('s3cret', header, body, { now: at(T + 10) })).toEqual({ ok: true, timestamp: T });
    expect(verifySignature('s3cret', header, Buffer.from(body), { now: at(T - 10) }).ok).toBe(true);
  });

  it('refuses a wrong secret', () => {
    const r = verifySignature('other', header, body, { now: at(T) });
    expect(r).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses an altered body', () => {
    const r = verifySignature('s3cret', header, body.replace('case', 'kase'), { now: at(T) });
    expect(r).toMatchObject({ ok: false, reason: 'mismatch' });
  });

  it('refuses a timestamp outside the tolerance, past or future', () => {
    expect(verifySignature('s3cret', header, body, { now: at(T + 301) })).toMatchObject({
      ok: false,
      reason: 'stale',
    });
    expect(verifySignature('s3cret', header, body, { now: at(T - 301) })).toMatchObject({
      ok: false,
      reason: 'stale',
    });
    expect(verifySignature('s3cret', header, body, { now: at(T + 3600), toleranceSeconds: 7200 }).ok).toBe(
      true,
    );
  });

  it('refuses a re-signed timestamp (the timestamp is part of the MAC)', () => {
    const forged = header.replace(`t=${T}`, `t=${T + 1000}`);
    expect(verifySignature('s3cret', forged, body, { now: at(T + 1000) })).toMatchObject({
      ok: false,
      reason: 'mismatch',
    });
  });

  it('refuses a malformed header with a message', () => {
    const r = verifySignature('s3cret', 'sha256=abc', body, { now: at(T) });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.reason).toBe('malformed');
      expect(r.message).toContain('Chainhunt-Signature');
    }
  });

  it('supports rotation on both sides', () => {
    const rotated = signatureHeader(['new', 'old'], T, body);
    expect(verifySignature('old', rotated, body, { now: at(T) }).ok).toBe(true);
    expect(verifySignature('new', rotated, body, { now: at(T) }).ok).toBe(true);
    expect(verifySignature(['next', 's3cret'], header, body, { now: at(T) }).ok).toBe(true);
    expect(verifySignature(['a', 'b'], rotated, body, { now: at(T) }).ok).toBe(false);
  });
});
