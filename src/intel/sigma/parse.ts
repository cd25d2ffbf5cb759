/**
 * Pure Sigma rule file parser: YAML (possibly multi-document, with `action: global|reset|repeat`)
 * to {@link DetectionRule}s whose `body` is a {@link SigmaRuleBody}. Never throws: problems are
 * returned as issues naming the file and document.
 */
import { z } from 'zod';
import { isAlias, isMap, isScalar, isSeq, parseAllDocuments, type Document } from 'yaml';
import type { DetectionRule } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import type { Severity } from '../../core/severity.js';
import { stableId } from '../../util/hash.js';
import type { SigmaCorrelation, SigmaFilter, SigmaRuleBody, SigmaYaml } from './types.js';

/** Plugin id used on issues. */
export const SIGMA_IMPORTER_ID = 'intel/sigma';
/** Intel source id of rules loaded by this importer. */
export const SIGMA_SOURCE_ID = 'sigma';

const MAX_DEPTH = 64;
const MAX_NODES = 200_000;

/** Converts a YAML node to plain data; plain numbers keep their source text. */
function toData(node: unknown, depth: number, budget: { n: number; doc: Document }): SigmaYaml {
  if (--budget.n < 0 || depth > MAX_DEPTH)
    throw new RangeError('YAML document too large or too deeply nested');
  if (node === null || node === undefined) return null;
  if (isScalar(node)) {
    const v: unknown = node.value;
    if (v === null || v === undefined) return null;
    if (typeof v === 'boolean') return v;
    if (typeof v === 'number' || typeof v === 'bigint') {
      return typeof node.source === 'string' && node.type === 'PLAIN' ? node.source : String(v);
    }
    if (typeof v === 'string') return v;
    if (v instanceof Date) return node.source ?? v.toISOString();
    return typeof node.source === 'string' ? node.source : null;
  }
  if (isSeq(node)) return node.items.map((i) => toData(i, depth + 1, budget));
  if (isMap(node)) {
    const out: Record<string, SigmaYaml> = {};
    for (const pair of node.items) {
      const k = toData(pair.key, depth + 1, budget);
      const key = k === null ? 'null' : typeof k === 'object' ? JSON.stringify(k) : String(k);
      if (key === '__proto__') continue;
      out[key] = toData(pair.value, depth + 1, budget);
    }
    return out;
  }
  if (isAlias(node)) return toData(node.resolve(budget.doc), depth + 1, budget);
  return null;
}

const Str = z.string();
const StrList = z.union([z.string().transform((s) => [s]), z.array(z.string())]);

/** Header fields every Sigma rule document may carry (permissive: bad optional fields are dropped). */
const RuleHeader = z.object({
  title: Str,
  id: Str.optional().catch(undefined),
  name: Str.optional().catch(undefined),
  status: Str.optional().catch(undefined),
  level: Str.optional().catch(undefined),
  author: Str.optional().catch(undefined),
  references: z.array(Str).optional().catch(undefined),
  tags: z.array(Str).optional().catch(undefined),
  logsource: z
    .object({
      product: Str.optional().catch(undefined),
      category: Str.optional().catch(undefined),
      service: Str.optional().catch(undefined),
    })
    .passthrough()
    .optional()
    .catch(undefined),
});

const Correlation = z.object({
  type: Str,
  rules: StrList,
  'group-by': StrList.optional(),
  timespan: z.string().optional(),
  condition: z.unknown().optional(),
  generate: z.boolean().optional(),
  aliases: z.record(z.record(z.string())).optional(),
});

const Filter = z
  .object({
    rules: StrList,
    condition: z.unknown(),
  })
  .passthrough();

/** Maps a Sigma level to a chainhunt severity. */
export function levelToSeverity(level: string | undefined): Severity | undefined {
  switch ((level ?? '').toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'high';
    case 'medium':
      return 'medium';
    case 'low':
      return 'low';
    case 'informational':
    case 'info':
      return 'info';
    default:
      return undefined;
  }
}

function isRecord(v: SigmaYaml | undefined): v is Record<string, SigmaYaml> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep merge for `action: global` (maps merge recursively; other values are replaced). */
function merge(base: Record<string, SigmaYaml>, over: Record<string, SigmaYaml>): Record<string, SigmaYaml> {
  const out: Record<string, SigmaYaml> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    const b = out[k];
    out[k] = isRecord(b) && isRecord(v) ? merge(b, v) : v;
  }
  return out;
}

/** Result of parsing one Sigma file. */
export interface SigmaParseResult {
  rules: DetectionRule[];
  issues: Issue[];
}

/**
 * Parses the text of one Sigma rule file.
 * @example
 * const { rules, issues } = parseSigmaFile(text, 'rules/x.yml');
 */
export function parseSigmaFile(text: string, file: string): SigmaParseResult {
  const rules: DetectionRule[] = [];
  const issues: Issue[] = [];
  const where = { file, pluginId: SIGMA_IMPORTER_ID };
  let docs;
  try {
    docs = parseAllDocuments(text, { prettyErrors: false, uniqueKeys: false });
  } catch (e) {
    issues.push(issue('parse-error', `YAML: ${(e as Error).message}`, where));
    return { rules, issues };
  }
  if (!Array.isArray(docs)) docs = [docs];
  let global: Record<string, SigmaYaml> = {};
  let previous: Record<string, SigmaYaml> | undefined;
  docs.forEach((doc, index) => {
    const line = doc.contents ? lineOf(text, doc.contents.range?.[0]) : undefined;
    const w = { ...where, line };
    if (doc.errors.length > 0) {
      issues.push(issue('parse-error', `YAML document ${index}: ${doc.errors[0]?.message ?? 'error'}`, w));
      return;
    }
    let data: SigmaYaml;
    try {
      data = toData(doc.contents, 0, { n: MAX_NODES, doc });
    } catch (e) {
      issues.push(issue('limit-exceeded', `document ${index}: ${(e as Error).message}`, w));
      return;
    }
    if (data === null) return; // empty document (e.g. trailing ---)
    if (!isRecord(data)) {
      issues.push(issue('invalid-value', `document ${index}: not a mapping`, w));
      return;
    }
    const action = data['action'];
    if (action !== undefined) {
      const rest = { ...data };
      delete rest['action'];
      if (action === 'global') {
        global = merge(global, rest);
        return;
      } else if (action === 'reset') {
        global = {};
        return;
      } else if (action === 'repeat') {
        if (!previous) {
          issues.push(issue('invalid-value', `document ${index}: action: repeat without a previous rule`, w));
          return;
        }
        data = merge(previous, rest);
      } else {
        issues.push(issue('unsupported', `document ${index}: unknown action ${JSON.stringify(action)}`, w));
        return;
      }
    } else {
      data = merge(global, data);
    }
    previous = data;
    const rule = toRule(data, index, file, w, issues);
    if (rule) rules.push(rule);
  });
  return { rules, issues };
}

function lineOf(text: string, offset: number | undefined): number | undefined {
  if (offset === undefined) return undefined;
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text.charCodeAt(i) === 10) line++;
  return line;
}

function toRule(
  data: Record<string, SigmaYaml>,
  index: number,
  file: string,
  w: { file: string; pluginId: string; line: number | undefined },
  issues: Issue[],
): DetectionRule | undefined {
  const head = RuleHeader.safeParse(data);
  if (!head.success) {
    // Not a Sigma rule at all (e.g. an info.yml or other YAML): quietly ignore unless it looks like one.
    if ('detection' in data || 'correlation' in data || 'filter' in data) {
      issues.push(issue('invalid-value', `document ${index}: rule without a string title`, w));
    }
    return undefined;
  }
  const h = head.data;
  const logsource: SigmaRuleBody['logsource'] = {};
  if (h.logsource?.product) logsource.product = h.logsource.product.toLowerCase();
  if (h.logsource?.category) logsource.category = h.logsource.category.toLowerCase();
  if (h.logsource?.service) logsource.service = h.logsource.service.toLowerCase();
  const body: SigmaRuleBody = { type: 'detection', logsource, document: index };
  if (h.name) body.name = h.name;
  if (h.level) body.level = h.level;
  const det = data['detection'];
  const corr = data['correlation'];
  const filt = data['filter'];
  if (isRecord(det)) {
    if (!('condition' in det)) {
      issues.push(issue('invalid-value', `rule ${h.id ?? h.title}: detection without condition`, w));
      return undefined;
    }
    body.detection = det;
  } else if (isRecord(corr)) {
    const c = Correlation.safeParse(corr);
    if (!c.success) {
      issues.push(
        issue(
          'invalid-value',
          `rule ${h.id ?? h.title}: invalid correlation: ${c.error.issues[0]?.message ?? ''}`,
          w,
        ),
      );
      return undefined;
    }
    const cc: SigmaCorrelation = {
      type: c.data.type,
      rules: c.data.rules,
      groupBy: c.data['group-by'] ?? [],
      generate: c.data.generate ?? false,
      aliases: c.data.aliases ?? {},
    };
    if (c.data.timespan !== undefined) cc.timespan = c.data.timespan;
    if (c.data.condition !== undefined) cc.condition = corr['condition'] ?? null;
    body.type = 'correlation';
    body.correlation = cc;
  } else if (isRecord(filt)) {
    const f = Filter.safeParse(filt);
    if (!f.success) {
      issues.push(
        issue(
          'invalid-value',
          `rule ${h.id ?? h.title}: invalid filter: ${f.error.issues[0]?.message ?? ''}`,
          w,
        ),
      );
      return undefined;
    }
    const detection: Record<string, SigmaYaml> = { ...filt };
    delete detection['rules'];
    const ff: SigmaFilter = { rules: f.data.rules, detection };
    body.type = 'filter';
    body.filter = ff;
  } else {
    if ('title' in data && ('logsource' in data || 'detection' in data)) {
      issues.push(
        issue('invalid-value', `rule ${h.id ?? h.title}: no detection, correlation or filter block`, w),
      );
    }
    return undefined;
  }
  const rule: DetectionRule = {
    id: h.id ?? `sigma-${stableId(file, index, h.title)}`,
    title: h.title,
    format: 'sigma',
    source: SIGMA_SOURCE_ID,
    file,
    body,
  };
  const level = levelToSeverity(h.level);
  if (level) rule.level = level;
  if (h.status) rule.status = h.status;
  if (h.author) rule.author = h.author;
  if (h.references) rule.references = h.references;
  if (h.tags) rule.tags = h.tags;
  return rule;
}
