/**
 * Turns one YARA rule file into a {@link DetectionRule}: the source text is kept as is (yara-x
 * compiles it in the matcher); the namespace is derived from the file name so that rules with the
 * same name in different files do not collide. Pure: no I/O.
 */
import type { DetectionRule } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import { decodeText } from '../../util/text.js';

export const YARA_IMPORTER_ID = 'intel/yara';
export const YARA_SOURCE_ID = 'yara-rules';

/** What the YARA importer stores in `DetectionRule.body`. */
export interface YaraRuleFileBody {
  /** The rule file's source text. */
  source: string;
  /** Namespace for the file's rules: the base name (`gen_mal_3cx_compromise_mar23.yar`). */
  namespace: string;
  /** Rule names declared in the file (a lexical scan; the compiler is the authority). */
  ruleNames: string[];
}

/** Largest rule file accepted (signature-base's largest is about 2 MiB). */
export const MAX_YARA_FILE = 16 * 1024 * 1024;

/** Type guard for bodies produced by this importer. */
export function isYaraBody(body: unknown): body is YaraRuleFileBody {
  const b = body as YaraRuleFileBody | null;
  return (
    typeof b === 'object' &&
    b !== null &&
    typeof b.source === 'string' &&
    typeof b.namespace === 'string' &&
    Array.isArray(b.ruleNames)
  );
}

/** Base name of a walked path (`/`, `\` and archive `!/` separators). */
export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i >= 0 ? path.slice(i + 1) : path;
}

/**
 * Lists rule names declared in YARA source, skipping comments, strings and regular expressions.
 * Linear-time, never throws; used for titles and counts only.
 */
export function declaredRuleNames(src: string): string[] {
  const names: string[] = [];
  let i = 0;
  const n = src.length;
  let prevWord = '';
  while (i < n) {
    const c = src[i]!;
    if (c === '/' && src[i + 1] === '/') {
      const j = src.indexOf('\n', i);
      i = j < 0 ? n : j + 1;
    } else if (c === '/' && src[i + 1] === '*') {
      const j = src.indexOf('*/', i + 2);
      i = j < 0 ? n : j + 2;
    } else if (c === '"') {
      i++;
      while (i < n && src[i] !== '"' && src[i] !== '\n') i += src[i] === '\\' ? 2 : 1;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < n && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      const w = src.slice(i, j);
      if (prevWord === 'rule') names.push(w);
      prevWord = w;
      i = j;
    } else {
      if (!/\s/.test(c)) prevWord = '';
      i++;
    }
  }
  return names;
}

/** Parses one rule file's bytes. */
export function parseYaraFile(content: Buffer, path: string): { rules: DetectionRule[]; issues: Issue[] } {
  const where = { file: path, pluginId: YARA_IMPORTER_ID };
  if (content.length > MAX_YARA_FILE)
    return { rules: [], issues: [issue('too-large', `rule file larger than ${MAX_YARA_FILE} bytes`, where)] };
  const text = decodeText(content);
  if (!text)
    return { rules: [], issues: [issue('encoding', 'rule file is not valid UTF-8/UTF-16 text', where)] };
  const ruleNames = declaredRuleNames(text.text);
  if (ruleNames.length === 0)
    return { rules: [], issues: [issue('empty', 'no YARA rule declared in this file', where)] };
  const namespace = baseName(path);
  const body: YaraRuleFileBody = { source: text.text, namespace, ruleNames };
  return {
    rules: [{ id: path, title: namespace, format: 'yara', source: YARA_SOURCE_ID, file: path, body }],
    issues: [],
  };
}
