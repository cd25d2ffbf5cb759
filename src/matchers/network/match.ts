/**
 * Network indicator matching, pure: an index over domain, ip, cidr, url and url-pattern
 * indicators, and a lookup for one contact. See readme.md for the semantics of each type.
 */
import { getDomain } from 'tldts';
import type { Evidence, Finding, NetworkSubject } from '../../core/finding.js';
import type { Indicator, IntelBundle } from '../../core/intel.js';
import type { Issue } from '../../core/issue.js';
import { cmp, issue } from '../../core/issue.js';
import type { NetContactObservation } from '../../core/observation.js';
import { stableId } from '../../util/hash.js';
import { wildcardMatch } from '../../util/glob.js';
import { indicatorRef, indicatorSeverity, maxSeverity, sortIndicators } from '../indicator-common.js';
import { refang } from '../../intel/defang.js';
import { ipKey, maskKey, parseCidr, parseIp } from './ip.js';
import { normalizeUrl } from './url.js';
import warningList from './warning-list.json' with { type: 'json' };

/** The matcher id stamped on evidence. */
export const NETWORK_MATCHER_ID = 'matchers/network';

interface PatternEntry {
  /** Lower-cased wildcard pattern, already wrapped for its anchoring. */
  glob: string;
  /** Match against the full URL (pattern had a scheme) or the scheme-less form. */
  full: boolean;
  /** Longest literal run, to skip the glob cheaply. */
  literal: string;
  inds: Indicator[];
}

/** Indexes over the network indicators of one bundle. */
export interface NetworkIndex {
  domains: Map<string, Indicator[]>;
  ips: Map<string, Indicator[]>;
  cidrs: Map<string, Indicator[]>;
  /** Distinct prefix lengths per family, longest first. */
  prefixes4: number[];
  prefixes6: number[];
  /** URL indicators by scheme-less normal form. */
  urls: Map<string, Indicator[]>;
  /** Sorted scheme-less URL prefixes (indicators are prefixes at a path boundary). */
  urlKeys: string[];
  patterns: PatternEntry[];
  intel: IntelBundle;
  size: number;
}

const WARN_DOMAINS = new Set<string>(warningList.domains);
const WARN_IPS = new Set<string>(warningList.ips);

/** True when the domain is on the warning list of popular benign domains. */
export function isWarningListed(domain: string): boolean {
  return WARN_DOMAINS.has(domain);
}

function push<K>(m: Map<K, Indicator[]>, k: K, ind: Indicator): void {
  const list = m.get(k);
  if (list) list.push(ind);
  else m.set(k, [ind]);
}

/** Lower-case, no trailing dot, `*.` wildcard prefix removed (certificate names). */
export function normalizeDomain(s: string): string {
  let d = s.trim().toLowerCase();
  if (d.startsWith('*.')) d = d.slice(2);
  while (d.endsWith('.')) d = d.slice(0, -1);
  return d;
}

/**
 * Builds the index. Domain and IP indicators on the warning list are left out with an issue; a
 * regex URL pattern is `unsupported` (never approximated); unparsable values are `invalid-value`.
 */
export function buildNetworkIndex(intel: IntelBundle): { index: NetworkIndex; issues: Issue[] } {
  const issues: Issue[] = [];
  const idx: NetworkIndex = {
    domains: new Map(),
    ips: new Map(),
    cidrs: new Map(),
    prefixes4: [],
    prefixes6: [],
    urls: new Map(),
    urlKeys: [],
    patterns: [],
    intel,
    size: 0,
  };
  const p4 = new Set<number>();
  const p6 = new Set<number>();
  const patterns = new Map<string, PatternEntry>();
  const where = (ind: Indicator): { pluginId: string; file?: string } =>
    ind.sourceRef !== undefined
      ? { pluginId: NETWORK_MATCHER_ID, file: ind.sourceRef }
      : { pluginId: NETWORK_MATCHER_ID };
  for (const raw of intel.indicators) {
    // Defanged values (`evil[.]com`, `hxxp://`) are normalised here too, whatever the importer did.
    const refanged = raw.type === 'url-pattern' ? raw.value : refang(raw.value);
    const ind = refanged === raw.value ? raw : { ...raw, value: refanged };
    switch (ind.type) {
      case 'domain': {
        const d = normalizeDomain(ind.value);
        if (d.length === 0 || d.includes('/') || d.includes(' ')) {
          issues.push(
            issue(
              'invalid-value',
              `domain indicator ${JSON.stringify(ind.value)} (${ind.source}) is not a domain`,
              where(ind),
            ),
          );
          break;
        }
        if (WARN_DOMAINS.has(d)) {
          issues.push(
            issue(
              'unsupported',
              `domain indicator ${d} (${ind.source}) is on the warning list of popular benign domains; not matched on domain alone`,
              where(ind),
            ),
          );
          break;
        }
        push(idx.domains, d, ind);
        idx.size++;
        break;
      }
      case 'ip':
      case 'cidr': {
        const c = parseCidr(ind.value);
        if (!c) {
          issues.push(
            issue(
              'invalid-value',
              `${ind.type} indicator ${JSON.stringify(ind.value)} (${ind.source}) does not parse`,
              where(ind),
            ),
          );
          break;
        }
        const full = c.prefix === (c.v === 4 ? 32 : 128);
        if (full) {
          const ip = parseIp(ind.value.split('/')[0] ?? '');
          if (ip && WARN_IPS.has(ind.value.split('/')[0] ?? '')) {
            issues.push(
              issue(
                'unsupported',
                `ip indicator ${ind.value} (${ind.source}) is on the warning list (public resolver); not matched`,
                where(ind),
              ),
            );
            break;
          }
          if (ip) push(idx.ips, ipKey(ip), ind);
        } else {
          push(idx.cidrs, c.key, ind);
          (c.v === 4 ? p4 : p6).add(c.prefix);
        }
        idx.size++;
        break;
      }
      case 'url': {
        const u = normalizeUrl(ind.value);
        if (!u) {
          issues.push(
            issue(
              'invalid-value',
              `url indicator ${JSON.stringify(ind.value)} (${ind.source}) does not parse`,
              where(ind),
            ),
          );
          break;
        }
        if (u.bare === `${u.host}/`) {
          // A bare host is a domain indicator: the warning list applies.
          if (WARN_DOMAINS.has(u.host)) {
            issues.push(
              issue(
                'unsupported',
                `url indicator ${ind.value} (${ind.source}) names only a warning-listed host; not matched`,
                where(ind),
              ),
            );
            break;
          }
          push(idx.domains, u.host, ind);
        } else {
          push(idx.urls, u.bare, ind);
        }
        idx.size++;
        break;
      }
      case 'url-pattern': {
        if (ind.patternSyntax === 'regex') {
          issues.push(
            issue(
              'unsupported',
              `url-pattern ${JSON.stringify(ind.value)} (${ind.source}) uses regex syntax; only glob patterns are matched`,
              where(ind),
            ),
          );
          break;
        }
        const raw = ind.value.trim().toLowerCase();
        if (raw.length === 0 || raw.replaceAll('*', '').replaceAll('?', '').length < 4) {
          issues.push(
            issue(
              'invalid-value',
              `url-pattern ${JSON.stringify(ind.value)} (${ind.source}) is too broad to match`,
              where(ind),
            ),
          );
          break;
        }
        const full = raw.includes('://');
        const glob = full ? raw : `*${raw}*`;
        const literal = raw.split(/[*?]/).reduce((a, b) => (b.length > a.length ? b : a), '');
        const entry = patterns.get(glob);
        if (entry) entry.inds.push(ind);
        else patterns.set(glob, { glob, full, literal, inds: [ind] });
        idx.size++;
        break;
      }
      default:
        break;
    }
  }
  idx.prefixes4 = [...p4].sort((a, b) => b - a);
  idx.prefixes6 = [...p6].sort((a, b) => b - a);
  idx.urlKeys = [...idx.urls.keys()].sort();
  idx.patterns = [...patterns.values()].sort((a, b) => cmp(a.glob, b.glob));
  return { index: idx, issues };
}

/** One way a contact matched one indicator value. */
interface Hit {
  inds: Indicator[];
  evidenceType: string;
  field: string;
  value: string;
  confidence: number;
}

/** Domain lookup: exact, then parents up to (and including) the registrable domain. */
export function lookupDomain(
  idx: NetworkIndex,
  name: string,
): { inds: Indicator[]; matched: string; exact: boolean }[] {
  const out: { inds: Indicator[]; matched: string; exact: boolean }[] = [];
  const d = normalizeDomain(name);
  if (d.length === 0) return out;
  const exact = idx.domains.get(d);
  if (exact) out.push({ inds: exact, matched: d, exact: true });
  const registrable = getDomain(d, { allowPrivateDomains: true });
  if (!registrable || registrable === d) return out;
  let cand = d;
  while (cand !== registrable) {
    const dot = cand.indexOf('.');
    if (dot < 0) break;
    cand = cand.slice(dot + 1);
    const hit = idx.domains.get(cand);
    if (hit) out.push({ inds: hit, matched: cand, exact: false });
  }
  return out;
}

function lookupIp(idx: NetworkIndex, raw: string): { inds: Indicator[]; cidr: boolean }[] {
  const ip = parseIp(raw);
  if (!ip) return [];
  const out: { inds: Indicator[]; cidr: boolean }[] = [];
  const exact = idx.ips.get(ipKey(ip));
  if (exact) out.push({ inds: exact, cidr: false });
  for (const p of ip.v === 4 ? idx.prefixes4 : idx.prefixes6) {
    const hit = idx.cidrs.get(maskKey(ip, p));
    if (hit) out.push({ inds: hit, cidr: true });
  }
  return out;
}

function lookupUrl(idx: NetworkIndex, raw: string): Hit[] {
  const out: Hit[] = [];
  const u = normalizeUrl(raw);
  if (!u) return out;
  if (idx.urls.size > 0) {
    // Candidates are the URL itself and its prefixes at `/` and `?` boundaries.
    const seen = new Set<string>();
    const tryKey = (k: string, exact: boolean): void => {
      if (seen.has(k)) return;
      seen.add(k);
      const hit = idx.urls.get(k);
      if (hit)
        out.push({
          inds: hit,
          evidenceType: exact ? 'url-exact' : 'url-prefix',
          field: 'url',
          value: raw,
          confidence: exact ? 1 : 0.9,
        });
    };
    tryKey(u.bare, true);
    for (let i = u.bare.length - 1; i > 0; i--) {
      const c = u.bare[i];
      if (c === '/' || c === '?') {
        tryKey(u.bare.slice(0, i + 1), false); // indicator ending in `/`
        tryKey(u.bare.slice(0, i), false); // indicator ending just before the boundary
      }
    }
  }
  if (idx.patterns.length > 0) {
    const bareLower = u.bare.toLowerCase();
    const fullLower = `${u.scheme}://${bareLower}`;
    for (const p of idx.patterns) {
      const target = p.full ? fullLower : bareLower;
      if (p.literal.length > 0 && !target.includes(p.literal)) continue;
      if (wildcardMatch(p.glob, target))
        out.push({ inds: p.inds, evidenceType: 'url-pattern', field: 'url', value: raw, confidence: 0.9 });
    }
  }
  return out;
}

/** The contact fields the matcher reads. */
export type ContactLike = Pick<
  NetContactObservation,
  | 'time'
  | 'src'
  | 'dst'
  | 'fqdn'
  | 'url'
  | 'sni'
  | 'certNames'
  | 'answers'
  | 'source'
  | 'logType'
  | 'srcPort'
  | 'dstPort'
  | 'userAgent'
>;

/** All hits of one contact. */
export function contactHits(idx: NetworkIndex, c: ContactLike): Hit[] {
  const hits: Hit[] = [];
  const names: [string, string][] = [];
  if (c.fqdn) names.push(['fqdn', c.fqdn]);
  if (c.sni && c.sni !== c.fqdn) names.push(['sni', c.sni]);
  for (const n of c.certNames ?? []) names.push(['certName', n]);
  let urlHost: string | undefined;
  if (c.url) {
    urlHost = normalizeUrl(c.url)?.host;
    if (urlHost && urlHost !== c.fqdn && parseIp(urlHost) === null) names.push(['urlHost', urlHost]);
  }
  for (const [field, name] of names) {
    for (const h of lookupDomain(idx, name)) {
      const type =
        field === 'sni'
          ? 'tls-sni'
          : field === 'certName'
            ? 'tls-cert-name'
            : h.exact
              ? 'domain-exact'
              : 'domain-parent';
      hits.push({ inds: h.inds, evidenceType: type, field, value: name, confidence: h.exact ? 1 : 0.9 });
    }
  }
  const addrs: [string, string][] = [];
  if (c.src) addrs.push(['src', c.src]);
  if (c.dst) addrs.push(['dst', c.dst]);
  for (const a of c.answers ?? []) {
    // A DNS answer is an address or a CNAME target.
    if (parseIp(a)) {
      addrs.push(['answer', a]);
      continue;
    }
    for (const h of lookupDomain(idx, a)) {
      hits.push({
        inds: h.inds,
        evidenceType: 'dns-answer-cname',
        field: 'answer',
        value: a,
        confidence: h.exact ? 0.9 : 0.8,
      });
    }
  }
  for (const [field, v] of addrs) {
    for (const h of lookupIp(idx, v)) {
      const type = field === 'answer' ? 'dns-answer-ip' : h.cidr ? 'cidr' : 'ip';
      hits.push({
        inds: h.inds,
        evidenceType: type,
        field,
        value: v,
        confidence: h.cidr ? 0.8 : field === 'answer' ? 0.9 : 1,
      });
    }
  }
  if (c.url) hits.push(...lookupUrl(idx, c.url));
  return hits;
}

/**
 * Findings for one contact: one per matched indicator (type and value), with one evidence entry
 * per way it matched and per listing source. `host`/`tenant` come from the observation.
 */
export function matchContact(
  idx: NetworkIndex,
  c: ContactLike,
  ctx: { host: string; tenant?: string | undefined; extra?: Record<string, unknown> },
): Finding[] {
  const hits = contactHits(idx, c);
  if (hits.length === 0) return [];
  const groups = new Map<string, { inds: Indicator[]; hits: Hit[] }>();
  for (const h of hits) {
    for (const ind of h.inds) {
      const key = `${ind.type}\u0000${normalizeKey(ind)}`;
      let g = groups.get(key);
      if (!g) {
        g = { inds: [], hits: [] };
        groups.set(key, g);
      }
      if (!g.inds.includes(ind)) g.inds.push(ind);
      if (!g.hits.includes(h)) g.hits.push(h);
    }
  }
  const subject: NetworkSubject = { type: 'network' };
  if (c.time !== undefined) subject.time = c.time;
  if (c.src !== undefined) subject.src = c.src;
  if (c.dst !== undefined) subject.dst = c.dst;
  const fqdn = c.fqdn ?? c.sni;
  if (fqdn !== undefined) subject.fqdn = fqdn;
  if (c.url !== undefined) subject.url = c.url;
  const findings: Finding[] = [];
  for (const g of groups.values()) {
    const inds = sortIndicators(g.inds);
    const first = inds[0] as Indicator;
    const evidence: Evidence[] = [];
    for (const h of g.hits) {
      for (const ind of inds) {
        if (!h.inds.includes(ind)) continue;
        const searchedBy: Record<string, unknown> = { type: ind.type, value: ind.value, source: ind.source };
        if (ind.sourceRef !== undefined) searchedBy['sourceRef'] = ind.sourceRef;
        if (ind.description !== undefined) searchedBy['description'] = ind.description;
        const found: Record<string, unknown> = { field: h.field, value: h.value };
        if (c.logType !== undefined) found['logType'] = c.logType;
        if (ctx.extra) Object.assign(found, ctx.extra);
        evidence.push({
          type: h.evidenceType,
          searchedBy,
          found,
          matcherId: NETWORK_MATCHER_ID,
          confidence: h.confidence,
          location: c.source,
        });
      }
    }
    evidence.sort(
      (a, b) =>
        cmp(a.type, b.type) ||
        cmp(String(a.searchedBy['source']), String(b.searchedBy['source'])) ||
        cmp(String(a.found['field']), String(b.found['field'])),
    );
    const severity = maxSeverity(inds.map((i) => indicatorSeverity(i, idx.intel, i.test ? 'info' : 'high')));
    const f: Finding = {
      id: stableId(
        NETWORK_MATCHER_ID,
        first.type,
        first.value,
        ctx.host,
        c.source.file,
        c.source.line,
        c.time,
        c.src,
        c.dst,
        c.fqdn,
        c.url,
      ),
      kind: 'network',
      severity,
      host: ctx.host,
      title: `Network contact matches ${first.type} indicator ${first.value} (${first.source})`,
      subject,
      indicator: indicatorRef(first),
      evidence,
    };
    if (ctx.tenant !== undefined) f.tenant = ctx.tenant;
    const adv =
      first.advisoryId !== undefined
        ? idx.intel.advisories.find((a) => a.id === first.advisoryId)
        : undefined;
    if (adv) {
      f.advisory = { id: adv.id, aliases: adv.aliases, source: adv.source };
      if (adv.references.length > 0) f.references = adv.references;
    }
    findings.push(f);
  }
  return findings.sort((a, b) => cmp(a.id, b.id));
}

function normalizeKey(ind: Indicator): string {
  return ind.type === 'domain' ? normalizeDomain(ind.value) : ind.value;
}
