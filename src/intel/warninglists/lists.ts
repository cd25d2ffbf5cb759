/**
 * Warning lists applied at import: popular benign domains, public resolvers and non-routable
 * address ranges, and known-good hashes (the empty file). A listed value is dropped and reported
 * with a `warninglist` issue, never silently.
 */
import { BlockList, isIP } from 'node:net';
import type { Indicator } from '../../core/intel.js';
import domains from './domains.json' with { type: 'json' };
import hashes from './hashes.json' with { type: 'json' };
import ips from './ips.json' with { type: 'json' };

const SUB = new Set<string>(domains.subdomains);
const EXACT = new Set<string>(domains.exact);
const ADDRS = new Set<string>(ips.addresses);
const HASHES: Readonly<Record<string, string>> = hashes.values;
const RANGES = new BlockList();
for (const r of ips.ranges) {
  const [addr, prefix] = r.split('/') as [string, string];
  RANGES.addSubnet(addr, Number(prefix), isIP(addr) === 6 ? 'ipv6' : 'ipv4');
}

/** The listed domain a host falls under, or undefined. */
function domainHit(host: string): string | undefined {
  if (EXACT.has(host)) return host;
  let h = host;
  for (;;) {
    if (SUB.has(h)) return h;
    const dot = h.indexOf('.');
    if (dot < 0) return undefined;
    h = h.slice(dot + 1);
  }
}

function ipHit(ip: string): string | undefined {
  if (ADDRS.has(ip)) return ip;
  const fam = isIP(ip);
  if (fam === 0) return undefined;
  return RANGES.check(ip, fam === 6 ? 'ipv6' : 'ipv4') ? 'a non-routable or reserved range' : undefined;
}

/**
 * Why a normalised indicator is on a warning list (a human-readable reason), or undefined.
 * URLs are listed only when they name a bare host (no path beyond `/`) on a listed domain.
 */
export function warninglistReason(ind: Pick<Indicator, 'type' | 'value'>): string | undefined {
  switch (ind.type) {
    case 'md5':
    case 'sha1':
    case 'sha256': {
      const why = HASHES[ind.value];
      return why === undefined ? undefined : `${ind.value} is the ${why} (${hashes.name})`;
    }
    case 'domain': {
      const hit = domainHit(ind.value);
      return hit === undefined
        ? undefined
        : `${ind.value} is a popular benign domain (${hit}, ${domains.name})`;
    }
    case 'ip': {
      const hit = ipHit(ind.value);
      if (hit === undefined) return undefined;
      return hit === ind.value
        ? `${ind.value} is a listed public DNS resolver (${ips.name})`
        : `${ind.value} is in ${hit} (${ips.name})`;
    }
    case 'cidr': {
      if (ips.ranges.includes(ind.value)) return `${ind.value} is a reserved range (${ips.name})`;
      return undefined;
    }
    case 'url': {
      const rest = ind.value.includes('://') ? ind.value.slice(ind.value.indexOf('://') + 3) : ind.value;
      const slash = rest.indexOf('/');
      const host = (slash < 0 ? rest : rest.slice(0, slash)).replace(/:\d+$/, '');
      const path = slash < 0 ? '' : rest.slice(slash);
      if (path !== '' && path !== '/') return undefined;
      const hit = domainHit(host) ?? ipHit(host);
      return hit === undefined ? undefined : `${ind.value} is a bare popular benign host (${hit})`;
    }
    default:
      return undefined;
  }
}
