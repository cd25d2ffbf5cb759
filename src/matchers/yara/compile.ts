/**
 * Compiles every YARA rule file of an intel bundle once per scan with yara-x: one namespace per
 * file (duplicate rule names across files work), LOKI/THOR external variables declared, includes
 * disabled (a rule file must not read other files). A file that fails to compile becomes an issue
 * naming the file and the compiler's message; the other files are used.
 */
import type { DetectionRule } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { isYaraBody, type YaraRuleFileBody } from '../../intel/yara/parse.js';
import { loadYaraX, yaraXLoadError, type YaraXCompileOptions, type YaraXRules } from './engine.js';
import { EXTERNAL_VARIABLES } from './variables.js';

export const YARA_MATCHER_ID = 'matchers/yara';

/** One rule file that compiled, with the namespace its rules were compiled into. */
export interface CompiledFile {
  namespace: string;
  file: string;
  ruleNames: string[];
}

/** The compiled rules plus what went into them. */
export interface CompiledYara {
  rules: YaraXRules | null;
  files: CompiledFile[];
  issues: Issue[];
}

/** Compiler options shared by every compile. */
export const COMPILE_OPTIONS: YaraXCompileOptions = { defineVariables: { ...EXTERNAL_VARIABLES }, enableIncludes: false };

/** First line of a compiler message plus its `-->` location line, bounded. */
function shortMessage(msg: string): string {
  const lines = msg.split('\n');
  const loc = lines.find((l) => l.trim().startsWith('-->'));
  const out = lines[0]! + (loc ? ` (${loc.trim().replace(/^-->\s*/, '')})` : '');
  return out.length > 500 ? `${out.slice(0, 500)}…` : out;
}

/** Compiles the bundle's YARA rule files. Never throws. */
export function compileYaraRules(rules: readonly DetectionRule[]): CompiledYara {
  const issues: Issue[] = [];
  const bodies: { rule: DetectionRule; body: YaraRuleFileBody; namespace: string }[] = [];
  const usedNs = new Set<string>();
  for (const r of rules) {
    if (r.format !== 'yara' || !isYaraBody(r.body)) continue;
    let ns = r.body.namespace;
    if (usedNs.has(ns)) ns = r.file ?? r.id; // same base name from another folder: the full path
    if (usedNs.has(ns)) continue; // mergeIntel already reported the duplicate
    usedNs.add(ns);
    bodies.push({ rule: r, body: r.body, namespace: ns });
  }
  if (bodies.length === 0) return { rules: null, files: [], issues };
  const yx = loadYaraX();
  if (!yx) {
    issues.push(issue('unsupported', `YARA rules not used: the yara-x binary (@litko/yara-x-linux-x64-gnu) is not available on this platform: ${yaraXLoadError()}`, { pluginId: YARA_MATCHER_ID }));
    return { rules: null, files: [], issues };
  }
  const build = (list: typeof bodies): YaraXRules => {
    const compiled = yx.compile('', COMPILE_OPTIONS);
    compiled.addRuleSources(list.map((b) => ({ source: b.body.source, namespace: b.namespace })));
    return compiled;
  };
  let good = bodies;
  let compiled: YaraXRules | null = null;
  try {
    compiled = build(bodies);
  } catch {
    // Find the files that fail on their own, report them, compile the rest.
    good = [];
    for (const b of bodies) {
      let errors: { message: string }[];
      try {
        errors = yx.validate(b.body.source, COMPILE_OPTIONS).errors;
      } catch (err) {
        errors = [{ message: err instanceof Error ? err.message : String(err) }];
      }
      if (errors.length > 0) {
        issues.push(issue('parse-error', `YARA rule file does not compile: ${shortMessage(errors[0]!.message)}`, { file: b.rule.file ?? b.rule.id, pluginId: YARA_MATCHER_ID }));
      } else good.push(b);
    }
    try {
      compiled = good.length > 0 ? build(good) : null;
    } catch (err) {
      issues.push(issue('internal-error', `YARA rules do not compile together: ${shortMessage(err instanceof Error ? err.message : String(err))}`, { pluginId: YARA_MATCHER_ID }));
      compiled = null;
      good = [];
    }
  }
  return {
    rules: compiled,
    files: good.map((b) => ({ namespace: b.namespace, file: b.rule.file ?? b.rule.id, ruleNames: b.body.ruleNames })),
    issues,
  };
}
