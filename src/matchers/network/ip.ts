/**
 * IP address and CIDR handling without regexes from input: IPv4 as 32-bit numbers, IPv6 as
 * bigints; IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is treated as IPv4.
 */

/** A parsed address. */
export type ParsedIp = { v: 4; n: number } | { v: 6; n: bigint };

/** Parses a dotted-quad IPv4 address (no leading-zero octal forms beyond `0`). */
export function parseIpv4(s: string): number | null {
  const parts = s.split('.');
  if (parts.length !== 4) return null;
  let n = 0;
  for (const p of parts) {
    if (p.length === 0 || p.length > 3) return null;
    let v = 0;
    for (let i = 0; i < p.length; i++) {
      const c = p.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null;
      v = v * 10 + c;
    }
    if (v > 255 || (p.length > 1 && p[0] === '0')) return null;
    n = n * 256 + v;
  }
  return n;
}

/** Parses an IPv6 address (with `::`, embedded IPv4, and a `%zone` suffix that is dropped). */
export function parseIpv6(input: string): bigint | null {
  let s = input;
  const pct = s.indexOf('%');
  if (pct >= 0) s = s.slice(0, pct);
  if (s.startsWith('[') && s.endsWith(']')) s = s.slice(1, -1);
  if (s.length < 2 || s.length > 45) return null;
  const dbl = s.indexOf('::');
  if (dbl >= 0 && s.indexOf('::', dbl + 1) >= 0) return null;
  const parseGroups = (part: string): number[] | null => {
    if (part === '') return [];
    const out: number[] = [];
    const groups = part.split(':');
    for (let i = 0; i < groups.length; i++) {
      const g = groups[i] as string;
      if (i === groups.length - 1 && g.includes('.')) {
        const v4 = parseIpv4(g);
        if (v4 === null) return null;
        out.push(Math.floor(v4 / 65536), v4 % 65536);
        continue;
      }
      if (g.length === 0 || g.length > 4) return null;
      let v = 0;
      for (let j = 0; j < g.length; j++) {
        const c = g.charCodeAt(j);
        const d =
          c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
        if (d < 0) return null;
        v = v * 16 + d;
      }
      out.push(v);
    }
    return out;
  };
  let groups: number[];
  if (dbl >= 0) {
    const head = parseGroups(s.slice(0, dbl));
    const tail = parseGroups(s.slice(dbl + 2));
    if (!head || !tail || head.length + tail.length > 7) return null;
    groups = [...head, ...new Array<number>(8 - head.length - tail.length).fill(0), ...tail];
  } else {
    const all = parseGroups(s);
    if (!all || all.length !== 8) return null;
    groups = all;
  }
  let n = 0n;
  for (const g of groups) n = (n << 16n) | BigInt(g);
  return n;
}

const MAPPED_PREFIX = 0xffffn << 32n;

/** Parses an IPv4 or IPv6 address; IPv4-mapped IPv6 becomes IPv4. */
export function parseIp(s: string): ParsedIp | null {
  const t = s.trim();
  if (t.includes(':')) {
    const n = parseIpv6(t);
    if (n === null) return null;
    if (n >> 32n === 0xffffn && (n & ~0xffffffffn) === MAPPED_PREFIX)
      return { v: 4, n: Number(n & 0xffffffffn) };
    return { v: 6, n };
  }
  const n = parseIpv4(t);
  return n === null ? null : { v: 4, n };
}

/** Canonical text key of an address (IPv4 dotted, IPv6 as 32 hex digits). */
export function ipKey(ip: ParsedIp): string {
  if (ip.v === 4) return `4:${ip.n}`;
  return `6:${ip.n.toString(16).padStart(32, '0')}`;
}

/** A parsed CIDR block, its network address masked. */
export interface Cidr {
  v: 4 | 6;
  prefix: number;
  /** Masked network as a key comparable with {@link maskKey}. */
  key: string;
}

/** Parses `a.b.c.d/n` or `x::/n` (host bits are masked off). A bare address is a /32 or /128. */
export function parseCidr(s: string): Cidr | null {
  const slash = s.indexOf('/');
  const addr = parseIp(slash < 0 ? s : s.slice(0, slash));
  if (!addr) return null;
  const max = addr.v === 4 ? 32 : 128;
  let prefix = max;
  if (slash >= 0) {
    const p = s.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p)) return null;
    prefix = Number(p);
    if (prefix > max) return null;
    // An IPv4-mapped IPv6 block: shift the prefix into IPv4 terms.
    if (addr.v === 4 && s.slice(0, slash).includes(':')) {
      if (prefix < 96) return null;
      prefix -= 96;
    }
  }
  return { v: addr.v, prefix, key: maskKey(addr, prefix) };
}

/** The key of `ip` masked to `prefix` bits. */
export function maskKey(ip: ParsedIp, prefix: number): string {
  if (ip.v === 4) {
    const masked = prefix === 0 ? 0 : Math.floor(ip.n / 2 ** (32 - prefix)) * 2 ** (32 - prefix);
    return `4/${prefix}:${masked}`;
  }
  const shift = BigInt(128 - prefix);
  const masked = prefix === 0 ? 0n : (ip.n >> shift) << shift;
  return `6/${prefix}:${masked.toString(16)}`;
}
