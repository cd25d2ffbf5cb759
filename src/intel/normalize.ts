/**
 * Normalisation of indicator values shared by every intel importer: hashes lower-case, domains
 * lower-case ASCII (punycode) without trailing dot, defanged values refanged. Pure functions,
 * no regexes built from input, no throwing.
 */
import { isIP } from 'node:net';
import { domainToASCII } from 'node:url';
import type { IndicatorType } from '../core/intel.js';

/** Hash indicator types, keyed by hex length. */
const HASH_BY_LENGTH: Readonly<Record<number, 'md5' | 'sha1' | 'sha256'>> = {
  32: 'md5',
  40: 'sha1',
  64: 'sha256',
};

/** Hex length of each hash type. */
export const HASH_LENGTH = { md5: 32, sha1: 40, sha256: 64 } as const;

/** Refanging lives in ./defang.ts (one implementation for every importer and matcher). */
import { refang } from './defang.js';

export { refang };

/** True when `s` is non-empty and only hex digits. */
export function isHex(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const digit = c >= 48 && c <= 57;
    const lowerHex = c >= 97 && c <= 102;
    const upperHex = c >= 65 && c <= 70;
    if (!digit && !lowerHex && !upperHex) return false;
  }
  return true;
}

/** The hash type implied by a hex string's length, or undefined when it is not a hash. */
export function hashTypeOf(value: string): 'md5' | 'sha1' | 'sha256' | undefined {
  if (!isHex(value)) return undefined;
  return HASH_BY_LENGTH[value.length];
}

/** Result of normalising one value: the normalised value or the reason it was rejected. */
export type Normalized = { ok: true; value: string } | { ok: false; reason: string };

/** A hash of `type`, lower-cased; rejects wrong length or non-hex. */
export function normalizeHash(type: 'md5' | 'sha1' | 'sha256', raw: string): Normalized {
  const v = raw.trim().toLowerCase();
  if (!isHex(v)) return { ok: false, reason: `${type} value is not hexadecimal` };
  if (v.length !== HASH_LENGTH[type]) {
    return { ok: false, reason: `${type} value has ${v.length} hex digits, expected ${HASH_LENGTH[type]}` };
  }
  return { ok: true, value: v };
}

/**
 * A domain name: refanged, lower-cased, converted to ASCII (punycode), trailing dot removed.
 * Rejects empty labels, labels over 63 characters, names over 253 characters, characters
 * outside letters, digits, `-` and `_`, and an all-numeric last label (RFC 3696 §2).
 */
export function normalizeDomain(raw: string): Normalized {
  let v = refang(raw.trim()).toLowerCase();
  if (v.endsWith('.')) v = v.slice(0, -1);
  if (v.length === 0) return { ok: false, reason: 'empty domain' };
  let ascii = v;
  if (!isAscii(v)) {
    ascii = domainToASCII(v);
    if (ascii === '') return { ok: false, reason: 'domain is not a valid internationalised name' };
  }
  if (ascii.length > 253) return { ok: false, reason: 'domain longer than 253 characters' };
  for (const label of ascii.split('.')) {
    if (label.length === 0) return { ok: false, reason: 'domain has an empty label' };
    if (label.length > 63) return { ok: false, reason: 'domain label longer than 63 characters' };
    for (let i = 0; i < label.length; i++) {
      const c = label.charCodeAt(i);
      const ok = (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 45 || c === 95;
      if (!ok) return { ok: false, reason: `domain has an invalid character ${JSON.stringify(label[i])}` };
    }
  }
  const labels = ascii.split('.');
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) {
    return { ok: false, reason: 'domain ends in an all-numeric label (a truncated IP address?)' };
  }
  return { ok: true, value: ascii };
}

/** An IPv4 or IPv6 address (refanged, IPv6 lower-cased). */
export function normalizeIp(raw: string): Normalized {
  const v = refang(raw.trim()).toLowerCase();
  if (isIP(v) === 0) return { ok: false, reason: 'not an IPv4 or IPv6 address' };
  return { ok: true, value: v };
}

/** A CIDR block `address/prefix`. */
export function normalizeCidr(raw: string): Normalized {
  const v = refang(raw.trim()).toLowerCase();
  const slash = v.indexOf('/');
  if (slash < 0) return { ok: false, reason: 'CIDR block without /prefix' };
  const addr = v.slice(0, slash);
  const prefix = v.slice(slash + 1);
  const family = isIP(addr);
  if (family === 0) return { ok: false, reason: 'CIDR block address is not an IP address' };
  if (!/^[0-9]{1,3}$/.test(prefix) || Number(prefix) > (family === 4 ? 32 : 128)) {
    return { ok: false, reason: 'CIDR prefix length out of range' };
  }
  return { ok: true, value: `${addr}/${Number(prefix)}` };
}

/** True when the value is an IPv4 or IPv6 address (after refanging). */
export function looksLikeIp(raw: string): boolean {
  return isIP(refang(raw.trim())) !== 0;
}

/** A URL: refanged, scheme and host lower-cased (path kept as written). Scheme-less values get none added. */
export function normalizeUrl(raw: string): Normalized {
  const v = refang(raw.trim());
  if (v.length === 0) return { ok: false, reason: 'empty URL' };
  if (/\s/.test(v)) return { ok: false, reason: 'URL contains whitespace' };
  const schemeEnd = v.indexOf('://');
  if (schemeEnd > 0) {
    try {
      const u = new URL(v);
      if (u.protocol !== 'http:' && u.protocol !== 'https:' && u.protocol !== 'ftp:') {
        return { ok: false, reason: `unsupported URL scheme ${u.protocol}` };
      }
      const rest = v.slice(schemeEnd + 3);
      const slash = rest.indexOf('/');
      const authority = slash < 0 ? rest : rest.slice(0, slash);
      const path = slash < 0 ? '' : rest.slice(slash);
      return {
        ok: true,
        value: `${v.slice(0, schemeEnd).toLowerCase()}://${authority.toLowerCase()}${path}`,
      };
    } catch {
      return { ok: false, reason: 'not a valid URL' };
    }
  }
  const slash = v.indexOf('/');
  const host = slash < 0 ? v : v.slice(0, slash);
  return { ok: true, value: host.toLowerCase() + (slash < 0 ? '' : v.slice(slash)) };
}

/** An e-mail address: refanged, domain part lower-cased. */
export function normalizeEmail(raw: string): Normalized {
  const v = refang(raw.trim());
  const at = v.lastIndexOf('@');
  if (at <= 0 || at === v.length - 1) return { ok: false, reason: 'not an e-mail address' };
  if (/\s/.test(v)) return { ok: false, reason: 'e-mail address contains whitespace' };
  const domain = normalizeDomain(v.slice(at + 1));
  if (!domain.ok) return { ok: false, reason: `e-mail domain: ${domain.reason}` };
  return { ok: true, value: `${v.slice(0, at)}@${domain.value}` };
}

/**
 * Normalises a value of any indicator type. Patterns (`url-pattern`, `filename`) are kept as
 * written apart from trimming (their syntax is checked by the importer that knows it).
 */
export function normalizeIndicatorValue(type: IndicatorType, raw: string): Normalized {
  switch (type) {
    case 'md5':
    case 'sha1':
    case 'sha256':
      return normalizeHash(type, raw);
    case 'domain':
      return normalizeDomain(raw);
    case 'ip':
      return normalizeIp(raw);
    case 'cidr':
      return normalizeCidr(raw);
    case 'url':
      return normalizeUrl(raw);
    case 'email':
      return normalizeEmail(raw);
    case 'url-pattern':
    case 'filename': {
      const v = raw.trim();
      return v.length === 0 ? { ok: false, reason: `empty ${type}` } : { ok: true, value: v };
    }
  }
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 127) return false;
  return true;
}
