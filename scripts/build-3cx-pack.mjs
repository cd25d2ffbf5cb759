#!/usr/bin/env node
/**
 * Builds intel/3cx/3cx.chainhunt.json from the public sources in ../shared/data (3cx/iocs.json,
 * 3cx/raw/**, cve/CVE-2023-29059/**, signature-base/iocs/*, sigma/rules-emerging-threats/...),
 * then seals it with its checksum. Reproducible: same inputs, byte-identical output.
 *
 *   npx tsx scripts/build-3cx-pack.mjs [--data DIR] [--out FILE] [--check]
 *
 * Every indicator value is located on a line of the raw file of the source it cites (compared
 * case-insensitively after refanging `[.]`, `[:]`, `hxxp`); the line becomes its `sourceRef`
 * (`<upstream path>#L<line>`, or `#L<a>-L<b>` for a value spread over consecutive lines). A value no raw file contains aborts the build. `--check` builds in
 * memory and exits 1 if the committed file differs.
 */
import { readFileSync, writeFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { sealPack } from '../src/intel/chainhunt-pack/checksum.ts';
import { parsePack } from '../src/intel/chainhunt-pack/parse.ts';
import { refang } from '../src/intel/normalize.ts';
import { scoreToSeverity } from '../src/intel/line-list.ts';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : dflt;
};
const DATA = path.resolve(
  opt('--data', process.env.CHAINHUNT_SHARED_DATA ?? path.join(repo, '..', 'shared', 'data')),
);
const OUT = path.resolve(opt('--out', path.join(repo, 'intel', '3cx', '3cx.chainhunt.json')));
const CHECK = args.includes('--check');
if (!existsSync(path.join(DATA, '3cx', 'iocs.json'))) {
  console.error(`shared data not found at ${DATA} (pass --data DIR or set CHAINHUNT_SHARED_DATA)`);
  process.exit(2);
}

const ADVISORY_ID = 'CVE-2023-29059';

/** Intel sources: id, name, url (pinned commit), licence; `files` map upstream paths to local ones. */
const SOURCES = [
  {
    id: 'cve',
    name: 'CVE Program: CVE-2023-29059 record (CVEProject/cvelistV5)',
    url: 'https://github.com/CVEProject/cvelistV5/blob/062c1a970004200b6eb134468c1efeb95d61b36e/cves/2023/29xxx/CVE-2023-29059.json',
    license: 'CVE Terms of Use (https://www.cve.org/Legal/TermsOfUse)',
    files: { 'cves/2023/29xxx/CVE-2023-29059.json': 'cve/CVE-2023-29059/CVE-2023-29059.cvelistV5.json' },
  },
  {
    id: 'nvd',
    name: 'NIST NVD: CVE-2023-29059 (API 2.0 record via fkie-cad/nvd-json-data-feeds)',
    url: 'https://github.com/fkie-cad/nvd-json-data-feeds/blob/644f9fc5bd0a10688470dc004d55d76098d99f56/CVE-2023/CVE-2023-290xx/CVE-2023-29059.json',
    license: 'Public domain (NVD data, U.S. government work)',
    files: {
      'CVE-2023/CVE-2023-290xx/CVE-2023-29059.json': 'cve/CVE-2023-29059/CVE-2023-29059.nvd-api2.json',
    },
  },
  {
    id: 'sophos',
    name: 'Sophos X-Ops: sophoslabs/IoCs "3CX IoCs 2023-03.csv"',
    url: 'https://github.com/sophoslabs/IoCs/blob/0ab2b732b8aa9da729bd631a923540d38bd0fb37/3CX%20IoCs%202023-03.csv',
    license: 'No licence stated in the repository (public IOC list published for defenders)',
    files: { '3CX IoCs 2023-03.csv': '3cx/raw/sophoslabs-IoCs/3CX IoCs 2023-03.csv' },
  },
  {
    id: 'volexity',
    name: 'Volexity: volexity/threat-intel 2023-03-30 3CX indicators',
    url: 'https://github.com/volexity/threat-intel/blob/f8e7589085b0924bd4ce574bc79b4e3d921a92a5/2023/2023-03-30%203CX/indicators/iocs.csv',
    license: 'No licence stated in the repository (public IOC list published for defenders)',
    files: { '2023/2023-03-30 3CX/indicators/iocs.csv': '3cx/raw/volexity-threat-intel/iocs.csv' },
  },
  {
    id: 'sigbase',
    name: 'Neo23x0/signature-base (Florian Roth, Nextron Systems)',
    url: 'https://github.com/Neo23x0/signature-base/tree/8a89b3bf54517bbc35718460321d42536e1e6198',
    license: 'DRL-1.1 (Detection Rule License 1.1: keep author and reference)',
    files: {
      'iocs/hash-iocs.txt': 'signature-base/iocs/hash-iocs.txt',
      'iocs/c2-iocs.txt': 'signature-base/iocs/c2-iocs.txt',
      'iocs/filename-iocs.txt': 'signature-base/iocs/filename-iocs.txt',
    },
  },
  {
    id: 'sigma',
    name: 'SigmaHQ/sigma 3CX supply-chain rules (Nasreddine Bencherchali, Nextron Systems)',
    url: 'https://github.com/SigmaHQ/sigma/tree/8eaafff1f2845a696050e05e72ba1140ee190698/rules-emerging-threats/2023/TA/3CX-Supply-Chain',
    license: 'DRL-1.1 (Detection Rule License 1.1: keep author and reference)',
    files: Object.fromEntries(
      readdirSync(path.join(DATA, 'sigma/rules-emerging-threats/2023/TA/3CX-Supply-Chain'))
        .filter((f) => f.endsWith('.yml'))
        .sort()
        .map((f) => [
          `rules-emerging-threats/2023/TA/3CX-Supply-Chain/${f}`,
          `sigma/rules-emerging-threats/2023/TA/3CX-Supply-Chain/${f}`,
        ]),
    ),
  },
  {
    id: 'ozer',
    name: 'Ozer0x777/3CX-Iocs README (community compilation citing 3CX advisories)',
    url: 'https://github.com/Ozer0x777/3CX-Iocs/blob/65cc89c16325a9f89bb22325f11eb438bd008d47/README.md',
    license: 'No licence stated in the repository',
    files: { 'README.md': '3cx/raw/Ozer0x777-3CX-Iocs/README.md' },
  },
];
/** Preferred order when several sources list the same value (first-hand analyses first). */
const PRIORITY = ['sophos', 'volexity', 'sigbase', 'sigma', 'ozer', 'cve', 'nvd'];

// ---------------------------------------------------------------------------------------------
// Locating values in raw files.

const fileLines = new Map();
function linesOf(local) {
  let l = fileLines.get(local);
  if (!l) {
    l = readFileSync(path.join(DATA, local), 'utf8')
      .split(/\r\n|\n|\r/)
      .map((x) => refang(x).toLowerCase());
    fileLines.set(local, l);
  }
  return l;
}
const TOKEN_SPLIT = /[\s,;|"'=<>`]+/;
/** First `{ref}` of `value` in source `sid`: whole-token matches win over substrings. */
function locate(sid, value) {
  const src = SOURCES.find((s) => s.id === sid);
  const v = value.toLowerCase();
  for (const exact of [true, false]) {
    for (const [upstream, local] of Object.entries(src.files)) {
      const lines = linesOf(local);
      for (let i = 0; i < lines.length; i++) {
        const hit = exact ? lines[i].split(TOKEN_SPLIT).includes(v) : lines[i].includes(v);
        if (hit) return { upstream, local, line: i + 1 };
      }
    }
  }
  return undefined;
}
function rawLine(loc) {
  return readFileSync(path.join(DATA, loc.local), 'utf8').split(/\r\n|\n|\r/)[loc.line - 1];
}

const sigmaMeta = new Map();
for (const [upstream, local] of Object.entries(SOURCES.find((s) => s.id === 'sigma').files)) {
  const y = parseYaml(readFileSync(path.join(DATA, local), 'utf8'));
  sigmaMeta.set(upstream, { title: y.title, id: y.id, author: y.author });
}

/**
 * Picks the citing source for `value` among `candidates` (in PRIORITY order) and describes the
 * corroborating ones. Throws when no candidate's raw file holds the value.
 */
function cite(value, candidates) {
  const found = [];
  for (const sid of PRIORITY) {
    if (!candidates.includes(sid)) continue;
    const loc = locate(sid, value);
    if (loc) found.push({ sid, loc });
  }
  if (found.length === 0)
    throw new Error(`value ${value} not found in any raw file of ${candidates.join(', ')}`);
  const [primary, ...others] = found;
  return { primary, others: others.map((o) => o.sid) };
}
function ref(loc) {
  return `${loc.upstream}#L${loc.line}`;
}
/** DRL attribution: for Sigma, the rule's title, id and author; for signature-base its line text. */
function attribution(c) {
  const { sid, loc } = c.primary;
  if (sid === 'sigma') {
    const m = sigmaMeta.get(loc.upstream);
    return `Sigma rule "${m.title}" (${m.id}) by ${m.author}`;
  }
  if (sid === 'sigbase') {
    const line = rawLine(loc);
    const semi = line.indexOf(';');
    const desc = semi >= 0 ? line.slice(semi + 1).trim() : '';
    if (desc && !/^[0-9]+$/.test(desc)) return `signature-base (Florian Roth, Nextron Systems): "${desc}"`;
    // c2/filename lists: the reference is the # comment heading the block.
    const all = readFileSync(path.join(DATA, loc.local), 'utf8').split(/\r\n|\n|\r/);
    for (let i = loc.line - 2; i >= 0; i--) {
      if (all[i].startsWith('#'))
        return `signature-base (Florian Roth, Nextron Systems): "${all[i].replace(/^#\s*/, '')}"`;
    }
    return 'signature-base (Florian Roth, Nextron Systems)';
  }
  return undefined;
}
function describe(text, c) {
  const a = attribution(c);
  // signature-base descriptions are often the text itself; keep it once, attributed.
  const parts = a && a.includes(`"${text}"`) ? [] : [text];
  if (a) parts.push(a);
  if (c.others.length > 0) parts.push(`Also listed by: ${c.others.join(', ')}.`);
  return parts.join(' — ');
}

// ---------------------------------------------------------------------------------------------
// Inputs.

const iocs = JSON.parse(readFileSync(path.join(DATA, '3cx', 'iocs.json'), 'utf8'));
const cveRecord = JSON.parse(
  readFileSync(path.join(DATA, 'cve/CVE-2023-29059/CVE-2023-29059.cvelistV5.json'), 'utf8'),
);
const cveDescription = cveRecord.containers.cna.descriptions.find((d) => d.lang === 'en').value;
const cveRefs = cveRecord.containers.cna.references.map((r) => r.url);

const indicators = [];
const seen = new Set();
function push(ind) {
  const key = `${ind.type}|${ind.value.toLowerCase()}`;
  if (seen.has(key)) return;
  seen.add(key);
  indicators.push(ind);
}

/** Relation of a signature-base description to the 3CX advisory. */
function related(desc) {
  return /^(gopuram|simplesea|nk unc4736)/i.test(desc) || /unc4736/i.test(desc);
}

// File hashes of trojanized installers, DLLs and payloads (3cx/iocs.json `files`).
for (const f of iocs.files) {
  for (const type of ['sha256', 'sha1', 'md5']) {
    if (!f[type]) continue;
    const c = cite(f[type], f.source);
    const platform = f.platform ? ` [${f.platform}]` : '';
    push({
      type,
      value: f[type].toLowerCase(),
      source: c.primary.sid,
      sourceRef: ref(c.primary.loc),
      description: describe(`${f.name}${platform}: ${f.description}`, c),
      severity: 'critical',
      advisoryId: ADVISORY_ID,
    });
  }
}
// Further hashes from signature-base and Sigma (3cx/iocs.json `other_hashes`).
for (const h of iocs.other_hashes) {
  for (const type of ['sha256', 'sha1', 'md5']) {
    if (!h[type]) continue;
    const c = cite(h[type], h.source);
    const rel = related(h.description);
    const ind = {
      type,
      value: h[type].toLowerCase(),
      source: c.primary.sid,
      sourceRef: ref(c.primary.loc),
      description: describe(
        rel ? `Related campaign (not the trojanized app itself): ${h.description}` : h.description,
        c,
      ),
      severity: rel ? 'high' : 'critical',
    };
    if (!rel) ind.advisoryId = ADVISORY_ID;
    push(ind);
  }
}
// SHA-1 values only the Ozer0x777 README table lists.
for (const [sha1, what] of [
  ['14075c5c8c373be373e51dbea7f6e5cd8087ab0a', '3CXDesktopApp.exe (SHA-1 in the README hash table)'],
  ['cad1120d91b812acafef7175f949dd1b09c6c21a', 'Stealer (SHA-1 in the README hash table)'],
  [
    '9e9a5f8d86356796162cee881c843cde9eaedfb3',
    'UpdateAgent (macOS update agent; SHA-1 in the README hash table)',
  ],
]) {
  const c = cite(sha1, ['ozer']);
  push({
    type: 'sha1',
    value: sha1,
    source: c.primary.sid,
    sourceRef: ref(c.primary.loc),
    description: describe(what, c),
    severity: 'critical',
    advisoryId: ADVISORY_ID,
  });
}

// C2 domains.
for (const d of iocs.domains_detail) {
  if (d.domain === 'soyoungjun.com') continue; // unconfirmed (one community README only); see README.md
  const c = cite(d.domain, d.sources);
  const rel = /UNC4736-related/.test(d.role);
  const ind = {
    type: 'domain',
    value: d.domain.toLowerCase(),
    source: c.primary.sid,
    sourceRef: ref(c.primary.loc),
    description: describe(`${rel ? 'Related campaign: ' : ''}${d.role}`, c),
    severity: rel ? 'high' : 'critical',
  };
  if (!rel) ind.advisoryId = ADVISORY_ID;
  push(ind);
}
// Volexity also lists the www. hosts of two C2 domains.
for (const host of ['www.azuredeploystore.com', 'www.journalide.org']) {
  const c = cite(host, ['volexity']);
  push({
    type: 'domain',
    value: host,
    source: 'volexity',
    sourceRef: ref(c.primary.loc),
    description: describe('C2 host (www. name of a first-stage C2 domain)', c),
    severity: 'critical',
    advisoryId: ADVISORY_ID,
  });
}

// URLs and URL patterns (IconStorages GitHub repository used to stage the C2 addresses).
{
  const url = 'http://raw.githubusercontent.com/IconStorages/images/main/icon13.ico';
  const c = cite(url, ['sophos']);
  push({
    type: 'url',
    value: url,
    source: 'sophos',
    sourceRef: ref(c.primary.loc),
    description: describe(
      'ICO file carrying the encrypted C2 address, fetched by the backdoored ffmpeg.dll (defanged in the source)',
      c,
    ),
    severity: 'critical',
    advisoryId: ADVISORY_ID,
  });
}
{
  const literal = 'raw.githubusercontent.com/IconStorages/images/main/';
  const c = cite(literal, ['sophos']);
  push({
    type: 'url-pattern',
    value: `*${literal}*`,
    patternSyntax: 'glob',
    source: 'sophos',
    sourceRef: ref(c.primary.loc),
    description: describe(
      'Any file under the IconStorages staging repository ("Used for staging encoded malware")',
      c,
    ),
    severity: 'critical',
    advisoryId: ADVISORY_ID,
  });
}
{
  // The rule lists both parts (contains|all) on two consecutive lines: cite the range.
  const c = cite('IconStorages/images/main/icon', ['sigma']);
  const next = linesOf(c.primary.loc.local)[c.primary.loc.line];
  if (!next.includes("'.ico'")) throw new Error('Sigma ICO rule layout changed');
  push({
    type: 'url-pattern',
    value: '*IconStorages/images/main/icon*.ico*',
    patternSyntax: 'glob',
    source: 'sigma',
    sourceRef: `${ref(c.primary.loc)}-L${c.primary.loc.line + 1}`,
    description: describe(
      'ICO C2 file download (c-uri contains "IconStorages/images/main/icon" and ".ico")',
      c,
    ),
    severity: 'high',
    advisoryId: ADVISORY_ID,
  });
}

// Registrant e-mail addresses of the C2 domains.
for (const e of iocs.emails) {
  const c = cite(e.email, e.sources);
  push({
    type: 'email',
    value: e.email.toLowerCase(),
    source: c.primary.sid,
    sourceRef: ref(c.primary.loc),
    description: describe('WHOIS registrant e-mail of 3CX C2 infrastructure', c),
    severity: 'medium',
    advisoryId: ADVISORY_ID,
  });
}

// File name IOCs (signature-base filename-iocs.txt, 3CX and related blocks): regex;score.
{
  const local = 'signature-base/iocs/filename-iocs.txt';
  const lines = readFileSync(path.join(DATA, local), 'utf8').split(/\r\n|\n|\r/);
  const start = lines.findIndex((l) => l.startsWith('# 3CX file name IOCs'));
  let comment = '';
  for (let i = start; i < lines.length; i++) {
    const l = lines[i].trim();
    if (l === '') continue;
    if (l.startsWith('#')) {
      if (!/3CX|Gopuram|UNC4736/i.test(l)) break;
      comment = l.replace(/^#\s*/, '');
      continue;
    }
    const [regex, score] = l.split(';');
    const rel = !/^3CX/i.test(comment);
    const ind = {
      type: 'filename',
      value: regex,
      patternSyntax: 'regex',
      score: Number(score),
      source: 'sigbase',
      sourceRef: `iocs/filename-iocs.txt#L${i + 1}`,
      description: `${rel ? 'Related campaign: ' : ''}signature-base (Florian Roth, Nextron Systems): "${comment}"`,
      severity: scoreToSeverity(Number(score)),
    };
    if (!rel) ind.advisoryId = ADVISORY_ID;
    push(ind);
  }
}

// ---------------------------------------------------------------------------------------------
// The advisory.

const PRODUCT = {
  names: ['3CX Desktop App', '3CXDesktopApp', '3CX DesktopApp'],
  bundleIds: ['com.electron.3cx-desktop-app'],
  excludeNames: [
    '3CX Phone System*',
    '3CX PBX*',
    '3CXPhone*',
    '3CX Phone for *',
    '3CX Management Console*',
    '3CX Call Flow Designer*',
    '3CX Session Border Controller*',
  ],
};
const winAffected = iocs.affected.find((a) => a.platform === 'windows').versions;
const macAffected = iocs.affected.find((a) => a.platform === 'macos').versions;
for (const v of [...winAffected, ...macAffected]) {
  if (!cveDescription.includes(v)) throw new Error(`affected version ${v} is not in the CVE description`);
}
const fixedFor = (platform) => iocs.fixed.filter((f) => f.platform === platform).map((f) => f.version);
const fixed = [...new Set(iocs.fixed.map((f) => f.version))];
const ozerReadme = linesOf('3cx/raw/Ozer0x777-3CX-Iocs/README.md').join('\n');
for (const v of fixed)
  if (!ozerReadme.includes(v)) throw new Error(`fixed version ${v} is not in the Ozer0x777 README`);

const advisory = {
  id: ADVISORY_ID,
  aliases: [],
  source: 'cve',
  kind: 'vendor-app',
  summary: cveDescription.split('. ')[0] + '.',
  details: `${cveDescription} Fixed builds: 18.12.422 for Windows and macOS (3CX, 31 March 2023, via Ozer0x777/3CX-Iocs); Windows 18.12.425 is 18.12.422 re-signed with a new certificate. Windows 18.11.1213 and macOS 18.10.461 are the last clean builds before the compromise.`,
  severity: 'critical',
  published: '2023-03-30T00:00:00Z',
  modified: cveRecord.cveMetadata.dateUpdated,
  references: [
    ...cveRefs,
    'https://www.3cx.com/blog/news/desktopapp-security-alert-updates/',
    'https://www.3cx.com/blog/releases/web-client-pwa/',
    'https://www.3cx.com/blog/news/mandiant-initial-results/',
    'https://www.volexity.com/blog/2023/03/30/3cx-supply-chain-compromise-leads-to-iconic-incident/',
    'https://www.mandiant.com/resources/blog/3cx-software-supply-chain-compromise',
    'https://nvd.nist.gov/vuln/detail/CVE-2023-29059',
  ].filter((u, i, all) => all.indexOf(u) === i),
  remediation:
    'Uninstall the affected 3CX Desktop App (Windows 18.12.407 or 18.12.416; macOS 18.11.1213, 18.12.402, 18.12.407 or 18.12.416), then install 18.12.422 or later, or use the 3CX web client (PWA) instead. Block the C2 domains of this pack at DNS and proxy, and keep scanning hosts and logs for its file and network indicators. Assess the risk of compromise on every host that ran an affected version: the backdoor beaconed to its C2 domains and delivered further payloads (e.g. the ICONIC stealer) to selected victims.',
  malicious: true,
  affected: [
    { product: PRODUCT, platform: 'windows', versions: winAffected, fixed: fixedFor('windows') },
    { product: PRODUCT, platform: 'macos', versions: macAffected, fixed: fixedFor('macos') },
  ],
};

const pack = {
  schema: 'chainhunt-intel/1',
  id: '3cx-desktopapp-2023',
  name: '3CX DesktopApp supply-chain compromise (CVE-2023-29059)',
  version: '1.0.0',
  description:
    'Vendor advisory and indicators for the March 2023 3CX DesktopApp supply-chain compromise, built by scripts/build-3cx-pack.mjs from public sources; every indicator cites the source line it came from. See intel/3cx/README.md.',
  sources: SOURCES.map(({ id, name, url, license }) => ({ id, name, url, license })),
  advisories: [advisory],
  indicators,
};

const sealed = sealPack(pack);
const text = JSON.stringify(sealed, null, 2) + '\n';
const check = parsePack(Buffer.from(text), { file: OUT, pluginId: 'build-3cx-pack' });
if (check.issues.length > 0 || check.intel.indicators.length !== indicators.length) {
  console.error('generated pack does not import cleanly:', check.issues);
  process.exit(1);
}
if (CHECK) {
  const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
  if (current !== text) {
    console.error(`${OUT} is out of date; run: npx tsx scripts/build-3cx-pack.mjs`);
    process.exit(1);
  }
  console.log(`${OUT} is up to date (${indicators.length} indicators)`);
} else {
  writeFileSync(OUT, text);
  const byType = {};
  for (const i of indicators) byType[i.type] = (byType[i.type] ?? 0) + 1;
  console.log(
    `wrote ${OUT}: 1 advisory, ${indicators.length} indicators ${JSON.stringify(byType)}, ${sealed.checksum}`,
  );
}
