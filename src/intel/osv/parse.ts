/**
 * OSV records (JSON: one record, an array, or `{vulns: [...]}`; YAML: one record, as PYSEC writes)
 * → package advisories. Withdrawn records are kept with `withdrawn` set (they never match, and are
 * counted by `intel stats`). Invalid entries are dropped with an issue naming the record and field.
 */
import { parse as parseYaml } from 'yaml';
import type { Advisory, PackageAffected, PackageRangeEvent } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import type { Severity } from '../../core/severity.js';
import { decodeText } from '../../util/text.js';
import { cvss3BaseScore, severityOfScore } from './cvss.js';
import { cvss4Score } from './cvss4.js';
import { narrowToCurrentOrigins } from './origins.js';
import { OsvAffectedEntry, OsvEvent, OsvRange, OsvRecord, OsvSeverity } from './schema.js';

const ID = 'intel/osv';
const EVENT_KEYS = ['introduced', 'fixed', 'last_affected', 'limit'] as const;
const GHSA_SEVERITY: Record<string, Severity> = {
  CRITICAL: 'critical',
  HIGH: 'high',
  MODERATE: 'medium',
  MEDIUM: 'medium',
  LOW: 'low',
};

export interface OsvParseResult {
  advisories: Advisory[];
  issues: Issue[];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses OSV text (JSON or YAML) into advisories. */
export function parseOsv(content: Buffer, file: string, source: string): OsvParseResult {
  const issues: Issue[] = [];
  const decoded = decodeText(content);
  if (!decoded)
    return {
      advisories: [],
      issues: [issue('encoding', 'not valid UTF-8/UTF-16 text', { file, pluginId: ID })],
    };
  const text = decoded.text;
  if (text.trim() === '')
    return { advisories: [], issues: [issue('empty', 'empty OSV file', { file, pluginId: ID })] };
  let doc: unknown;
  const yaml = /\.ya?ml$/i.test(file);
  try {
    doc = yaml ? parseYaml(text, { maxAliasCount: 100, prettyErrors: false }) : JSON.parse(text);
  } catch (err) {
    return {
      advisories: [],
      issues: [
        issue('parse-error', `not valid ${yaml ? 'YAML' : 'JSON'}: ${(err as Error).message.slice(0, 200)}`, {
          file,
          pluginId: ID,
        }),
      ],
    };
  }
  const records: unknown[] = Array.isArray(doc)
    ? doc
    : isObject(doc) && Array.isArray(doc['vulns'])
      ? (doc['vulns'] as unknown[])
      : [doc];
  const advisories: Advisory[] = [];
  records.forEach((raw, i) => {
    const where = records.length > 1 ? ` (record ${i})` : '';
    const parsed = OsvRecord.safeParse(raw);
    if (!parsed.success) {
      const first = parsed.error.issues[0];
      issues.push(
        issue(
          'invalid-value',
          `OSV record${where} invalid at ${first?.path.join('.') || '(root)'}: ${first?.message ?? 'invalid'}`,
          { file, pluginId: ID },
        ),
      );
      return;
    }
    const adv = toAdvisory(parsed.data, file, source, issues);
    if (adv) advisories.push(adv);
  });
  return { advisories, issues };
}

function toAdvisory(r: OsvRecord, file: string, source: string, issues: Issue[]): Advisory | null {
  const packages: PackageAffected[] = [];
  (r.affected ?? []).forEach((raw, ai) => {
    const a = OsvAffectedEntry.safeParse(raw);
    if (!a.success || !a.data.package) {
      issues.push(
        issue('invalid-value', `${r.id}: affected[${ai}] has no valid package; skipped`, {
          file,
          pluginId: ID,
        }),
      );
      return;
    }
    const entry: PackageAffected = {
      package: { ecosystem: a.data.package.ecosystem, name: a.data.package.name },
    };
    if (a.data.package.purl !== undefined) entry.package!.purl = a.data.package.purl;
    if (a.data.versions) {
      const versions = a.data.versions.filter((v): v is string => typeof v === 'string' && v.length <= 1024);
      if (versions.length !== a.data.versions.length)
        issues.push(
          issue(
            'invalid-value',
            `${r.id}: affected[${ai}].versions has non-string or oversized values; they were dropped`,
            { file, pluginId: ID },
          ),
        );
      entry.versions = versions;
    }
    if (a.data.ranges) {
      entry.ranges = [];
      a.data.ranges.forEach((rr, ri) => {
        const range = OsvRange.safeParse(rr);
        if (!range.success) {
          issues.push(
            issue('invalid-value', `${r.id}: affected[${ai}].ranges[${ri}] invalid; skipped`, {
              file,
              pluginId: ID,
            }),
          );
          return;
        }
        const events: PackageRangeEvent[] = [];
        for (const ev of range.data.events) {
          const e = OsvEvent.safeParse(ev);
          const keys = e.success ? EVENT_KEYS.filter((k) => e.data[k] !== undefined) : [];
          if (!e.success || keys.length !== 1) {
            issues.push(
              issue(
                'invalid-value',
                `${r.id}: affected[${ai}].ranges[${ri}] has an event without exactly one of ${EVENT_KEYS.join('/')}; skipped`,
                { file, pluginId: ID },
              ),
            );
            continue;
          }
          const k = keys[0]!;
          events.push({ [k]: e.data[k] });
        }
        const out: NonNullable<PackageAffected['ranges']>[number] = { type: range.data.type, events };
        if (range.data.repo !== undefined) out.repo = range.data.repo;
        entry.ranges!.push(out);
      });
    }
    if (a.data.ecosystem_specific !== undefined) entry.ecosystem_specific = a.data.ecosystem_specific;
    if (a.data.database_specific !== undefined) entry.database_specific = a.data.database_specific;
    packages.push(entry);
  });
  const narrowed = narrowToCurrentOrigins(packages, r.database_specific);
  packages.splice(0, packages.length, ...narrowed.entries);
  if (packages.length === 0 && !r.withdrawn) {
    issues.push(
      issue('unsupported', `${r.id}: no package in affected[] (nothing to match)`, { file, pluginId: ID }),
    );
  }
  const cvss: { type: string; vector: string; score?: number }[] = [];
  for (const s of r.severity ?? []) {
    const sv = OsvSeverity.safeParse(s);
    if (!sv.success) continue;
    const score = sv.data.type.startsWith('CVSS_V3')
      ? cvss3BaseScore(sv.data.score)
      : sv.data.type.startsWith('CVSS_V4')
        ? cvss4Score(sv.data.score)
        : null;
    cvss.push(
      score === null
        ? { type: sv.data.type, vector: sv.data.score }
        : { type: sv.data.type, vector: sv.data.score, score },
    );
  }
  const malicious = isMalicious(r);
  const adv: Advisory = {
    id: r.id,
    aliases: (r.aliases ?? []).slice().sort(),
    source,
    kind: 'package',
    summary: (r.summary ?? r.details?.split('\n')[0] ?? r.id).slice(0, 1000),
    severity: malicious ? 'critical' : severityOf(r, cvss),
    references: (r.references ?? [])
      .map((x) => (isObject(x) && typeof x['url'] === 'string' ? x['url'] : null))
      .filter((x): x is string => x !== null),
    affected: [],
    packages,
  };
  if (r.details !== undefined) adv.details = r.details;
  if (r.published !== undefined) adv.published = r.published;
  if (r.modified !== undefined) adv.modified = r.modified;
  else
    issues.push(issue('invalid-value', `${r.id}: required field "modified" missing`, { file, pluginId: ID }));
  if (r.withdrawn !== undefined) adv.withdrawn = r.withdrawn;
  if (malicious) adv.malicious = true;
  if (r.related?.length) adv.related = r.related;
  if (r.upstream?.length) adv.upstream = r.upstream;
  if (cvss.length) adv.cvss = cvss;
  if (r.database_specific !== undefined) adv.databaseSpecific = r.database_specific;
  return adv;
}

/** MAL- records, and records whose CWEs say embedded malicious code (CWE-506). */
function isMalicious(r: OsvRecord): boolean {
  if (r.id.startsWith('MAL-')) return true;
  const ds = r.database_specific;
  if (isObject(ds)) {
    const cwes = ds['cwe_ids'];
    if (Array.isArray(cwes) && cwes.includes('CWE-506')) return true;
    if (ds['malicious-packages-origins'] !== undefined) return true;
  }
  return false;
}

function severityOf(r: OsvRecord, cvss: { score?: number }[]): Severity {
  const scores = cvss.map((c) => c.score).filter((s): s is number => s !== undefined);
  if (scores.length) return severityOfScore(Math.max(...scores));
  const ds = r.database_specific;
  if (isObject(ds) && typeof ds['severity'] === 'string') {
    const s = GHSA_SEVERITY[ds['severity'].toUpperCase()];
    if (s) return s;
  }
  return 'medium';
}
