/** Pure parser for Go's `go.mod`. */
import type { CollectorResult } from '../../core/plugin.js';
import { decodeInput, PackageSink } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const GO_MOD_ID = 'collectors/go-mod';

interface Req {
  path: string;
  version: string;
  line: number;
  indirect: boolean;
}
interface Replace {
  oldPath: string;
  oldVersion?: string;
  newPath: string;
  newVersion?: string;
  line: number;
}

/** Splits a go.mod line into tokens (quoted strings unquoted) and its trailing comment. */
function tokenize(l: string): { tokens: string[]; comment: string } {
  const tokens: string[] = [];
  let i = 0;
  while (i < l.length) {
    const ch = l[i]!;
    if (ch === ' ' || ch === '\t') {
      i++;
      continue;
    }
    if (ch === '/' && l[i + 1] === '/') return { tokens, comment: l.slice(i + 2).trim() };
    if (ch === '"' || ch === '`') {
      const end = l.indexOf(ch, i + 1);
      const stop = end === -1 ? l.length : end;
      tokens.push(l.slice(i + 1, stop));
      i = stop + 1;
      continue;
    }
    let j = i;
    while (j < l.length && l[j] !== ' ' && l[j] !== '\t' && !(l[j] === '/' && l[j + 1] === '/')) j++;
    tokens.push(l.slice(i, j));
    i = j;
  }
  return { tokens, comment: '' };
}

const VERBS = new Set([
  'module',
  'go',
  'toolchain',
  'require',
  'replace',
  'exclude',
  'retract',
  'godebug',
  'tool',
  'ignore',
]);

/**
 * Parses a go.mod: `require` lines become Go packages (`// indirect` → transitive), `replace`
 * directives are applied (a replacement by a local path drops the module with an issue), and the
 * `toolchain` (else a full `go` x.y.z version) becomes the `stdlib` package.
 */
export function parseGoMod(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: GO_MOD_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const reqs: Req[] = [];
  const replaces: Replace[] = [];
  let goVersion: { v: string; line: number } | undefined;
  let toolchain: { v: string; line: number } | undefined;
  let block: string | undefined;
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const { tokens, comment } = tokenize(lines[i]!);
    if (tokens.length === 0) continue;
    let verb: string;
    let args: string[];
    if (block !== undefined) {
      if (tokens[0] === ')') {
        block = undefined;
        continue;
      }
      verb = block;
      args = tokens;
    } else {
      verb = tokens[0]!;
      if (!VERBS.has(verb)) {
        sink.issue('parse-error', `unknown directive "${verb.slice(0, 60)}"`, lineNo);
        continue;
      }
      args = tokens.slice(1);
      if (args.length === 1 && args[0] === '(') {
        block = verb;
        continue;
      }
      if (args[0] === '(') {
        sink.issue('parse-error', `"${verb} (" must end its line`, lineNo);
        continue;
      }
    }
    if (verb === 'require') {
      if (args.length !== 2) {
        sink.issue('parse-error', 'require needs a module path and a version', lineNo);
        continue;
      }
      const indirect = /(^|;)\s*indirect\s*(;|$)/.test(comment);
      reqs.push({ path: args[0]!, version: args[1]!, line: lineNo, indirect });
    } else if (verb === 'replace') {
      const arrow = args.indexOf('=>');
      if (arrow < 1 || arrow > 2 || args.length - arrow - 1 < 1 || args.length - arrow - 1 > 2) {
        sink.issue('parse-error', 'malformed replace directive', lineNo);
        continue;
      }
      const r: Replace = { oldPath: args[0]!, newPath: args[arrow + 1]!, line: lineNo };
      if (arrow === 2) r.oldVersion = args[1]!;
      if (args.length - arrow - 1 === 2) r.newVersion = args[arrow + 2]!;
      replaces.push(r);
    } else if (verb === 'go' && args[0] !== undefined) {
      goVersion = { v: args[0], line: lineNo };
    } else if (verb === 'toolchain' && args[0] !== undefined) {
      toolchain = { v: args[0], line: lineNo };
    }
  }
  if (block !== undefined) sink.issue('truncated', `unclosed "${block} (" block`);

  // cmd/go rejects two replacements of the same module (version): report it, keep the first
  const exact = new Map<string, Replace>();
  const wide = new Map<string, Replace>();
  for (const x of replaces) {
    const [map, key] =
      x.oldVersion === undefined ? [wide, x.oldPath] : [exact, `${x.oldPath}@${x.oldVersion}`];
    if (map.has(key))
      sink.issue('duplicate', `second replace for ${key.slice(0, 200)}; the first one is used`, x.line);
    else map.set(key, x);
  }
  for (const r of reqs) {
    // exact-version replacements win over path-wide ones (Go's rule)
    const rep = exact.get(`${r.path}@${r.version}`) ?? wide.get(r.path);
    let path = r.path;
    let version = r.version;
    if (rep) {
      if (rep.newVersion === undefined) {
        sink.issue(
          'unsupported',
          `${r.path}@${r.version} is replaced by local path "${rep.newPath.slice(0, 200)}"; not reported`,
          rep.line,
        );
        continue;
      }
      path = rep.newPath;
      version = rep.newVersion;
    }
    sink.add({ ecosystem: 'Go', name: path, version, line: r.line, direct: !r.indirect });
  }
  const tc = toolchain ? /^go(\d+\.\d+(?:\.\d+)?(?:(?:rc|beta)\d+)?)/.exec(toolchain.v)?.[1] : undefined;
  if (toolchain && tc) sink.add({ ecosystem: 'Go', name: 'stdlib', version: tc, line: toolchain.line });
  else if (goVersion && /^\d+\.\d+\.\d+$/.test(goVersion.v))
    sink.add({ ecosystem: 'Go', name: 'stdlib', version: goVersion.v, line: goVersion.line });
  return sink.result();
}
