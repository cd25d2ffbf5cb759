/**
 * `matchers/yara`: YARA rules (intel/yara) over file content through yara-x. The scan runs on the
 * runner's read threads (`threadScan`, docs/decisions/0010-content-scan-on-read-threads.md): each
 * compiles the rules once and scans a file's bytes right after hashing them; `matchContent` turns
 * the result into findings. Without read threads it compiles on the calling thread (once) and scans
 * there. One finding per (rule, file).
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
import {
  createYaraScanner,
  isYaraScanResult,
  type YaraMatch,
  type YaraScanner,
  type YaraThreadInfo,
  type YaraThreadInit,
} from './thread-scanner.js';

export { compileYaraRules, YARA_MATCHER_ID, COMPILE_OPTIONS } from './compile.js';
export type { CompiledYara, RulePack, CompiledFile } from './compile.js';
export { variablesFor, fileTypeOf, EXTERNAL_VARIABLES } from './variables.js';
export { loadYaraX } from './engine.js';
export {
  createYaraScanner,
  misreadByBinding,
  MAX_EVIDENCE_STRINGS,
  type YaraMatch,
  type YaraScanResult,
} from './thread-scanner.js';

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
export function yaraFinding(file: FileObservation, m: YaraMatch): Finding {
  const ruleId = `${m.namespace}:${m.rule}`;
  const refs = ['reference', 'references', 'url']
    .map((k) => metaString(m.meta, k))
    .filter((x): x is string => x !== undefined);
  const f: Finding = {
    id: stableId('yara', ruleId, file.host, file.tenant, file.path, file.sha256),
    kind: 'yara',
    severity: ruleSeverity(m.meta),
    host: file.host,
    title: `YARA rule ${m.rule} matched ${file.name}`,
    subject: { type: 'file', path: file.path, sha256: file.sha256 },
    rule: { id: ruleId, title: m.rule },
    evidence: [
      {
        type: 'yara-rule',
        searchedBy: { rule: m.rule, namespace: m.namespace },
        found: {
          strings: m.strings,
          stringMatches: m.stringMatches,
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

const THREAD_SCANNER = new URL(
  import.meta.url.endsWith('.ts') ? './thread-scanner.ts' : './thread-scanner.js',
  import.meta.url,
).href;

export const yaraMatcher = {
  id: YARA_MATCHER_ID,
  version: 3,
  description:
    'YARA rules over file content (yara-x on the read threads; namespace per rule file; LOKI/THOR external variables)',
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
    const init: YaraThreadInit = { rules, maxMatchesPerPattern: MAX_MATCHES_PER_PATTERN };
    // Compile issues are the same on every thread: reported once.
    let reported = false;
    const report = (info: YaraThreadInfo): void => {
      if (reported) return;
      reported = true;
      issues.push(...info.issues);
    };
    let local: YaraScanner | null = null;
    return {
      issues,
      match: () => [],
      threadScan: {
        module: THREAD_SCANNER,
        init,
        onReady: (info) => report(info as YaraThreadInfo),
      },
      matchContent(file: FileObservation, content: Buffer, threadResult?: unknown): ContentMatchResult {
        let r = isYaraScanResult(threadResult) ? threadResult : undefined;
        if (!r) {
          if (!local) {
            local = createYaraScanner(init);
            report(local.info);
          }
          r = local.scan(content, file.path);
        }
        if ('error' in r)
          return {
            findings: [],
            issues: [
              issue('internal-error', `YARA scan failed: ${r.error}`, {
                file: file.path,
                pluginId: YARA_MATCHER_ID,
              }),
            ],
          };
        return { findings: r.matches.map((m) => yaraFinding(file, m)), issues: r.issues };
      },
    };
  },
} satisfies Matcher;
