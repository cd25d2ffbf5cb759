/**
 * Pure parser of chainhunt intel packs: bytes in, normalised intel and issues out. Never throws on
 * bad input. A pack whose checksum does not match is refused as a whole; otherwise every record is
 * validated on its own and dropped with an issue when it is unusable.
 */
import type {
  Advisory,
  AffectedProduct,
  Indicator,
  IntelBundle,
  IntelSource,
  ProductMatcher,
  VendorRange,
} from '../../core/intel.js';
import { emptyIntel, INDICATOR_TYPES } from '../../core/intel.js';
import { issue, type Issue, type IssueCode } from '../../core/issue.js';
import { decodeText, hasNul } from '../../util/text.js';
import { normalizeIndicatorValue } from '../normalize.js';
import { checkPattern } from '../pattern.js';
import { CanonicalJsonError, isChecksumSyntax, packChecksum } from './checksum.js';
import {
  PACK_SCHEMA,
  PACK_SCHEMA_PREFIX,
  PackAdvisory,
  PackAffected,
  PackEnvelope,
  PackIndicator,
  PackSource,
} from './schema.js';
import type { ZodError } from 'zod';

/** Facts about a pack that are not part of the intel itself. */
export interface PackInfo {
  id: string;
  name: string;
  version: string;
  /** `verified` when the checksum matched, `missing` when the pack had none. */
  checksum: 'verified' | 'missing';
}

/** What {@link parsePack} returns. `info` is undefined when the pack was refused. */
export interface PackParseResult {
  intel: IntelBundle;
  issues: Issue[];
  info?: PackInfo;
}

/** Options of {@link parsePack}. */
export interface PackParseOptions {
  /** Path reported in issues. */
  file: string;
  /** Plugin id reported in issues. */
  pluginId: string;
}

/** Parses one pack file. */
export function parsePack(content: Buffer, opts: PackParseOptions): PackParseResult {
  const issues: Issue[] = [];
  const add = (code: IssueCode, message: string): void => {
    issues.push(issue(code, message, { file: opts.file, pluginId: opts.pluginId }));
  };
  const refuse = (code: IssueCode, message: string): PackParseResult => {
    add(code, message);
    return { intel: emptyIntel(), issues };
  };

  if (content.length === 0) return refuse('empty', 'intel pack file is empty');
  const decoded = decodeText(content);
  if (decoded === null || (decoded.encoding === 'utf-8' && hasNul(content))) {
    return refuse('encoding', 'intel pack is not UTF-8/UTF-16 JSON text');
  }
  let raw: unknown;
  try {
    raw = JSON.parse(decoded.text);
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    const truncated = /end of JSON input|Unterminated string/i.test(msg);
    return refuse(truncated ? 'truncated' : 'parse-error', `intel pack is not valid JSON: ${msg}`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return refuse('parse-error', 'intel pack must be a JSON object');
  }
  const obj = raw as Record<string, unknown>;
  const schema = obj['schema'];
  if (typeof schema !== 'string' || !schema.startsWith(PACK_SCHEMA_PREFIX)) {
    return refuse('parse-error', `intel pack has no "schema": "${PACK_SCHEMA}" member`);
  }
  if (schema !== PACK_SCHEMA) {
    return refuse(
      'unsupported',
      `intel pack format ${JSON.stringify(schema)} is not supported (this version reads ${PACK_SCHEMA})`,
    );
  }

  // Integrity first: a tampered pack is refused before any of it is used.
  let checksumState: PackInfo['checksum'] = 'missing';
  const declared = obj['checksum'];
  if (declared === undefined) {
    add(
      'invalid-value',
      'intel pack has no checksum: integrity not verified (loaded anyway; seal it with scripts/seal-intel-pack.mjs)',
    );
  } else if (typeof declared !== 'string' || !isChecksumSyntax(declared)) {
    return refuse(
      'checksum-mismatch',
      'intel pack checksum is not of the form sha256:<64 lower-case hex digits>; pack refused',
    );
  } else {
    let actual: string;
    try {
      actual = packChecksum(obj);
    } catch (e) {
      const msg = e instanceof CanonicalJsonError ? e.message : String(e);
      return refuse('parse-error', `intel pack has no canonical form: ${msg}`);
    }
    if (actual !== declared) {
      return refuse(
        'checksum-mismatch',
        `intel pack checksum mismatch: declared ${declared}, computed ${actual}; pack refused`,
      );
    }
    checksumState = 'verified';
  }

  const env = PackEnvelope.safeParse(obj);
  if (!env.success) return refuse('parse-error', `intel pack envelope invalid: ${describe(env.error)}`);
  const pack = env.data;
  const intel = emptyIntel();

  // Sources.
  const sourceIds = new Set<string>();
  pack.sources.forEach((item, i) => {
    const r = PackSource.safeParse(item);
    if (!r.success) return add('invalid-value', `/sources/${i} dropped: ${describe(r.error)}`);
    if (sourceIds.has(r.data.id))
      return add('duplicate', `/sources/${i} dropped: duplicate source id ${r.data.id}`);
    sourceIds.add(r.data.id);
    const s: IntelSource = { id: r.data.id, name: r.data.name };
    if (r.data.url !== undefined) s.url = r.data.url;
    if (r.data.license !== undefined) s.license = r.data.license;
    intel.sources.push(s);
  });

  // Advisories.
  const advisoryIds = new Set<string>();
  pack.advisories.forEach((item, i) => {
    const where = `/advisories/${i}`;
    if (isObject(item) && item['kind'] !== undefined && item['kind'] !== 'vendor-app') {
      return add(
        'unsupported',
        `${where} dropped: advisory kind ${JSON.stringify(item['kind'])} is not supported in packs (only vendor-app)`,
      );
    }
    const r = PackAdvisory.safeParse(item);
    if (!r.success) return add('invalid-value', `${where} dropped: ${describe(r.error)}`);
    const a = r.data;
    if (!sourceIds.has(a.source))
      return add(
        'invalid-value',
        `${where} (${a.id}) dropped: source ${a.source} is not declared in /sources`,
      );
    if (advisoryIds.has(a.id)) return add('duplicate', `${where} dropped: duplicate advisory id ${a.id}`);
    const affected: AffectedProduct[] = [];
    a.affected.forEach((entry, j) => {
      const e = PackAffected.safeParse(entry);
      if (!e.success) return add('invalid-value', `${where}/affected/${j} dropped: ${describe(e.error)}`);
      affected.push(toAffected(e.data));
    });
    if (affected.length === 0)
      return add('invalid-value', `${where} (${a.id}) dropped: no usable affected entries`);
    advisoryIds.add(a.id);
    const adv: Advisory = {
      id: a.id,
      aliases: a.aliases,
      source: a.source,
      kind: 'vendor-app',
      summary: a.summary,
      severity: a.severity,
      references: a.references.filter((ref, j) => {
        if (isHttpUrl(ref)) return true;
        add('invalid-value', `${where}/references/${j} dropped: not an http(s) URL`);
        return false;
      }),
      affected,
    };
    if (a.details !== undefined) adv.details = a.details;
    if (a.published !== undefined) adv.published = a.published;
    if (a.modified !== undefined) adv.modified = a.modified;
    if (a.remediation !== undefined) adv.remediation = a.remediation;
    if (a.malicious !== undefined) adv.malicious = a.malicious;
    intel.advisories.push(adv);
  });

  // Indicators.
  const seen = new Set<string>();
  pack.indicators.forEach((item, i) => {
    const where = `/indicators/${i}`;
    if (
      isObject(item) &&
      typeof item['type'] === 'string' &&
      !(INDICATOR_TYPES as readonly string[]).includes(item['type'])
    ) {
      return add(
        'unsupported',
        `${where} dropped: indicator type ${JSON.stringify(item['type'])} is not supported`,
      );
    }
    const r = PackIndicator.safeParse(item);
    if (!r.success) return add('invalid-value', `${where} dropped: ${describe(r.error)}`);
    const d = r.data;
    if (!sourceIds.has(d.source))
      return add('invalid-value', `${where} dropped: source ${d.source} is not declared in /sources`);
    const norm = normalizeIndicatorValue(d.type, d.value);
    if (!norm.ok) return add('invalid-value', `${where} dropped: ${norm.reason}`);
    const isPattern = d.type === 'filename' || d.type === 'url-pattern';
    if (!isPattern && (d.patternSyntax !== undefined || d.excludePattern !== undefined)) {
      return add(
        'invalid-value',
        `${where} dropped: patternSyntax/excludePattern apply only to filename and url-pattern indicators`,
      );
    }
    const ind: Indicator = { type: d.type, value: norm.value, source: d.source };
    if (isPattern) {
      const syntax = d.patternSyntax ?? 'glob';
      const check = checkPattern(syntax, norm.value);
      if (!check.ok) return add('unsupported', `${where} dropped: ${check.reason}`);
      if (d.excludePattern !== undefined) {
        const ex = checkPattern(syntax, d.excludePattern);
        if (!ex.ok) return add('unsupported', `${where} dropped: excludePattern: ${ex.reason}`);
        ind.excludePattern = d.excludePattern;
      }
      ind.patternSyntax = syntax;
    }
    const key = `${ind.type}\u0000${ind.value}\u0000${ind.source}`;
    if (seen.has(key))
      return add(
        'duplicate',
        `${where} dropped: duplicate of an earlier ${ind.type} indicator ${ind.value} from ${ind.source}`,
      );
    seen.add(key);
    if (d.sourceRef !== undefined) ind.sourceRef = d.sourceRef;
    if (d.description !== undefined) ind.description = d.description;
    if (d.severity !== undefined) ind.severity = d.severity;
    if (d.advisoryId !== undefined) {
      if (advisoryIds.has(d.advisoryId)) ind.advisoryId = d.advisoryId;
      else
        add(
          'invalid-value',
          `${where}: advisoryId ${d.advisoryId} is not an advisory of this pack (link dropped, indicator kept)`,
        );
    }
    if (d.score !== undefined) ind.score = d.score;
    if (d.test !== undefined) ind.test = d.test;
    intel.indicators.push(ind);
  });

  return {
    intel,
    issues,
    info: { id: pack.id, name: pack.name, version: pack.version, checksum: checksumState },
  };
}

function toAffected(e: PackAffected): AffectedProduct {
  const product: ProductMatcher = { names: e.product.names };
  if (e.product.publishers !== undefined) product.publishers = e.product.publishers;
  if (e.product.bundleIds !== undefined) product.bundleIds = e.product.bundleIds;
  if (e.product.productIds !== undefined) product.productIds = e.product.productIds;
  if (e.product.excludeNames !== undefined) product.excludeNames = e.product.excludeNames;
  const out: AffectedProduct = { product, platform: e.platform };
  if (e.versions !== undefined) out.versions = e.versions;
  if (e.ranges !== undefined) {
    out.ranges = e.ranges.map((r) => {
      const range: VendorRange = {};
      if (r.introduced !== undefined) range.introduced = r.introduced;
      if (r.fixed !== undefined) range.fixed = r.fixed;
      if (r.lastAffected !== undefined) range.lastAffected = r.lastAffected;
      return range;
    });
  }
  if (e.fixed !== undefined) out.fixed = e.fixed;
  return out;
}

function isHttpUrl(s: string): boolean {
  try {
    const u = new URL(s);
    return u.protocol === 'https:' || u.protocol === 'http:';
  } catch {
    return false;
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A one-line summary of a zod error: `path: message` for the first few problems. */
function describe(err: ZodError): string {
  const parts = err.issues
    .slice(0, 3)
    .map((i) => `${i.path.length > 0 ? '/' + i.path.join('/') : '(root)'}: ${i.message}`);
  if (err.issues.length > 3) parts.push(`… ${err.issues.length - 3} more`);
  return parts.join('; ');
}
