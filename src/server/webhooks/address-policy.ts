/**
 * Which network addresses a webhook may be delivered to. Tenants choose webhook URLs, so a server
 * exposed to several tenants should refuse loopback, private, link-local and similar addresses
 * (server-side request forgery: cloud metadata at 169.254.169.254, admin ports on localhost).
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** `any`: deliver anywhere. `public-only`: refuse non-public addresses (see {@link isNonPublicAddress}). */
export type AddressPolicy = 'any' | 'public-only';

/** Resolves a host name to its addresses. */
export type HostLookup = (hostname: string) => Promise<string[]>;

const NON_PUBLIC = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  NON_PUBLIC.addSubnet(net, prefix, 'ipv4');
for (const [net, prefix] of [
  ['::', 128],
  ['::1', 128],
  ['64:ff9b::', 96],
  ['100::', 64],
  ['2001:db8::', 32],
  ['fc00::', 7],
  ['fe80::', 10],
  ['fec0::', 10],
  ['ff00::', 8],
] as const)
  NON_PUBLIC.addSubnet(net, prefix, 'ipv6');

/**
 * Whether `ip` is loopback, private, link-local, shared (CGNAT), documentation, multicast,
 * reserved or unspecified. IPv4-mapped IPv6 addresses are judged as IPv4. Anything that is not an
 * IP address counts as non-public.
 */
export function isNonPublicAddress(ip: string): boolean {
  const bare = ip.startsWith('[') && ip.endsWith(']') ? ip.slice(1, -1) : ip;
  const family = isIP(bare);
  if (family === 0) return true;
  return NON_PUBLIC.check(bare, family === 4 ? 'ipv4' : 'ipv6');
}

/** The default lookup: every address the system resolver returns. */
export const systemLookup: HostLookup = async (hostname) =>
  (await dnsLookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/** A URL's host as an IP literal (brackets removed), or null when it is a name. */
export function literalAddress(hostname: string): string | null {
  const bare = hostname.startsWith('[') && hostname.endsWith(']') ? hostname.slice(1, -1) : hostname;
  return isIP(bare) === 0 ? null : bare;
}

/** The outcome of {@link checkAddress}. */
export type AddressCheck = { ok: true } | { ok: false; retryable: boolean; error: string };

/**
 * Applies `policy` to the host of `url`: resolves it (unless it is an IP literal) and refuses it
 * when any address is non-public. A failed lookup is retryable; a refused address is not.
 */
export async function checkAddress(
  url: string,
  policy: AddressPolicy,
  lookup: HostLookup,
): Promise<AddressCheck> {
  if (policy === 'any') return { ok: true };
  const host = new URL(url).hostname;
  const literal = literalAddress(host);
  let addresses: string[];
  if (literal !== null) addresses = [literal];
  else {
    try {
      addresses = await lookup(host);
    } catch (err) {
      return {
        ok: false,
        retryable: true,
        error: `DNS lookup of ${host} failed: ${err instanceof Error ? err.message : String(err)}`,
      };
    }
    if (addresses.length === 0)
      return { ok: false, retryable: true, error: `${host} resolves to no address` };
  }
  const bad = addresses.find((a) => isNonPublicAddress(a));
  if (bad !== undefined)
    return {
      ok: false,
      retryable: false,
      error: `refused: ${host} resolves to ${bad}, which is not a public address (address policy public-only)`,
    };
  return { ok: true };
}
