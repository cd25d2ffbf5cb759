/** The `cidr` modifier: IPv4 and IPv6 networks (the field value must be an address). */
import { isIP } from 'node:net';
import { plainText } from './string.js';
import { unsupported, type SigmaValue } from './types.js';

/** Parses an IPv4 or IPv6 address into 16 bytes (IPv4 as v4-mapped); undefined when invalid. */
export function ipBytes(s: string): { bytes: Uint8Array; v4: boolean } | undefined {
  let t = s.trim();
  if (t.startsWith('[') && t.endsWith(']')) t = t.slice(1, -1);
  const zone = t.indexOf('%');
  if (zone >= 0) t = t.slice(0, zone);
  const kind = isIP(t);
  if (kind === 4) {
    const out = new Uint8Array(16);
    out[10] = 0xff;
    out[11] = 0xff;
    t.split('.').forEach((o, i) => (out[12 + i] = Number(o)));
    return { bytes: out, v4: true };
  }
  if (kind !== 6) return undefined;
  // expand ::, handle embedded IPv4 tail
  let tail: number[] = [];
  const lastColon = t.lastIndexOf(':');
  const maybeV4 = t.slice(lastColon + 1);
  if (isIP(maybeV4) === 4) {
    tail = maybeV4.split('.').map(Number);
    t = t.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = t.split('::') as [string, string | undefined];
  const hs = head ? head.split(':') : [];
  const rs = rest !== undefined && rest !== '' ? rest.split(':') : [];
  const groups =
    rest === undefined ? hs : [...hs, ...Array<string>(8 - hs.length - rs.length).fill('0'), ...rs];
  const out = new Uint8Array(16);
  groups.forEach((g, i) => {
    const n = parseInt(g || '0', 16);
    out[i * 2] = n >> 8;
    out[i * 2 + 1] = n & 0xff;
  });
  if (tail.length === 4) tail.forEach((b, i) => (out[12 + i] = b));
  const v4mapped = out.slice(0, 10).every((b) => b === 0) && out[10] === 0xff && out[11] === 0xff;
  return { bytes: out, v4: v4mapped };
}

/** Compiles a CIDR network into a test on address text. */
export function compileCidr(v: SigmaValue): (s: string) => boolean {
  if (v.t !== 'str' || !v.parts.every((p) => typeof p === 'string'))
    unsupported('cidr: value is not a network');
  const text = plainText(v.parts).trim();
  const slash = text.indexOf('/');
  const addr = slash >= 0 ? text.slice(0, slash) : text;
  const net = ipBytes(addr);
  if (!net) unsupported(`cidr: ${JSON.stringify(text)} is not an IP network`);
  let prefix = slash >= 0 ? Number(text.slice(slash + 1)) : net.v4 ? 32 : 128;
  const max = net.v4 ? 32 : 128;
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max)
    unsupported(`cidr: bad prefix length in ${JSON.stringify(text)}`);
  if (net.v4) prefix += 96;
  const base = net.bytes;
  const wantV4 = net.v4;
  return (s) => {
    const ip = ipBytes(s);
    if (!ip || ip.v4 !== wantV4) return false;
    let bits = prefix;
    for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
      const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
      if ((ip.bytes[i]! & mask) !== (base[i]! & mask)) return false;
    }
    return true;
  };
}
