/**
 * `matchers/yara`: YARA rules (intel/yara) over file content through yara-x. Rules are compiled
 * once in `prepare`; `matchContent` scans each file's bytes (already read by the runner for the
 * digests) on the libuv thread pool (`scanAsync`), so several files are scanned in parallel while
 * the main thread reads and hashes. One finding per (rule, file).
 */
import type { Finding } from '../../core/finding.js';
import { issue, type Issue } from '../../core/issue.js';
import type { FileObservation } from '../../core/observation.js';
import type { ContentMatchResult, Matcher } from '../../core/plugin.js';
import { isSeverity, type Severity } from '../../core/severity.js';
import { stableId } from '../../util/hash.js';
import { severityFromScore } from '../indicator-common.js';
import { isYaraBody } from '../../intel/yara/parse.js';
import { YARA_MATCHER_ID } from './compile.js';
import { loadYaraX, yaraXLoadError } from './engine.js';
import { defaultYaraThreads, YaraPool } from './pool.js';
import type { YaraXRuleMatch } from './engine.js';
import { variablesFor } from './variables.js';

export { compileYaraRules, YARA_MATCHER_ID, COMPILE_OPTIONS } from './compile.js';
export type { CompiledYara, RulePack, CompiledFile } from './compile.js';
export { variablesFor, fileTypeOf, EXTERNAL_VARIABLES } from './variables.js';
export { loadYaraX } from './engine.js';
export { YaraPool, defaultYaraThreads } from './pool.js';

/** Most string occurrences listed per finding (the total is always given). */
export const MAX_EVIDENCE_STRINGS = 32;
/** Matches recorded per pattern by yara-x (a rule matches on the first; this bounds memory). */
export const MAX_MATCHES_PER_PATTERN = 64;

function metaString(meta: Record<string, unknown>, key: string): string | undefined {
  const v = meta[key];
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

/** Severity from rule meta: `score` (signature-base, 0-100), else `severity`/`level`, else high. */
export function ruleSeverity(meta: Record<string, unknown>): Severity {
  const score = meta['score'];
  if (typeof score === 'number' && Number.isFinite(score)) return severityFromScore(score);
  if (typeof score === 'string' && /^\d+$/.test(score)) return severityFromScore(Number(score));
  const s = (metaString(meta, 'severity') ?? metaString(meta, 'level'))?.toLowerCase();
  return s && isSeverity(s) ? s : 'high';
}

/** Builds the finding for one rule match on one file. */
export function yaraFinding(
  file: FileObservation,
  m: YaraXRuleMatch,
  namespace: string = m.namespace,
): Finding {
  const ruleId = `${namespace}:${m.ruleIdentifier}`;
  const refs = ['reference', 'references', 'url']
    .map((k) => metaString(m.meta, k))
    .filter((x): x is string => x !== undefined);
  const strings = m.matches
    .slice(0, MAX_EVIDENCE_STRINGS)
    .map((d) => ({ identifier: d.identifier, offset: d.offset, length: d.length }));
  const f: Finding = {
    id: stableId('yara', ruleId, file.host, file.tenant, file.path, file.sha256),
    kind: 'yara',
    severity: ruleSeverity(m.meta),
    host: file.host,
    title: `YARA rule ${m.ruleIdentifier} matched ${file.name}`,
    subject: { type: 'file', path: file.path, sha256: file.sha256 },
    rule: { id: ruleId, title: m.ruleIdentifier },
    evidence: [
      {
        type: 'yara-rule',
        searchedBy: { rule: m.ruleIdentifier, namespace },
        found: {
          strings,
          stringMatches: m.matches.length,
          ...(metaString(m.meta, 'description') ? { description: metaString(m.meta, 'description') } : {}),
        },
        matcherId: YARA_MATCHER_ID,
        confidence: 1,
        location: { file: file.path },
      },
    ],
  };
  if (file.tenant !== undefined) f.tenant = file.tenant;
  const author = metaString(m.meta, 'author');
  if (author) f.rule!.author = author;
  if (refs.length > 0) f.rule!.references = refs;
  if (m.tags.length > 0) f.rule!.tags = [...m.tags];
  return f;
}

export const yaraMatcher = {
  id: YARA_MATCHER_ID,
  version: 2,
  description:
    'YARA rules over file content (yara-x on worker threads; namespace per rule file; LOKI/THOR external variables)',
  accepts: [],
  prepare(intel) {
    const rules = intel.rules.filter((r) => r.format === 'yara' && isYaraBody(r.body));
    if (rules.length === 0) return null;
    const issues: Issue[] = [];
    if (!loadYaraX()) {
      issues.push(
        issue(
          'unsupported',
          `YARA rules not used: the yara-x binary (@litko/yara-x) does not load on this platform: ${yaraXLoadError()}`,
          { pluginId: YARA_MATCHER_ID },
        ),
      );
      return { match: () => [], issues };
    }
    // Every thread compiles the rules while the runner walks; compile issues arrive with the first.
    const pool = new YaraPool(rules, defaultYaraThreads(), MAX_MATCHES_PER_PATTERN);
    return {
      issues,
      match: () => [],
      async matchContent(file: FileObservation, content: Buffer): Promise<ContentMatchResult> {
        try {
          const matches = await pool.scan(content, variablesFor(file.path, content));
          return { findings: matches.map((m) => yaraFinding(file, m, m.fileNamespace)), issues: [] };
        } catch (err) {
          const msg = err instanceof Error ? err.message.split('\n')[0]! : String(err);
          return {
            findings: [],
            issues: [
              issue('internal-error', `YARA scan failed: ${msg}`, {
                file: file.path,
                pluginId: YARA_MATCHER_ID,
              }),
            ],
          };
        }
      },
      async close() {
        try {
          issues.push(...(await pool.ready).issues);
        } catch (err) {
          issues.push(
            issue(
              'internal-error',
              `YARA threads failed: ${err instanceof Error ? err.message : String(err)}`,
              { pluginId: YARA_MATCHER_ID },
            ),
          );
        }
        await pool.close();
      },
    };
  },
} satisfies Matcher;
