/**
 * Compiles every YARA rule file of an intel bundle once per scan with yara-x: LOKI/THOR external
 * variables declared, includes disabled (a rule file must not read other files). A file that fails
 * to compile becomes an issue naming the file and the compiler's message; the other files are used.
 *
 * Namespaces: @litko/yara-x 0.3.0 has no namespace API, so files are packed into as few compiled
 * rule sets ("packs") as possible such that no rule name occurs twice in a pack, and a file with a
 * `global` rule gets a pack of its own (a global rule applies to its whole namespace). Each match
 * is mapped back to its file's namespace through the rule name, which is unique within its pack.
 */
import type { DetectionRule } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { isYaraBody, type YaraRuleFileBody } from '../../intel/yara/parse.js';
import {
  loadYaraX,
  yaraXLoadError,
  type YaraXCompileOptions,
  type YaraXModule,
  type YaraXRules,
} from './engine.js';
import { EXTERNAL_VARIABLES } from './variables.js';

export const YARA_MATCHER_ID = 'matchers/yara';

/** One rule file that compiled, with its namespace. */
export interface CompiledFile {
  namespace: string;
  file: string;
  ruleNames: string[];
}

/** One compiled rule set and the namespace of each of its rules. */
export interface RulePack {
  rules: YaraXRules;
  namespaceOf: Map<string, string>;
}

/** The compiled rules plus what went into them. */
export interface CompiledYara {
  packs: RulePack[];
  files: CompiledFile[];
  issues: Issue[];
}

/** Compiler options shared by every compile. */
export const COMPILE_OPTIONS: YaraXCompileOptions = {
  defineVariables: { ...EXTERNAL_VARIABLES },
  enableIncludes: false,
};

interface Body {
  rule: DetectionRule;
  body: YaraRuleFileBody;
  namespace: string;
  global: boolean;
}

/** First line of a compiler message plus its `-->` location line, bounded. */
function shortMessage(msg: string): string {
  const lines = msg.split('\n');
  const loc = lines.find((l) => l.trim().startsWith('-->'));
  const out = lines[0]! + (loc ? ` (${loc.trim().replace(/^-->\s*/, '')})` : '');
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Packs files so that rule names are unique within a pack and global rules stay alone. */
function pack(bodies: readonly Body[]): Body[][] {
  const packs: { names: Set<string>; files: Body[]; closed: boolean }[] = [];
  for (const b of bodies) {
    let target = b.global
      ? undefined
      : packs.find((p) => !p.closed && b.body.ruleNames.every((n) => !p.names.has(n)));
    if (!target) {
      target = { names: new Set(), files: [], closed: b.global };
      packs.push(target);
    }
    for (const n of b.body.ruleNames) target.names.add(n);
    target.files.push(b);
  }
  return packs.map((p) => p.files);
}

/** Compiles one pack; files that fail are reported and left out. */
function compilePack(
  yx: YaraXModule,
  files: Body[],
  issues: Issue[],
): { rules: YaraXRules; files: Body[] } | null {
  const join = (list: Body[]): string => list.map((b) => b.body.source).join('\n');
  try {
    return { rules: yx.compile(join(files), COMPILE_OPTIONS), files };
  } catch {
    // Find the files that fail on their own.
  }
  const good: Body[] = [];
  for (const b of files) {
    let errors: { message: string }[];
    try {
      errors = yx.validate(b.body.source, COMPILE_OPTIONS).errors;
    } catch (err) {
      errors = [{ message: errorText(err) }];
    }
    if (errors.length > 0) {
      issues.push(
        issue('parse-error', `YARA rule file does not compile: ${shortMessage(errors[0]!.message)}`, {
          file: b.rule.file ?? b.rule.id,
          pluginId: YARA_MATCHER_ID,
        }),
      );
    } else good.push(b);
  }
  if (good.length === 0) return null;
  try {
    return { rules: yx.compile(join(good), COMPILE_OPTIONS), files: good };
  } catch (err) {
    issues.push(
      issue(
        'internal-error',
        `YARA rule files compile alone but not together: ${shortMessage(errorText(err))}`,
        { pluginId: YARA_MATCHER_ID },
      ),
    );
    return null;
  }
}

/** Compiles the bundle's YARA rule files. Never throws. */
export function compileYaraRules(rules: readonly DetectionRule[]): CompiledYara {
  const issues: Issue[] = [];
  const bodies: Body[] = [];
  const usedNs = new Set<string>();
  for (const r of rules) {
    if (r.format !== 'yara' || !isYaraBody(r.body)) continue;
    let ns = r.body.namespace;
    if (usedNs.has(ns)) ns = r.file ?? r.id; // same base name from another folder: the full path
    if (usedNs.has(ns)) continue; // mergeIntel already reported the duplicate
    usedNs.add(ns);
    bodies.push({
      rule: r,
      body: r.body,
      namespace: ns,
      global: /\bglobal\s+(private\s+)?rule\b/.test(r.body.source),
    });
  }
  if (bodies.length === 0) return { packs: [], files: [], issues };
  const yx = loadYaraX();
  if (!yx) {
    issues.push(
      issue(
        'unsupported',
        `YARA rules not used: the yara-x binary (@litko/yara-x) does not load on this platform: ${yaraXLoadError()}`,
        { pluginId: YARA_MATCHER_ID },
      ),
    );
    return { packs: [], files: [], issues };
  }
  const packs: RulePack[] = [];
  const files: CompiledFile[] = [];
  for (const group of pack(bodies)) {
    const c = compilePack(yx, group, issues);
    if (!c) continue;
    const namespaceOf = new Map<string, string>();
    for (const b of c.files) {
      for (const n of b.body.ruleNames) namespaceOf.set(n, b.namespace);
      files.push({ namespace: b.namespace, file: b.rule.file ?? b.rule.id, ruleNames: b.body.ruleNames });
    }
    packs.push({ rules: c.rules, namespaceOf });
  }
  return { packs, files, issues };
}
