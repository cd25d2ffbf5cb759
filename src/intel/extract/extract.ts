/**
 * Advisory prose → structured intel draft. General rules, no per-document cases:
 * - text is split into sentences (headings, list items and table rows stand alone);
 * - version-shaped tokens count only in groups introduced by a version cue (`version(s)`,
 *   `build`, `release`, `v1.2`, `through`, `before`, `fixed in`, `upgrade to`, or directly after
 *   the product's name); money (`$4.6`, `4.6 million`), percentages, counts with units, CVSS
 *   scores, dates and IP-shaped quads are never versions;
 * - a group is affected or fixed by the nearest classifying word in its sentence (`affects`,
 *   `compromised`, `malicious` … vs `fixed`, `patched`, `upgrade` …), unclassified groups are kept
 *   apart (`mentioned`), never guessed;
 * - its platform is the nearest platform word in its clause (after it, then before it);
 * - the vendor is the most-mentioned proper name that is not a quoted security vendor, news outlet
 *   or research firm (data: security-vendors.json), a platform, a month or a function word; the
 *   product is the vendor's most frequent compound name (`3CX DesktopApp`, `3CXDesktopApp`);
 * - indicators are hashes, URLs, domains (public suffix list, file extensions excluded unless
 *   defanged), IPs and e-mail addresses, defanged forms included, each with its sentence; links
 *   to security vendors and news sites are references, warning-listed values are dropped and
 *   listed in `dropped`.
 */
import { isIP } from 'node:net';
import { parse as parseDomain } from 'tldts';
import type { IndicatorType } from '../../core/intel.js';
import { refang } from '../defang.js';
import { hashTypeOf, normalizeIndicatorValue } from '../normalize.js';
import { warninglistReason } from '../warninglists/lists.js';
import vendors from './security-vendors.json' with { type: 'json' };
import { htmlToText, markdownToText, splitSentences, type Sentence } from './text.js';

/** Input formats. */
export type AdvisoryFormat = 'text' | 'markdown' | 'html';

/** Platforms a product entry can name. */
export type DraftPlatform = 'windows' | 'macos' | 'linux' | 'any';

/** A version range read from `through`, `before`, `from … to`. */
export interface DraftRange {
  introduced?: string;
  fixed?: string;
  lastAffected?: string;
}

/** One product on one platform. */
export interface DraftProduct {
  name: string;
  platform: DraftPlatform;
  affected: string[];
  fixed: string[];
  ranges?: DraftRange[];
  /** Sentences the versions came from. */
  context: string[];
}

/** One indicator with the sentence it came from. */
export interface DraftIndicator {
  type: IndicatorType;
  value: string;
  context: string;
  line: number;
  /** True when the text wrote it defanged (`evil[.]com`, `hxxp`). */
  defanged: boolean;
}

/** What {@link extractAdvisory} returns. */
export interface AdvisoryDraft {
  title: string;
  vendor?: string;
  products: DraftProduct[];
  cves: string[];
  indicators: DraftIndicator[];
  /** Links to security vendors, news and registries: references, not indicators. */
  references: string[];
  /** Version groups with no affected/fixed wording nearby: shown for review, not used. */
  mentioned: { versions: string[]; context: string }[];
  /** Values dropped by warning lists, with the reason (never silently). */
  dropped: { type: IndicatorType; value: string; reason: string }[];
  /** Organisations recognised as quoted security vendors / news (not the affected product). */
  quoted: string[];
}

/** Options of {@link extractAdvisory}. */
export interface ExtractOptions {
  format: AdvisoryFormat;
}

const PLATFORM_WORDS: Readonly<Record<string, DraftPlatform>> = {
  windows: 'windows',
  win32: 'windows',
  win64: 'windows',
  macos: 'macos',
  osx: 'macos',
  mac: 'macos',
  linux: 'linux',
  ubuntu: 'linux',
  debian: 'linux',
};
const MONTHS = new Set([
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
  'sunday',
]);
const FUNCTION_WORDS = new Set([
  'the',
  'a',
  'an',
  'this',
  'that',
  'these',
  'those',
  'it',
  'its',
  'on',
  'in',
  'at',
  'for',
  'from',
  'to',
  'of',
  'and',
  'or',
  'but',
  'as',
  'by',
  'with',
  'since',
  'meanwhile',
  'furthermore',
  'ultimately',
  'previously',
  'also',
  'however',
  'if',
  'when',
  'while',
  'after',
  'before',
  'according',
  'we',
  'they',
  'he',
  'she',
  'you',
  'our',
  'their',
  'his',
  'her',
  'there',
  'here',
  'ceo',
  'cto',
  'ciso',
  'cfo',
  'coo',
  'founder',
  'president',
  'spokesperson',
  'spokesman',
  'researcher',
  'researchers',
  'analyst',
  'director',
  'manager',
  'vp',
  'chief',
  'officer',
  'head',
  'engineer',
  'mr',
  'ms',
  'mrs',
  'dr',
  'ltd',
  'inc',
  'corp',
  'corporation',
  'llc',
  'gmbh',
  'limited',
  'plc',
  'ag',
  'sa',
  'co',
  'link',
  'links',
  'download',
  'downloads',
  'what',
  'which',
  'who',
  'how',
  'why',
  'all',
  'some',
  'any',
  'no',
  'not',
  'yes',
  'update',
  'updates',
  'version',
  'versions',
  'app',
  'apps',
  'application',
  'applications',
  'security',
  'alert',
  'note',
  'summary',
  'details',
  'description',
  'affected',
  'fixed',
  'impact',
  'mitigation',
  'references',
  'cve',
  'ioc',
  'iocs',
  'indicators',
  'table',
  'figure',
  'source',
  'sources',
  'read',
  'search',
  'content',
  'breach',
  'users',
  'customers',
  'partners',
]);
const FRAMEWORK_WORDS = new Set([
  'electron',
  'chromium',
  'node',
  'java',
  'javascript',
  '.net',
  'qt',
  'win32',
  'x64',
  'x86',
  'arm64',
  'msi',
  'dmg',
  'exe',
  'installer',
]);
const ROLES = new Set([
  'ceo',
  'cto',
  'ciso',
  'cfo',
  'coo',
  'founder',
  'president',
  'spokesperson',
  'spokesman',
  'researcher',
  'analyst',
  'director',
  'manager',
  'vp',
  'chief',
  'officer',
  'engineer',
  'mr',
  'ms',
  'mrs',
  'dr',
]);
const SPEECH_VERBS = new Set([
  'said',
  'says',
  'reported',
  'reports',
  'noted',
  'notes',
  'indicated',
  'observed',
  'told',
  'stated',
  'added',
  'predicted',
  'wrote',
  'explained',
  'warned',
  'confirmed',
  'attributed',
  'saw',
  'detected',
  'published',
  'researchers',
  'analysts',
]);
const MAGNITUDES = new Set([
  'million',
  'billion',
  'trillion',
  'thousand',
  'hundred',
  'percent',
  'per',
  'percentage',
  'times',
  'x',
  'fold',
  'gb',
  'mb',
  'kb',
  'tb',
  'pb',
  'gib',
  'mib',
  'kib',
  'ms',
  'seconds',
  'second',
  'minutes',
  'minute',
  'hours',
  'hour',
  'days',
  'day',
  'weeks',
  'months',
  'years',
  'year',
  'km',
  'miles',
  'mph',
  'kg',
  'lbs',
  'points',
  'point',
  'stars',
  'ghz',
  'mhz',
  'usd',
  'eur',
  'dollars',
  'euros',
  'pounds',
  'btc',
  'eth',
  'users',
  'customers',
  'companies',
  'organizations',
  'organisations',
  'devices',
  'downloads',
  'installs',
  'people',
  'employees',
  'victims',
]);
const SCORE_WORDS = new Set(['cvss', 'score', 'scored', 'rating', 'rated', 'severity', 'epss', 'base']);
const CURRENCY = /^[$€£¥₹]|^(us|usd|eur|gbp)\$?$/i;
const FILE_EXT_TLDS = new Set([
  'md',
  'zip',
  'sh',
  'py',
  'pl',
  'rs',
  'so',
  'mov',
  'app',
  'ps',
  'cc',
  'pm',
  'ini',
  'cfg',
  'plist',
  'ico',
  'dll',
  'exe',
  'dylib',
  'bin',
  'dat',
  'log',
  'tmp',
  'js',
  'ts',
  'cs',
  'go',
  'rb',
  'java',
  'json',
  'xml',
  'yml',
  'yaml',
  'txt',
  'msi',
  'dmg',
  'pkg',
  'doc',
  'pdf',
]);

type Cls = 'affected' | 'fixed' | 'unaffected';
const FIX_WORDS = new Set([
  'fixed',
  'fix',
  'fixes',
  'patched',
  'patch',
  'patches',
  'resolved',
  'resolves',
  'addressed',
  'addresses',
  'remediated',
  'remediates',
  'upgrade',
  'upgrading',
  'upgraded',
  'clean',
  'safe',
  'mitigated',
]);
const AFFECTED_WORDS = new Set([
  'affect',
  'affects',
  'affected',
  'affecting',
  'vulnerable',
  'compromised',
  'malicious',
  'trojanized',
  'trojanised',
  'backdoored',
  'infected',
  'impacted',
  'impacts',
  'impacting',
  'exploited',
  'embedded',
  'contains',
  'containing',
  'tampered',
  'poisoned',
  'hijacked',
  'uninstall',
  'uninstalling',
  'trojanised',
  'weaponized',
  'corrupted',
  'rogue',
]);
/** Words naming a piece of software: a version right after one is its version ("Desktop App (18.12.407 …"). */
const PRODUCTISH = new Set([
  'app',
  'apps',
  'application',
  'client',
  'software',
  'package',
  'installer',
  'sdk',
  'library',
  'extension',
  'plugin',
  'agent',
  'desktopapp',
]);
const VERSION_CUES = new Set([
  'version',
  'versions',
  'ver',
  'build',
  'builds',
  'release',
  'releases',
  'numbers',
  'number',
  'v',
]);

/** Security-vendor names (as word lists), indexed by their first word. */
const SEC_NAMES = new Map<string, string[][]>();
for (const n of vendors.names) {
  const words = n.toLowerCase().split(/\s+/);
  SEC_NAMES.set(words[0] as string, [...(SEC_NAMES.get(words[0] as string) ?? []), words]);
}
const SEC_DOMAINS = new Set(vendors.domains);

interface Tok {
  raw: string;
  clean: string;
  lower: string;
}

function tokenize(s: string): Tok[] {
  const out: Tok[] = [];
  for (const part of s.split(/[\s|]+/)) {
    if (part === '') continue;
    let clean = part.replace(/^[("'“‘<[{*]+/, '');
    // Trailing punctuation, including a full stop that ends the sentence ("… 18.12.416)." /
    // "evil[.]com."), but not the `[.]` of a defanged value.
    for (;;) {
      const before = clean;
      clean = clean.replace(/[)"'”’>}*,;:!?]+$/, '');
      while (clean.endsWith('.') && !clean.endsWith('[.]')) clean = clean.slice(0, -1);
      if (clean === before) break;
    }
    clean = clean.replace(/['’]s$/, ''); // possessive: "3CX's DesktopApp"
    if (clean.endsWith(']') && !clean.includes('[')) clean = clean.slice(0, -1);
    if (clean.startsWith('[') && !clean.includes(']')) clean = clean.slice(1);
    // "5.6.0/5.6.1" and "1.2.0-1.2.9" are two versions (a list, a range), not one token.
    const pair = /^(v?\d{1,6}(?:\.\d{1,6}){1,3})([/–-])(v?\d{1,6}(?:\.\d{1,6}){1,3})$/.exec(clean);
    if (
      pair &&
      (pair[2] === '/' || (pair[1] as string).split('.').length === (pair[3] as string).split('.').length)
    ) {
      const sep = pair[2] === '/' ? 'or' : '-';
      out.push({
        raw: pair[1] as string,
        clean: pair[1] as string,
        lower: (pair[1] as string).toLowerCase(),
      });
      out.push({ raw: sep, clean: sep, lower: sep });
      out.push({
        raw: part.slice(part.indexOf(pair[3] as string)),
        clean: pair[3] as string,
        lower: (pair[3] as string).toLowerCase(),
      });
      continue;
    }
    out.push({ raw: part, clean, lower: clean.toLowerCase() });
  }
  return out;
}

/** Whether a version right after a platform word is that operating system's own version. */
function osVersionLike(platform: DraftPlatform, v: string): boolean {
  const major = Number(v.split('.')[0]);
  // Windows NT numbering (10.0.19045, 6.1, 8.1) and macOS majors; "Linux 5.15" is rare enough
  // (one writes "kernel 5.15") that a version after "Linux" is taken for the app's.
  if (platform === 'windows')
    return /^(10\.0|6\.[0-3]|5\.[12]|8\.1)(\.\d+)*$/.test(v) || (major >= 1995 && major <= 2030);
  if (platform === 'macos') return (major >= 10 && major <= 16) || (major >= 26 && major <= 30);
  return false;
}

const VERSION_RE = /^v?(\d{1,6}(?:\.\d{1,6}){1,3}(?:[-+][0-9A-Za-z][0-9A-Za-z.]{0,30})?)$/i;

function isDateLike(v: string): boolean {
  const p = v.split('.');
  if (p.length !== 3) return false;
  const [a, b, c] = p.map((x) => Number(x)) as [number, number, number];
  const year = (y: string): boolean =>
    (y.length === 4 && Number(y) >= 1970 && Number(y) <= 2099) || y.length === 2;
  if (year(p[2] as string) && a >= 1 && a <= 31 && b >= 1 && b <= 12) return true; // 31.03.2023
  if (year(p[2] as string) && b >= 1 && b <= 31 && a >= 1 && a <= 12 && (p[2] as string).length === 4)
    return true; // 03.31.2023
  // 2023.03.31 (two-digit month and day: calendar versions such as 2020.2.1 stay versions)
  if (
    (p[0] as string).length === 4 &&
    year(p[0] as string) &&
    (p[1] as string).length === 2 &&
    (p[2] as string).length === 2 &&
    b >= 1 &&
    b <= 12 &&
    c >= 1 &&
    c <= 31
  )
    return true;
  return false;
}

/** The version a token holds, or undefined when it is not version-shaped or is money, a count, a score or a date. */
function versionAt(toks: readonly Tok[], i: number): string | undefined {
  const t = toks[i] as Tok;
  const m = VERSION_RE.exec(t.clean);
  if (!m) return undefined;
  const v = m[1] as string;
  if (CURRENCY.test(t.raw) || t.raw.includes('%')) return undefined;
  const next = toks[i + 1]?.lower.replace(/[^a-z%]/g, '') ?? '';
  if (MAGNITUDES.has(next) || next.startsWith('%')) return undefined;
  const prev = toks[i - 1]?.lower ?? '';
  const prev2 = toks[i - 2]?.lower ?? '';
  if (
    CURRENCY.test(prev) ||
    SCORE_WORDS.has(prev) ||
    SCORE_WORDS.has(prev2) ||
    (prev === 'of' && SCORE_WORDS.has(prev2))
  )
    return undefined;
  if (isDateLike(v)) return undefined;
  const parts = v.split(/[-+]/, 1)[0]!.split('.');
  const explicit = t.clean.toLowerCase().startsWith('v') || VERSION_CUES.has(prev) || VERSION_CUES.has(prev2);
  if (parts.length === 4 && parts.every((x) => Number(x) <= 255) && !explicit) return undefined; // an IPv4 address
  return v;
}

interface Group {
  start: number;
  end: number;
  versions: string[];
  /** Versions not part of a `a through b` pair. */
  exact: string[];
  /** `a through b` / `a - b` pairs. */
  ranges: DraftRange[];
}

/** Versions one group may list (a real advisory lists a few dozen at most). */
const MAX_GROUP_VERSIONS = 500;
const CONNECTORS = new Set([',', 'and', '&', 'or', '/', 'as', 'well']);
const RANGE_WORDS = new Set(['through', 'thru', 'to', '-', '–', '—', 'until']);

function findGroups(toks: readonly Tok[]): Group[] {
  const groups: Group[] = [];
  let i = 0;
  while (i < toks.length) {
    const v = versionAt(toks, i);
    if (v === undefined) {
      i++;
      continue;
    }
    const g: Group = { start: i, end: i, versions: [v], exact: [v], ranges: [] };
    let j = i + 1;
    for (;;) {
      let k = j;
      let rangeWord = false;
      while (
        k < toks.length &&
        (CONNECTORS.has(toks[k]!.lower) || RANGE_WORDS.has(toks[k]!.lower) || toks[k]!.clean === '')
      ) {
        if (RANGE_WORDS.has(toks[k]!.lower)) rangeWord = true;
        k++;
      }
      if (k - j > 3 || g.versions.length >= MAX_GROUP_VERSIONS) break;
      const w = k < toks.length ? versionAt(toks, k) : undefined;
      if (w === undefined) break;
      const prev = g.versions[g.versions.length - 1] as string;
      if (rangeWord && g.exact[g.exact.length - 1] === prev) {
        g.exact.pop();
        g.ranges.push({ introduced: prev, lastAffected: w });
      } else g.exact.push(w);
      g.versions.push(w);
      g.end = k;
      j = k + 1;
    }
    groups.push(g);
    i = g.end + 1;
  }
  return groups;
}

function wordsBefore(toks: readonly Tok[], i: number, n: number): string[] {
  return toks.slice(Math.max(0, i - n), i).map((t) => t.lower.replace(/[^a-z0-9<=]/g, ''));
}

/** Cue and range meaning of a group, or undefined when no cue introduces it. */
function cueOf(
  toks: readonly Tok[],
  g: Group,
  productWords: ReadonlySet<string>,
): { kind: 'before' | 'through' | 'since' | 'fix' | 'version' | 'affected' | 'product' } | undefined {
  const w = wordsBefore(toks, g.start, 6);
  const last = w[w.length - 1] ?? '';
  const last2 = w.slice(-2).join(' ');
  const last3 = w.slice(-3).join(' ');
  if (
    last === 'before' ||
    last2 === 'prior to' ||
    last2 === 'earlier than' ||
    last2 === 'older than' ||
    last2 === 'lower than' ||
    last === 'below' ||
    last === '<'
  )
    return { kind: 'before' };
  if (
    last === 'through' ||
    last === 'thru' ||
    last2 === 'up to' ||
    last3 === 'to and including' ||
    last === '<='
  )
    return { kind: 'through' };
  if (
    last2 === 'starting with' ||
    last2 === 'starting from' ||
    last2 === 'beginning with' ||
    last === 'since' ||
    last3 === 'starting with version' ||
    last3 === 'since version'
  )
    return { kind: 'since' };
  if (
    [
      'fixed in',
      'patched in',
      'resolved in',
      'addressed in',
      'remediated in',
      'upgrade to',
      'update to',
      'updated to',
      'upgrading to',
      'updating to',
      'upgraded to',
      'fixed version',
      'fixed versions',
      'clean version',
      'new version',
      'latest version',
    ].includes(last2) ||
    last3 === 'fixed in version' ||
    last3 === 'upgrade to version' ||
    last3 === 'update to version'
  )
    return { kind: 'fix' };
  if (toks[g.start]!.clean.toLowerCase().startsWith('v') || w.slice(-4).some((x) => VERSION_CUES.has(x)))
    return { kind: 'version' };
  if (w.slice(-2).some((x) => AFFECTED_WORDS.has(x))) return { kind: 'affected' };
  if (last !== '' && productWords.has(last)) return { kind: 'product' };
  if (w.slice(-2).some((x) => PRODUCTISH.has(x))) return { kind: 'product' };
  // "Windows: 18.12.407, 18.12.416" (an app's versions per platform; OS versions are filtered later).
  if (w.slice(-2).some((x) => x in PLATFORM_WORDS)) return { kind: 'product' };
  const after = toks.slice(g.end + 1, g.end + 3).map((t) => t.lower.replace(/[^a-z]/g, ''));
  if (after.some((x) => x === 'version' || x === 'versions' || x === 'builds' || x === 'releases'))
    return { kind: 'version' };
  return undefined;
}

const CLASSIFY_WINDOW = 10;

function classify(toks: readonly Tok[], g: Group): Cls | undefined {
  const word = (k: number): Cls | undefined => {
    const t = toks[k]!.lower.replace(/[^a-z]/g, '');
    const neg = ['not', 'no', 'un', 'never'].includes(toks[k - 1]?.lower.replace(/[^a-z]/g, '') ?? '');
    if (t === 'unaffected') return 'unaffected';
    // "the last known clean version": before the compromise, neither affected nor a fix.
    if (
      t === 'clean' &&
      ['last', 'known', 'previous', 'prior', 'old', 'older'].includes(toks[k - 1]?.lower ?? '')
    )
      return 'unaffected';
    if (AFFECTED_WORDS.has(t)) return neg ? 'unaffected' : 'affected';
    if (FIX_WORDS.has(t)) return neg ? 'affected' : 'fixed';
    return undefined;
  };
  // Bounded scans (a sentence may be huge in hostile input).
  // Version tokens and connectors do not count toward the window, so a long list still reaches
  // its verb.
  const counts = (k: number): boolean => !VERSION_RE.test(toks[k]!.clean) && !CONNECTORS.has(toks[k]!.lower);
  for (let k = g.start - 1, n = 0; k >= 0 && n <= CLASSIFY_WINDOW; k--) {
    const c = word(k);
    if (c) return c;
    if (counts(k)) n++;
  }
  for (let k = g.end + 1, n = 0; k < toks.length && n <= CLASSIFY_WINDOW; k++) {
    const c = word(k);
    if (c) return c;
    if (counts(k)) n++;
  }
  return undefined;
}

/** The class a heading gives the section below it ("Affected versions", "New clean version"). */
function headingClass(toks: readonly Tok[]): Cls | undefined {
  if (toks.length === 0) return undefined;
  return classify(toks, { start: toks.length, end: toks.length, versions: [], exact: [], ranges: [] });
}

function platformsIn(toks: readonly Tok[], from: number, to: number, backwards: boolean): DraftPlatform[] {
  const first = platformIn(toks, from, to, backwards);
  if (!first) return [];
  // "Windows and macOS": every platform word joined to the first by and / & / , / or.
  const out: DraftPlatform[] = [];
  let k = from;
  const norm = (t: Tok | undefined): DraftPlatform | undefined =>
    t ? PLATFORM_WORDS[t.lower.replace(/[^a-z0-9]/g, '')] : undefined;
  if (backwards) {
    for (k = to - 1; k >= from && norm(toks[k]) === undefined; k--);
    while (k >= from && norm(toks[k])) {
      out.push(norm(toks[k]) as DraftPlatform);
      if (!['and', '&', 'or'].includes(toks[k - 1]?.lower ?? '') && !/,$/.test(toks[k - 1]?.raw ?? '')) break;
      k -= 2;
    }
  } else {
    for (; k < to && norm(toks[k]) === undefined; k++);
    while (k < to && norm(toks[k])) {
      out.push(norm(toks[k]) as DraftPlatform);
      if (!['and', '&', 'or'].includes(toks[k + 1]?.lower ?? '') && !/,$/.test(toks[k]?.raw ?? '')) break;
      k += /,$/.test(toks[k]?.raw ?? '') && !['and', '&', 'or'].includes(toks[k + 1]?.lower ?? '') ? 1 : 2;
    }
  }
  if (out.length === 0) out.push(first);
  return [...new Set(out)];
}

function platformIn(
  toks: readonly Tok[],
  from: number,
  to: number,
  backwards: boolean,
): DraftPlatform | undefined {
  const at = (k: number): DraftPlatform | undefined => {
    const l = toks[k]!.lower.replace(/[^a-z0-9]/g, '');
    if (l === 'os' && toks[k + 1]?.lower.replace(/[^a-z]/g, '') === 'x') return 'macos';
    return PLATFORM_WORDS[l];
  };
  if (backwards) {
    for (let k = to - 1; k >= from; k--) {
      const p = at(k);
      if (p) return p;
    }
  } else {
    for (let k = from; k < to; k++) {
      const p = at(k);
      if (p) return p;
    }
  }
  return undefined;
}

function isNameToken(t: Tok): boolean {
  if (
    !/^[A-Z0-9]/.test(t.clean) ||
    !/[A-Za-z]/.test(t.clean) ||
    !/^[A-Za-z0-9][A-Za-z0-9.+-]*$/.test(t.clean)
  )
    return false;
  if (/^CVE-/i.test(t.clean) || VERSION_RE.test(t.clean)) return false;
  const l = t.lower;
  return (
    !FUNCTION_WORDS.has(l) &&
    !MONTHS.has(l) &&
    !(l in PLATFORM_WORDS) &&
    !FRAMEWORK_WORDS.has(l) &&
    !/^\d+(st|nd|rd|th|x|k|m|s|d)?$/.test(l)
  );
}

/** A product name written right before a version group ("event-stream 3.3.6", "Versions of Foo 1.2"), if any. */
function nameBefore(toks: readonly Tok[], start: number): string | undefined {
  const words: string[] = [];
  for (let k = start - 1; k >= 0 && k >= start - 4 && words.length < 3; k--) {
    const t = toks[k] as Tok;
    const l = t.lower.replace(/[^a-z0-9]/g, '');
    if (VERSION_CUES.has(l) || FUNCTION_WORDS.has(l) || l === 'of') {
      if (words.length > 0) break;
      continue;
    }
    if (
      !/^[A-Za-z0-9@][\w.@/+-]*$/.test(t.clean) ||
      !/[A-Za-z]/.test(t.clean) ||
      l in PLATFORM_WORDS ||
      AFFECTED_WORDS.has(l) ||
      FIX_WORDS.has(l) ||
      /[,;:]$/.test(t.raw)
    )
      break;
    if (!/^[A-Z0-9@]/.test(t.clean) && !/[-_@/.]/.test(t.clean)) break;
    words.unshift(t.clean);
  }
  return words.length > 0 ? words.join(' ') : undefined;
}

/** The name after the last `of` before a group ("… the upstream tarballs of xz, starting with version 5.6.0"). */
function nameAfterOf(toks: readonly Tok[], from: number, to: number): string | undefined {
  for (let k = to - 1; k > from; k--) {
    if (toks[k - 1]!.lower !== 'of') continue;
    const t = toks[k] as Tok;
    const l = t.lower.replace(/[^a-z0-9]/g, '');
    if (
      !/[a-z]/.test(l) ||
      FUNCTION_WORDS.has(l) ||
      VERSION_CUES.has(l) ||
      l in PLATFORM_WORDS ||
      !/^[A-Za-z0-9@][\w.@/+-]*$/.test(t.clean)
    )
      return undefined;
    return t.clean;
  }
  return undefined;
}

/** Index set of tokens that belong to a quoted security vendor / news name. */
function quotedSpans(toks: readonly Tok[]): { idx: Set<number>; names: string[] } {
  const idx = new Set<number>();
  const names: string[] = [];
  for (let i = 0; i < toks.length; i++) {
    for (const n of SEC_NAMES.get(toks[i]!.lower.replace(/['’]s$/, '')) ?? []) {
      if (n.every((w, k) => toks[i + k]?.lower.replace(/['’]s$/, '') === w)) {
        for (let k = 0; k < n.length; k++) idx.add(i + k);
        names.push(
          toks
            .slice(i, i + n.length)
            .map((t) => t.clean.replace(/['’]s$/, ''))
            .join(' '),
        );
      }
    }
  }
  return { idx, names };
}

interface Analysed {
  s: Sentence;
  toks: Tok[];
  quoted: Set<number>;
}

/** Vendor: the most-mentioned proper name that is not quoted, a platform or a function word. */
function pickVendor(all: readonly Analysed[], versionSentences: ReadonlySet<number>): string | undefined {
  const score = new Map<string, { n: number; first: number; form: string }>();
  const inner = new Set<string>();
  for (const a of all) for (let i = 1; i < a.toks.length; i++) inner.add(a.toks[i]!.lower);
  let pos = 0;
  all.forEach((a, si) => {
    // Headings are title case and table rows are data: neither says who the advisory is about.
    if (a.s.heading || a.s.text.includes('|')) return;
    a.toks.forEach((t, i) => {
      pos++;
      if (a.quoted.has(i) || !isNameToken(t)) return;
      // A sentence-initial capital says nothing unless a proper name or a role follows ("Acme
      // Widget …", "Acme CEO …") or the word also appears inside sentences.
      if (
        i === 0 &&
        !/[A-Z].*[A-Z0-9]|[0-9]/.test(t.clean) &&
        !(a.toks[1] && (isNameToken(a.toks[1]) || ROLES.has(a.toks[1].lower))) &&
        !inner.has(t.lower)
      )
        return;
      // People: "CEO John Smith", "John Smith said".
      if (
        ROLES.has(a.toks[i - 1]?.lower ?? '') ||
        (a.toks[i + 1] &&
          /^[A-Z][a-z]+$/.test(a.toks[i + 1]!.clean) &&
          SPEECH_VERBS.has(a.toks[i + 2]?.lower ?? ''))
      )
        return;
      // "HF 5", "Update 7", "Part 2": a label before a number, not a name.
      if (/^\d+[,.;:]?$/.test(a.toks[i + 1]?.raw ?? '')) return;
      const key = t.clean.replace(/['’]s$/, '');
      const cur = score.get(key.toLowerCase()) ?? { n: 0, first: pos, form: key };
      const speaker = SPEECH_VERBS.has(a.toks[i + 1]?.lower ?? '');
      // Brand-like spellings (digits, inner capitals: 3CX, DesktopApp, SolarWinds) weigh more than
      // plain capitalised words (people, places); a speaker ("X said") counts nothing by itself.
      const brand = /[0-9]/.test(t.clean) || /[a-z][A-Z]/.test(t.clean) || /^[A-Z]{2,}[a-z]/.test(t.clean);
      cur.n += speaker ? 0 : 1 + (brand ? 1 : 0) + (versionSentences.has(si) ? 2 : 0);
      score.set(key.toLowerCase(), cur);
    });
  });
  // Glued compounds ("3CXDesktopApp") credit their prefix when that prefix is itself a name.
  // (Linear: each name looks up its own prefixes.)
  for (const [k2, v2] of score) {
    for (let len = 1; len < k2.length && len <= 40; len++) {
      const v = score.get(k2.slice(0, len));
      if (v && /^[A-Z]/.test(v2.form.slice(len))) v.n += Math.max(0, v2.n);
    }
  }
  let best: { n: number; first: number; form: string } | undefined;
  for (const v of score.values())
    if (v.n > 0 && (!best || v.n > best.n || (v.n === best.n && v.first < best.first))) best = v;
  return best?.form;
}

/** Compound product names of a vendor in a token range: `Vendor Name…` or glued `VendorName`. */
function compoundsIn(
  toks: readonly Tok[],
  from: number,
  to: number,
  vendor: string,
  quoted: ReadonlySet<number>,
): { name: string; glued?: string; at: number }[] {
  const out: { name: string; glued?: string; at: number }[] = [];
  const vl = vendor.toLowerCase();
  for (let i = from; i < to; i++) {
    const t = toks[i] as Tok;
    if (quoted.has(i)) continue;
    const c = t.clean.replace(/['’]s$/, '');
    if (c.toLowerCase() === vl) {
      const words: string[] = [];
      for (let k = i + 1; k < toks.length && words.length < 3; k++) {
        const u = toks[k] as Tok;
        if (
          !(isNameToken(u) || /^(App|Apps|Client|Server|Suite)$/.test(u.clean)) ||
          quoted.has(k) ||
          /[,;:]$/.test(toks[k - 1]!.raw)
        )
          break;
        words.push(u.clean.replace(/['’]s$/, ''));
        if (/[,;:]$/.test(u.raw)) break;
      }
      if (words.length > 0) out.push({ name: `${c} ${words.join(' ')}`, at: i });
    } else if (
      c.toLowerCase().startsWith(vl) &&
      c.length > vendor.length &&
      /^[A-Z]/.test(c.slice(vendor.length)) &&
      /^[A-Za-z0-9]+$/.test(c)
    ) {
      out.push({ name: `${c.slice(0, vendor.length)} ${c.slice(vendor.length)}`, glued: c, at: i });
    }
  }
  return out;
}

const titleOf = (sentences: readonly Sentence[]): string =>
  (
    sentences.find(
      (s) => s.heading && !s.text.includes(',') && !s.text.includes('|') && s.text.split(' ').length >= 3,
    ) ?? sentences[0]
  )?.text.slice(0, 200) ?? '';

/** Extracts a draft advisory from prose. Pure; never throws on any input string. */
export function analyseAdvisory(input: string, opts: ExtractOptions): AdvisoryDraft {
  const text =
    opts.format === 'html' ? htmlToText(input) : opts.format === 'markdown' ? markdownToText(input) : input;
  const sentences = splitSentences(text);
  const analysed: Analysed[] = sentences.map((s) => {
    const toks = tokenize(s.text);
    return { s, toks, quoted: quotedSpans(toks).idx };
  });
  const quotedNames = new Set<string>();
  for (const a of analysed) for (const n of quotedSpans(a.toks).names) quotedNames.add(n);

  // CVE ids.
  const cves: string[] = [];
  const cveSeen = new Set<string>();
  for (const s of sentences)
    for (const m of s.text.matchAll(/\bCVE-(\d{4})-(\d{4,7})\b/gi)) {
      const id = `CVE-${m[1]}-${m[2]}`;
      if (!cveSeen.has(id)) {
        cveSeen.add(id);
        cves.push(id);
      }
    }

  // Indicators.
  const indicators: DraftIndicator[] = [];
  const references: string[] = [];
  const refSeen = new Set<string>();
  const dropped: AdvisoryDraft['dropped'] = [];
  const seen = new Set<string>();
  const versionTokens = new Set<string>();
  const groupsBySentence = analysed.map((a) => findGroups(a.toks));
  groupsBySentence.forEach((gs, si) =>
    gs.forEach((g) => {
      for (let k = g.start; k <= g.end; k++) versionTokens.add(`${si}:${k}`);
    }),
  );
  analysed.forEach((a, si) => {
    a.toks.forEach((t, i) => {
      if (versionTokens.has(`${si}:${i}`)) return;
      const found = indicatorOf(t.clean);
      if (!found) return;
      if (found.reference) {
        if (!refSeen.has(found.value)) {
          refSeen.add(found.value);
          references.push(found.value);
        }
        return;
      }
      const key = `${found.type}\u0000${found.value}`;
      if (seen.has(key)) return;
      seen.add(key);
      const why = warninglistReason(found);
      if (why) {
        dropped.push({ type: found.type, value: found.value, reason: why });
        return;
      }
      indicators.push({
        type: found.type,
        value: found.value,
        context: a.s.text.slice(0, 500),
        line: a.s.line,
        defanged: found.defanged,
      });
    });
  });

  // Vendor and product names.
  const versionSentences = new Set<number>();
  groupsBySentence.forEach((gs, si) => {
    if (gs.length > 0) versionSentences.add(si);
  });
  const vendor = pickVendor(analysed, versionSentences);
  const counts = new Map<string, { n: number; first: number; glued: Set<string> }>();
  let order = 0;
  if (vendor) {
    for (const a of analysed) {
      if (a.s.heading || a.s.text.includes('|')) continue;
      for (const c of compoundsIn(a.toks, 0, a.toks.length, vendor, a.quoted)) {
        const cur = counts.get(c.name) ?? { n: 0, first: order++, glued: new Set<string>() };
        cur.n++;
        if (c.glued) cur.glued.add(c.glued);
        counts.set(c.name, cur);
      }
    }
  }
  let primary = vendor;
  let best = 0;
  let bestFirst = Infinity;
  for (const [name, c] of counts)
    if (c.n > best || (c.n === best && c.first < bestFirst)) {
      primary = name;
      best = c.n;
      bestFirst = c.first;
    }
  const productWords = new Set<string>();
  if (vendor) productWords.add(vendor.toLowerCase());
  for (const name of counts.keys()) for (const w of name.split(' ')) productWords.add(w.toLowerCase());
  for (const c of counts.values()) for (const g of c.glued) productWords.add(g.toLowerCase());

  // Version groups → products.
  const products: DraftProduct[] = [];
  const mentioned: AdvisoryDraft['mentioned'] = [];
  const platformless: {
    name: string;
    ranges: DraftRange[];
    fixed: string[];
    affected: string[];
    context: string;
  }[] = [];
  const byKey = new Map<string, DraftProduct>();
  const seenIn = new Map<DraftProduct, Set<string>>();
  /** Appends without duplicates in constant time per value (hostile input may list thousands). */
  const put = (p: DraftProduct, field: 'affected' | 'fixed' | 'context', v: string): void => {
    let seen = seenIn.get(p);
    if (!seen) seenIn.set(p, (seen = new Set()));
    const k = `${field}\u0000${v}`;
    if (seen.has(k)) return;
    seen.add(k);
    p[field].push(v);
  };
  const entry = (name: string, platform: DraftPlatform): DraftProduct => {
    let p = byKey.get(`${name}\u0000${platform}`);
    if (!p) {
      p = { name, platform, affected: [], fixed: [], context: [] };
      products.push(p);
      byKey.set(`${name}\u0000${platform}`, p);
    }
    return p;
  };
  let lastName: string | undefined;
  const cued = new Set<Group>();
  let sectionClass: Cls | undefined;
  analysed.forEach((a, si) => {
    const gs = groupsBySentence[si] ?? [];
    if (a.s.heading && gs.length === 0) sectionClass = headingClass(a.toks);
    let prevCls: Cls | undefined;
    gs.forEach((g, gi) => {
      // A group continuing a list begun by a cued group ("… 18.12.416 for Windows, and 18.11.1213 …
      // for macOS") shares its cue.
      const prevG = gi > 0 ? (gs[gi - 1] as Group) : undefined;
      const cue =
        cueOf(a.toks, g, productWords) ??
        (prevG && cued.has(prevG) && g.start - prevG.end <= 8 ? { kind: 'version' as const } : undefined);
      if (!cue) return;
      cued.add(g);
      const prevEnd = gi > 0 ? (gs[gi - 1] as Group).end + 1 : 0;
      const nextStart = gi + 1 < gs.length ? (gs[gi + 1] as Group).start : a.toks.length;
      // A platform right before the list ("Windows: 1.2.3, 1.2.4") is its platform; otherwise the
      // nearest after it in its clause ("versions … of the Windows application"), then before it.
      let k0 = g.start - 1;
      while (k0 > prevEnd && a.toks[k0]!.clean === '') k0--;
      const adj = a.toks[k0];
      const adjacent =
        k0 >= prevEnd && adj && !/,$/.test(adj.raw) && PLATFORM_WORDS[adj.lower.replace(/[^a-z0-9]/g, '')]
          ? platformsIn(a.toks, prevEnd, k0 + 1, true)
          : [];
      const after = adjacent.length > 0 ? [] : platformsIn(a.toks, g.end + 1, nextStart, false);
      const platforms =
        adjacent.length > 0
          ? adjacent
          : after.length > 0
            ? after
            : platformsIn(a.toks, prevEnd, g.start, true);
      const near = vendor ? compoundsIn(a.toks, prevEnd, nextStart, vendor, a.quoted) : [];
      near.sort((x, y) => Math.abs(x.at - g.start) - Math.abs(y.at - g.start));
      const name =
        near[0]?.name ??
        primary ??
        nameBefore(a.toks, g.start) ??
        nameAfterOf(a.toks, prevEnd, g.start) ??
        lastName ??
        'unknown product';
      lastName = name;
      // A version right after a quoted security vendor's name is that vendor's product's version,
      // unless the affected product's own name stands between them.
      let quotedNear = false;
      for (let q = Math.max(0, g.start - 6); q < g.start; q++) {
        if (a.quoted.has(q) && !a.toks.slice(q + 1, g.start).some((t) => productWords.has(t.lower)))
          quotedNear = true;
      }
      // "macOS 13.2", "Windows 10": the operating system's version, not the product's.
      const osWord = a.toks
        .slice(Math.max(0, g.start - 2), g.start)
        .map((t) => PLATFORM_WORDS[t.lower.replace(/[^a-z0-9]/g, '')])
        .find((p) => p !== undefined);
      const osVersion = osWord !== undefined && g.versions.every((v) => osVersionLike(osWord, v));
      if (quotedNear || osVersion) {
        mentioned.push({ versions: g.versions, context: a.s.text.slice(0, 500) });
        return;
      }
      const ctx = a.s.text.slice(0, 500);
      let cls: Cls | undefined;
      let ranges: DraftRange[] = [...g.ranges];
      let fixed: string[] = [];
      let affected: string[] = [];
      if (cue.kind === 'before') {
        ranges = [{ fixed: g.versions[0] as string }];
        fixed = [g.versions[0] as string];
        cls = 'affected';
      } else if (cue.kind === 'through') {
        ranges = [{ lastAffected: g.versions[g.versions.length - 1] as string }];
        cls = 'affected';
      } else if (cue.kind === 'since') {
        ranges = [{ introduced: g.versions[0] as string }];
        cls = 'affected';
      } else if (cue.kind === 'fix') {
        fixed = g.versions;
        cls = 'fixed';
      } else {
        // The nearest classifying word near the group; else the previous group's class in this
        // sentence ("affects versions A of X, and versions B of Y"); else the section heading's.
        cls = classify(a.toks, g) ?? prevCls ?? sectionClass;
        // "1.2.3 and earlier" / "1.2.3 or later" bound a range instead of naming exact versions.
        const tail = a.toks.slice(g.end + 1, g.end + 3).map((t) => t.lower.replace(/[^a-z]/g, ''));
        const joined = tail[0] === 'and' || tail[0] === 'or';
        const lastV = g.versions[g.versions.length - 1] as string;
        const bounded = g.exact[g.exact.length - 1] === lastV;
        if (
          joined &&
          bounded &&
          ['earlier', 'prior', 'below', 'older', 'lower', 'before'].includes(tail[1] ?? '')
        ) {
          if (cls === 'affected') {
            ranges.push({ lastAffected: lastV });
            affected = g.exact.slice(0, -1);
          }
        } else if (
          joined &&
          bounded &&
          ['later', 'newer', 'above', 'higher', 'after'].includes(tail[1] ?? '')
        ) {
          if (cls === 'affected') {
            ranges.push({ introduced: lastV });
            affected = g.exact.slice(0, -1);
          } else if (cls === 'fixed') fixed = g.versions;
        } else if (cls === 'affected') affected = g.exact;
        else if (cls === 'fixed') fixed = g.versions;
      }
      prevCls = cls;
      if (cls === undefined || cls === 'unaffected') {
        mentioned.push({ versions: g.versions, context: ctx });
        return;
      }
      if (platforms.length === 0) {
        platformless.push({ name, ranges, fixed, affected, context: ctx });
        return;
      }
      for (const platform of platforms) {
        const p = entry(name, platform);
        for (const v of affected) put(p, 'affected', v);
        for (const v of fixed) put(p, 'fixed', v);
        if (ranges.length > 0) (p.ranges ??= []).push(...ranges);
        put(p, 'context', ctx);
      }
    });
  });
  // Platform-less statements ("X through 1.2.3") apply to every platform entry of the product
  // when there are some, else to `any`.
  // Exact versions without a platform go to an `any` entry; ranges and fixes without a platform
  // ("X through 1.2.3") apply to every platform entry of the product, or to `any` when none.
  const platformed = new Map<string, DraftProduct[]>();
  for (const p of products)
    if (p.platform !== 'any') platformed.set(p.name, [...(platformed.get(p.name) ?? []), p]);
  for (const pl of platformless) {
    const targets = platformed.get(pl.name) ?? [];
    if (pl.affected.length > 0 || targets.length === 0) {
      const p = entry(pl.name, 'any');
      for (const v of pl.affected) put(p, 'affected', v);
      if (targets.length === 0) {
        for (const v of pl.fixed) put(p, 'fixed', v);
        if (pl.ranges.length > 0) (p.ranges ??= []).push(...pl.ranges);
      }
      put(p, 'context', pl.context);
    }
    for (const p of targets) {
      for (const v of pl.fixed) put(p, 'fixed', v);
      if (pl.ranges.length > 0) (p.ranges ??= []).push(...pl.ranges);
      put(p, 'context', pl.context);
    }
  }
  // Plain (not defanged) links to the vendor's own site are references, not indicators.
  if (vendor) {
    const own = vendor.toLowerCase();
    for (let k = indicators.length - 1; k >= 0; k--) {
      const ind = indicators[k] as DraftIndicator;
      if (ind.defanged || (ind.type !== 'url' && ind.type !== 'domain')) continue;
      const host =
        ind.type === 'domain' ? ind.value : (ind.value.replace(/^[a-z]+:\/\//, '').split('/')[0] ?? '');
      if (parseDomain(host).domainWithoutSuffix === own) {
        indicators.splice(k, 1);
        if (!refSeen.has(ind.value)) {
          refSeen.add(ind.value);
          references.push(ind.value);
        }
      }
    }
  }
  const draft: AdvisoryDraft = {
    title: titleOf(sentences),
    products,
    cves,
    indicators,
    references,
    mentioned,
    dropped,
    quoted: [...quotedNames],
  };
  if (vendor) draft.vendor = vendor;
  return draft;
}

interface Found {
  type: IndicatorType;
  value: string;
  defanged: boolean;
  reference?: boolean;
}

function registrable(host: string): { ok: boolean; suffix: string; domain: string } {
  const r = parseDomain(host);
  return {
    ok: r.isIcann === true && r.domain !== null && !r.isIp,
    suffix: r.publicSuffix ?? '',
    domain: r.domain ?? '',
  };
}

/** The indicator a token holds, if any. */
export function indicatorOf(token: string): Found | undefined {
  if (token.length < 4 || token.length > 2048) return undefined;
  const value = refang(token);
  const defanged = value !== token;
  const norm = (type: IndicatorType, v: string): Found | undefined => {
    const n = normalizeIndicatorValue(type, v);
    return n.ok ? { type, value: n.value, defanged } : undefined;
  };
  const h = hashTypeOf(value);
  if (h) return /[0-9]/.test(value) && /[a-f]/i.test(value) ? norm(h, value) : undefined;
  const scheme = /^(https?|ftp):\/\//i.exec(value);
  if (scheme) {
    let host = '';
    try {
      host = new URL(value).hostname;
    } catch {
      return undefined;
    }
    const reg = registrable(host);
    if (!reg.ok && isIP(host.replace(/^\[|\]$/g, '')) === 0) return undefined; // reserved names (.test, .local, …)
    if (!defanged && (SEC_DOMAINS.has(reg.domain) || SEC_DOMAINS.has(host))) {
      const n = norm('url', value);
      return n ? { ...n, reference: true } : undefined;
    }
    return norm('url', value);
  }
  if (value.includes('@')) {
    const at = value.lastIndexOf('@');
    const dom = value.slice(at + 1);
    if (!/^[A-Za-z0-9._%+-]+$/.test(value.slice(0, at)) || !registrable(dom.toLowerCase()).ok)
      return undefined;
    return norm('email', value);
  }
  if (isIP(value) === 4) return norm('ip', value);
  if (isIP(value) === 6 && value.includes('::') === false && value.split(':').length < 8) return undefined;
  if (isIP(value) === 6) return norm('ip', value);
  const slash = value.indexOf('/');
  const host = (slash < 0 ? value : value.slice(0, slash)).toLowerCase();
  if (!/^[a-z0-9_-]+(\.[a-z0-9_-]+)+$/.test(host)) return undefined;
  const reg = registrable(host);
  if (!reg.ok) return undefined;
  if (!defanged && (FILE_EXT_TLDS.has(reg.suffix) || /^[0-9.]+$/.test(host))) return undefined;
  if (!defanged && (SEC_DOMAINS.has(reg.domain) || SEC_DOMAINS.has(host)))
    return slash < 0 ? undefined : { ...(norm('url', value) as Found), reference: true };
  if (slash >= 0) return norm('url', value);
  return norm('domain', host);
}
