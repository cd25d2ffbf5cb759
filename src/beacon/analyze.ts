/**
 * Beacon analysis over a {@link ConnTable}: groups rows into (source, destination IP) pairs from
 * conn logs and (source, FQDN) pairs from HTTP Host / TLS SNI, scores each pair for regular
 * timing, regular sizes, connection count and coverage of the window (formula in readme.md), and
 * reports long connections. Window and allow-list are query parameters: the table is never rebuilt.
 */
import { getDomain } from 'tldts';
import { parseCidr, parseIp, maskKey } from '../matchers/network/ip.js';
import { dispersion, regularity, type Dispersion } from './stats.js';
import { ConnTable, FLAG, ROW } from './table.js';

/** Options of one analysis. */
export interface BeaconOptions {
  /** Window start, seconds since the epoch (inclusive). */
  since?: number;
  /** Window end, seconds since the epoch (inclusive). */
  until?: number;
  /** Domains (matched with their sub-domains), IP addresses or CIDR blocks to leave out. */
  allow?: readonly string[];
  /** Pairs with fewer connections are not scored (default 5). */
  minConnections?: number;
  /** Connections closer than this (seconds) count as one check-in for interval analysis (default 1). */
  burstSeconds?: number;
  /** Histogram bucket for coverage (default 3600 s). */
  bucketSeconds?: number;
  /** Connections per hour that earn the full count score (default 6, one every 10 minutes). */
  fullScoreConnsPerHour?: number;
  /** Also score connections that carried no payload (failed attempts, scans); default false. */
  includeFailed?: boolean;
  /** Connections at least this long (seconds) are reported as long connections (default 3600). */
  longConnectionSeconds?: number;
  /** Report at most this many beacons and long connections (default 100). */
  top?: number;
  /** Score weights (default skew .25, mad .25, size .2, count .15, coverage .15). */
  weights?: Partial<BeaconWeights>;
}

/** Weights of the score components. */
export interface BeaconWeights {
  skew: number;
  mad: number;
  size: number;
  count: number;
  coverage: number;
}

const DEFAULT_WEIGHTS: BeaconWeights = { skew: 0.25, mad: 0.25, size: 0.2, count: 0.15, coverage: 0.15 };

/** Rounded summary of a sample. */
export interface StatSummary {
  min: number;
  median: number;
  max: number;
  mad: number;
  skew: number;
}

/** One ranked beacon with its evidence. */
export interface Beacon {
  src: string;
  dst: string;
  /** `ip` for conn-log pairs, `fqdn` for HTTP Host / TLS SNI pairs. */
  dstType: 'ip' | 'fqdn';
  score: number;
  /** Connections (or HTTP/TLS transactions for FQDN pairs) in the window. */
  count: number;
  firstSeen: string;
  lastSeen: string;
  /** Interval statistics in seconds, after merging bursts. */
  interval: StatSummary;
  /** Bytes per connection (both directions); absent when unknown (TLS-only FQDN pairs). */
  bytes?: StatSummary & { total: number };
  /** Fraction of histogram buckets in the window with at least one connection. */
  coverage: number;
  /** The score's components, each in [0, 1]. */
  components: { skew: number; mad: number; size?: number; count: number; coverage: number };
  /** Destination ports seen (up to 5). */
  ports: number[];
  /** HTTP requests in the pair. */
  httpRequests: number;
  /** HTTP requests without a Host header (or with an empty one). */
  missingHostCount: number;
  /** Distinct user agents (up to 5), most frequent first. */
  userAgents: string[];
}

/** A connection that stayed open a long time. */
export interface LongConnection {
  src: string;
  dst: string;
  port: number;
  /** Longest duration seen (seconds), including open-connection snapshots. */
  maxDuration: number;
  /** Closed connections at or above the threshold. */
  count: number;
  /** Whether a snapshot showed it still open. */
  open: boolean;
  firstSeen: string;
}

/** Result of one analysis. */
export interface BeaconReport {
  window: { since: string; until: string };
  /** Pairs scored (before `top`). */
  pairsScored: number;
  /** Rows considered after window and allow-list. */
  rows: number;
  beacons: Beacon[];
  longConnections: LongConnection[];
}

const PAIR_MUL = 2 ** 26;

/** A compiled allow-list: domains (with sub-domains) and CIDR blocks. */
export class AllowList {
  private readonly domains = new Set<string>();
  private readonly cidrKeys = new Set<string>();
  private readonly prefixes4: number[];
  private readonly prefixes6: number[];
  /** Entries that were neither a domain nor an address. */
  readonly invalid: string[] = [];

  constructor(entries: readonly string[]) {
    const p4 = new Set<number>();
    const p6 = new Set<number>();
    for (const raw of entries) {
      const e = raw.trim().toLowerCase();
      if (e.length === 0) continue;
      const c = parseCidr(e);
      if (c) {
        this.cidrKeys.add(c.key);
        (c.v === 4 ? p4 : p6).add(c.prefix);
        continue;
      }
      if (/^[a-z0-9_*.-]+$/.test(e) && e.includes('.'))
        this.domains.add(e.replace(/^\*\./, '').replace(/\.$/, ''));
      else this.invalid.push(raw);
    }
    this.prefixes4 = [...p4];
    this.prefixes6 = [...p6];
  }

  /** True when nothing is allow-listed. */
  get empty(): boolean {
    return this.domains.size === 0 && this.cidrKeys.size === 0;
  }

  /** Whether an IP address or host name is allow-listed. */
  allows(value: string): boolean {
    const ip = parseIp(value);
    if (ip) {
      for (const p of ip.v === 4 ? this.prefixes4 : this.prefixes6)
        if (this.cidrKeys.has(maskKey(ip, p))) return true;
      return false;
    }
    let d = value.toLowerCase();
    const reg = getDomain(d, { allowPrivateDomains: true }) ?? d;
    for (;;) {
      if (this.domains.has(d)) return true;
      if (d === reg) return false;
      const dot = d.indexOf('.');
      if (dot < 0) return false;
      d = d.slice(dot + 1);
    }
  }
}

function round(x: number, digits = 3): number {
  if (!Number.isFinite(x)) return x;
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}

function summary(d: Dispersion): StatSummary {
  return {
    min: round(d.min),
    median: round(d.median),
    max: round(d.max),
    mad: round(d.mad),
    skew: round(d.skew),
  };
}

function iso(ts: number): string {
  return new Date(Math.round(ts * 1000)).toISOString();
}

interface PairAcc {
  keys: number[];
  src: number[];
  dst: number[];
  fqdn: boolean[];
  count: number[];
}

/**
 * Scores every pair in the window and returns the top beacons and long connections.
 *
 * @example analyzeBeacons(table, { allow: ['windowsupdate.com', '10.0.0.0/8'] }).beacons[0]
 */
export function analyzeBeacons(t: ConnTable, opts: BeaconOptions = {}): BeaconReport {
  const n = t.length;
  const minConn = Math.max(3, opts.minConnections ?? 5);
  const burst = opts.burstSeconds ?? 1;
  const bucket = opts.bucketSeconds ?? 3600;
  const perHour = opts.fullScoreConnsPerHour ?? 6;
  const longSec = opts.longConnectionSeconds ?? 3600;
  const top = opts.top ?? 100;
  const w: BeaconWeights = { ...DEFAULT_WEIGHTS, ...opts.weights };
  const allow = new AllowList(opts.allow ?? []);
  const since = opts.since ?? -Infinity;
  const until = opts.until ?? Infinity;

  // Allow-list verdicts per interned string, computed lazily (0 unknown, 1 allowed, 2 not).
  const verdict = new Uint8Array(t.strings.length);
  const allowed = (id: number): boolean => {
    if (allow.empty || id < 0) return false;
    let v = verdict[id];
    if (v === 0) {
      v = allow.allows(t.strings[id] as string) ? 1 : 2;
      verdict[id] = v;
    }
    return v === 1;
  };

  // Pass 1: assign rows to pairs; find the window's actual bounds.
  const pairOf = new Int32Array(n).fill(-1);
  const ipPairs = new Map<number, number>();
  const namePairs = new Map<number, number>();
  const acc: PairAcc = { keys: [], src: [], dst: [], fqdn: [], count: [] };
  const longMap = new Map<string, LongConnection & { firstTs: number }>();
  let lo = Infinity;
  let hi = -Infinity;
  let rows = 0;
  const { kind, ts, src, dst, name, bytes, duration, flags, port } = t;
  const pairFor = (map: Map<number, number>, s: number, d: number, isName: boolean): number => {
    const key = s * PAIR_MUL + d;
    let p = map.get(key);
    if (p === undefined) {
      p = acc.count.length;
      map.set(key, p);
      acc.keys.push(key);
      acc.src.push(s);
      acc.dst.push(d);
      acc.fqdn.push(isName);
      acc.count.push(0);
    }
    acc.count[p] = (acc.count[p] as number) + 1;
    return p;
  };
  for (let i = 0; i < n; i++) {
    const k = kind[i] as number;
    const time = ts[i] as number;
    const dur = duration[i] as number;
    const open = ((flags[i] as number) & FLAG.open) !== 0;
    // Long connections may start before the window and still overlap it.
    if (k === ROW.conn && dur >= longSec && time <= until && time + dur >= since) {
      const s = src[i] as number;
      const d = dst[i] as number;
      if (!allowed(s) && !allowed(d)) {
        const key = `${s}|${d}|${port[i] as number}`;
        let l = longMap.get(key);
        if (!l) {
          l = {
            src: t.strings[s] as string,
            dst: t.strings[d] as string,
            port: port[i] as number,
            maxDuration: 0,
            count: 0,
            open: false,
            firstSeen: '',
            firstTs: time,
          };
          longMap.set(key, l);
        }
        l.maxDuration = Math.max(l.maxDuration, dur);
        l.firstTs = Math.min(l.firstTs, time);
        if (open) l.open = true;
        else l.count++;
      }
    }
    if (time < since || time > until || open) continue;
    const s = src[i] as number;
    if (allowed(s)) continue;
    if (k === ROW.conn) {
      const d = dst[i] as number;
      if (allowed(d)) continue;
      const b = bytes[i] as number;
      if (!opts.includeFailed && !(b > 0)) continue;
      pairOf[i] = pairFor(ipPairs, s, d, false);
    } else {
      const nm = name[i] as number;
      if (nm < 0 || allowed(nm) || allowed(dst[i] as number)) continue;
      pairOf[i] = pairFor(namePairs, s, nm, true);
    }
    rows++;
    if (time < lo) lo = time;
    if (time > hi) hi = time;
  }
  const winStart = Number.isFinite(since) ? since : lo;
  const winEnd = Number.isFinite(until) ? until : hi;
  const span = Math.max(winEnd - winStart, 1);
  const nBuckets = Math.max(1, Math.ceil(span / bucket));
  const expected = Math.max(1, (span / 3600) * perHour);

  // Counting sort of row indices by pair.
  const pairs = acc.count.length;
  const offsets = new Uint32Array(pairs + 1);
  for (let p = 0; p < pairs; p++) offsets[p + 1] = (offsets[p] as number) + (acc.count[p] as number);
  const fill = offsets.slice(0, pairs);
  const order = new Uint32Array(offsets[pairs] as number);
  for (let i = 0; i < n; i++) {
    const p = pairOf[i] as number;
    if (p < 0) continue;
    order[(fill[p] as number)++] = i;
  }

  // Pass 2: score each pair.
  let maxCount = 0;
  for (const c of acc.count) if (c > maxCount) maxCount = c;
  const tsBuf = new Float64Array(maxCount);
  const ivBuf = new Float64Array(maxCount);
  const szBuf = new Float64Array(maxCount);
  const scratch = new Float64Array(maxCount);
  interface Scored {
    p: number;
    score: number;
    count: number;
    iv: Dispersion;
    sz: Dispersion | undefined;
    bytesTotal: number;
    coverage: number;
    components: Beacon['components'];
    first: number;
    last: number;
  }
  const scored: Scored[] = [];
  for (let p = 0; p < pairs; p++) {
    const count = acc.count[p] as number;
    if (count < minConn) continue;
    const start = offsets[p] as number;
    let nb = 0;
    let total = 0;
    for (let j = 0; j < count; j++) {
      const i = order[start + j] as number;
      tsBuf[j] = ts[i] as number;
      const b = bytes[i] as number;
      if (b === b) {
        szBuf[nb++] = b;
        total += b;
      }
    }
    const tsv = tsBuf.subarray(0, count);
    tsv.sort();
    let ni = 0;
    let prev = tsv[0] as number;
    let buckets = 0;
    let lastBucket = -1;
    for (let j = 0; j < count; j++) {
      const x = tsv[j] as number;
      const bk = Math.floor((x - winStart) / bucket);
      if (bk !== lastBucket) {
        buckets++;
        lastBucket = bk;
      }
      if (j > 0 && x - prev >= burst) {
        ivBuf[ni++] = x - prev;
        prev = x;
      }
    }
    if (ni < 2) continue;
    const ivv = ivBuf.subarray(0, ni);
    ivv.sort();
    const iv = dispersion(ivv, ni, scratch);
    const ir = regularity(iv, burst);
    let sz: Dispersion | undefined;
    let sizeScore: number | undefined;
    if (nb >= minConn) {
      const szv = szBuf.subarray(0, nb);
      szv.sort();
      sz = dispersion(szv, nb, scratch);
      const sr = regularity(sz, 1);
      sizeScore = (sr.skewScore + sr.madScore) / 2;
    }
    const countScore = Math.min(1, count / expected);
    const coverage = Math.min(1, buckets / nBuckets);
    let num = w.skew * ir.skewScore + w.mad * ir.madScore + w.count * countScore + w.coverage * coverage;
    let den = w.skew + w.mad + w.count + w.coverage;
    if (sizeScore !== undefined) {
      num += w.size * sizeScore;
      den += w.size;
    }
    const components: Beacon['components'] = {
      skew: round(ir.skewScore),
      mad: round(ir.madScore),
      count: round(countScore),
      coverage: round(coverage),
    };
    if (sizeScore !== undefined) components.size = round(sizeScore);
    scored.push({
      p,
      score: den > 0 ? num / den : 0,
      count,
      iv,
      sz,
      bytesTotal: total,
      coverage,
      components,
      first: tsv[0] as number,
      last: tsv[count - 1] as number,
    });
  }
  const strings = t.strings;
  scored.sort(
    (a, b) =>
      b.score - a.score ||
      b.count - a.count ||
      cmpStr(strings[acc.src[a.p] as number] as string, strings[acc.src[b.p] as number] as string) ||
      cmpStr(strings[acc.dst[a.p] as number] as string, strings[acc.dst[b.p] as number] as string) ||
      Number(acc.fqdn[a.p]) - Number(acc.fqdn[b.p]),
  );
  const chosen = scored.slice(0, top);

  // Evidence for the reported pairs only: ports from their rows, HTTP facts from HTTP rows.
  const httpEv = new Map<number, { requests: number; noHost: number; uas: Map<number, number> }>();
  const wantIp = new Set<number>();
  const wantName = new Set<number>();
  for (const s of chosen) (acc.fqdn[s.p] ? wantName : wantIp).add(acc.keys[s.p] as number);
  if (wantIp.size + wantName.size > 0) {
    for (let i = 0; i < n; i++) {
      if (kind[i] !== ROW.http) continue;
      const time = ts[i] as number;
      if (time < since || time > until) continue;
      const s = src[i] as number;
      const keys: number[] = [];
      const ipKeyN = s * PAIR_MUL + (dst[i] as number);
      if (wantIp.has(ipKeyN)) keys.push(ipKeyN);
      const nm = name[i] as number;
      if (nm >= 0) {
        const nk = -(s * PAIR_MUL + nm) - 1; // negative keys for FQDN pairs
        if (wantName.has(s * PAIR_MUL + nm)) keys.push(nk);
      }
      for (const key of keys) {
        let e = httpEv.get(key);
        if (!e) {
          e = { requests: 0, noHost: 0, uas: new Map() };
          httpEv.set(key, e);
        }
        e.requests++;
        if (((flags[i] as number) & FLAG.noHost) !== 0) e.noHost++;
        const u = t.ua[i] as number;
        if (u >= 0) e.uas.set(u, (e.uas.get(u) ?? 0) + 1);
      }
    }
  }
  const beacons: Beacon[] = chosen.map((s) => {
    const isName = acc.fqdn[s.p] as boolean;
    const key = acc.keys[s.p] as number;
    const ev = httpEv.get(isName ? -key - 1 : key);
    const ports = new Set<number>();
    const start = offsets[s.p] as number;
    for (let j = 0; j < s.count && ports.size < 5; j++) {
      const pt = port[order[start + j] as number] as number;
      if (pt > 0) ports.add(pt);
    }
    const b: Beacon = {
      src: strings[acc.src[s.p] as number] as string,
      dst: strings[acc.dst[s.p] as number] as string,
      dstType: isName ? 'fqdn' : 'ip',
      score: round(s.score),
      count: s.count,
      firstSeen: iso(s.first),
      lastSeen: iso(s.last),
      interval: summary(s.iv),
      coverage: round(s.coverage),
      components: s.components,
      ports: [...ports].sort((x, y) => x - y),
      httpRequests: ev?.requests ?? 0,
      missingHostCount: ev?.noHost ?? 0,
      userAgents: ev
        ? [...ev.uas.entries()]
            .sort((x, y) => y[1] - x[1] || cmpStr(strings[x[0]] as string, strings[y[0]] as string))
            .slice(0, 5)
            .map(([u]) => strings[u] as string)
        : [],
    };
    if (s.sz) b.bytes = { ...summary(s.sz), total: s.bytesTotal };
    return b;
  });
  const longConnections = [...longMap.values()]
    .sort(
      (a, b) =>
        b.maxDuration - a.maxDuration || cmpStr(a.src, b.src) || cmpStr(a.dst, b.dst) || a.port - b.port,
    )
    .slice(0, top)
    .map(({ firstTs, ...l }) => ({ ...l, maxDuration: round(l.maxDuration), firstSeen: iso(firstTs) }));
  return {
    window: {
      since: Number.isFinite(winStart) ? iso(winStart) : '',
      until: Number.isFinite(winEnd) ? iso(winEnd) : '',
    },
    pairsScored: scored.length,
    rows,
    beacons,
    longConnections,
  };
}

function cmpStr(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
