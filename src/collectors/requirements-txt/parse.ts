/** Pure parser for pip requirements files (`requirements*.txt`). */
import type { CollectorResult } from '../../core/plugin.js';
import { decodeInput, PackageSink } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const REQUIREMENTS_TXT_ID = 'collectors/requirements-txt';

/** One requirement line after continuation joining. */
export interface LogicalLine {
  text: string;
  /** 1-based line where it starts. */
  line: number;
}

/** Joins backslash continuations and strips `#` comments (pip: `#` at start or after whitespace). */
export function logicalLines(text: string): LogicalLine[] {
  const raw = text.split(/\r\n|\n|\r/);
  const out: LogicalLine[] = [];
  let buf = '';
  let start = 0;
  for (let i = 0; i < raw.length; i++) {
    let l = raw[i]!;
    if (buf === '') start = i + 1;
    const c = commentStart(l);
    if (c !== -1) l = l.slice(0, c);
    if (l.endsWith('\\')) {
      buf += l.slice(0, -1) + ' ';
      continue;
    }
    buf += l;
    if (buf.trim() !== '') out.push({ text: buf.trim(), line: start });
    buf = '';
  }
  if (buf.trim() !== '') out.push({ text: buf.trim(), line: start });
  return out;
}

function commentStart(l: string): number {
  for (let i = l.indexOf('#'); i !== -1; i = l.indexOf('#', i + 1)) {
    if (i === 0 || l[i - 1] === ' ' || l[i - 1] === '\t') return i;
  }
  return -1;
}

/**
 * Where an included file lives: `arg` resolved against the including file's directory
 * (forward slashes; an archive member's `a.zip!` prefix is never popped). URLs and absolute paths
 * are returned as given; undefined for an empty argument.
 */
export function resolveInclude(file: string, arg: string): string | undefined {
  const a = arg.trim();
  if (a === '') return undefined;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(a) || a.startsWith('/') || /^[A-Za-z]:[\\/]/.test(a)) return a;
  const f = file.replace(/\\/g, '/');
  const parts = f.includes('/') ? f.slice(0, f.lastIndexOf('/')).split('/') : [];
  for (const seg of a.replace(/\\/g, '/').split('/')) {
    if (seg === '' || seg === '.') continue;
    const last = parts[parts.length - 1];
    if (seg === '..' && last !== undefined && last !== '' && last !== '..' && !last.endsWith('!'))
      parts.pop();
    else parts.push(seg);
  }
  return parts.join('/');
}

/** Options that may stand on a line of their own and do not name packages. */
const GLOBAL_OPTIONS = new Set([
  '-i',
  '--index-url',
  '--extra-index-url',
  '--no-index',
  '-f',
  '--find-links',
  '--no-binary',
  '--only-binary',
  '--prefer-binary',
  '--require-hashes',
  '--pre',
  '--trusted-host',
  '--use-feature',
  '-Z',
  '--always-unzip',
  '--config-settings',
  '-C',
  '--global-option',
  '--hash',
]);

const INCLUDE_OPTIONS: Record<string, string> = {
  '-r': 'requirements',
  '--requirement': 'requirements',
  '-c': 'constraints',
  '--constraint': 'constraints',
};

const NAME = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/;
const SPEC = /^(===|==|~=|!=|<=|>=|<|>)\s*([^\s,;]*)/;
const VERSION_CHARS = /^[A-Za-z0-9.*+!_-]+$/;

/** Result of reading one requirement specifier (name, extras, versions), without options. */
export interface Requirement {
  name: string;
  extras: string[];
  specs: { op: string; version: string }[];
  marker?: string;
  url?: string;
}

/** Parses a PEP 508 requirement (without pip options). Returns an error string when malformed. */
export function parseRequirement(s: string): Requirement | string {
  let rest = s.trim();
  const nm = NAME.exec(rest);
  if (!nm) return 'no project name';
  const req: Requirement = { name: nm[1]!, extras: [], specs: [] };
  rest = rest.slice(nm[0].length).trimStart();
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close === -1) return 'unclosed extras bracket';
    req.extras = rest
      .slice(1, close)
      .split(',')
      .map((x) => x.trim())
      .filter((x) => x !== '');
    rest = rest.slice(close + 1).trimStart();
  }
  if (rest.startsWith('@')) {
    const m = /^@\s*(\S+)(?:\s+;\s*(.*))?\s*$/.exec(rest);
    if (!m) return 'malformed URL requirement';
    req.url = m[1]!;
    if (m[2] !== undefined) req.marker = m[2];
    return req;
  }
  const semi = rest.indexOf(';');
  if (semi !== -1) {
    req.marker = rest.slice(semi + 1).trim();
    rest = rest.slice(0, semi).trim();
  }
  if (rest.startsWith('(') && rest.endsWith(')')) rest = rest.slice(1, -1).trim();
  while (rest !== '') {
    const m = SPEC.exec(rest);
    if (!m) return `unexpected text "${rest.slice(0, 40)}"`;
    const version = m[2]!;
    if (version === '') return `operator ${m[1]} without a version`;
    if (!VERSION_CHARS.test(version)) return `malformed version "${version.slice(0, 40)}"`;
    req.specs.push({ op: m[1]!, version });
    rest = rest.slice(m[0].length).trimStart();
    if (rest.startsWith(',')) {
      rest = rest.slice(1).trimStart();
      if (rest === '') return 'trailing comma';
    } else if (rest !== '') return `unexpected text "${rest.slice(0, 40)}"`;
  }
  return req;
}

/** The exact version a requirement pins (`==X` without wildcard, or `===X`), if any. */
export function pinnedVersion(r: Requirement): string | undefined {
  for (const s of r.specs) {
    if (s.op === '===' || (s.op === '==' && !s.version.includes('*'))) return s.version;
  }
  return undefined;
}

/**
 * Parses a requirements file. Exact pins become PyPI packages. Includes (`-r`, `-c`) are reported
 * as issues naming the included file (each file is read on its own). Unpinned, editable, URL and
 * path requirements are reported as `unsupported` issues, never guessed.
 */
export function parseRequirementsTxt(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: REQUIREMENTS_TXT_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  for (const { text: l, line } of logicalLines(text)) {
    if (l.startsWith('-')) {
      const m = /^(-{1,2}[A-Za-z][A-Za-z-]*)(?:[=\s]\s*(.*))?$/.exec(l);
      const opt = m?.[1] ?? l;
      const arg = (m?.[2] ?? '').trim();
      const inc = INCLUDE_OPTIONS[opt];
      if (inc !== undefined) {
        if (arg === '') sink.issue('parse-error', `${opt} without a file name`, line);
        else
          sink.issue(
            'unsupported',
            `includes ${inc} file "${arg.slice(0, 200)}" (${opt}), i.e. ${(resolveInclude(file, arg) ?? arg).slice(0, 300)}; it is read as its own file when present in the evidence`,
            line,
          );
        continue;
      }
      if (opt === '-e' || opt === '--editable') {
        sink.issue(
          'unsupported',
          `editable requirement "${arg.slice(0, 200)}" has no pinned version; not reported`,
          line,
        );
        continue;
      }
      if (GLOBAL_OPTIONS.has(opt)) continue;
      sink.issue('parse-error', `unknown option "${opt.slice(0, 60)}"`, line);
      continue;
    }
    // per-requirement options start at the first whitespace-preceded dash
    const optAt = /\s-{1,2}[A-Za-z]/.exec(l);
    const reqText = optAt ? l.slice(0, optAt.index) : l;
    if (
      /^(?:[a-z][a-z0-9+.-]*:\/\/|file:|\.{0,2}\/|[A-Za-z]:\\)/i.test(reqText) ||
      /\.(?:whl|zip|tar\.gz|tgz|tar\.bz2)$/i.test(reqText)
    ) {
      sink.issue(
        'unsupported',
        `URL or path requirement "${reqText.slice(0, 200)}" has no pinned version; not reported`,
        line,
      );
      continue;
    }
    const req = parseRequirement(reqText);
    if (typeof req === 'string') {
      sink.issue('parse-error', `requirement "${reqText.slice(0, 120)}": ${req}`, line);
      continue;
    }
    if (req.url !== undefined) {
      sink.issue(
        'unsupported',
        `${req.name}: URL requirement (${req.url.slice(0, 200)}) has no pinned version; not reported`,
        line,
      );
      continue;
    }
    const version = pinnedVersion(req);
    if (version === undefined) {
      const spec = req.specs.map((s) => s.op + s.version).join(',') || 'any version';
      sink.issue('unsupported', `${req.name}: not pinned (${spec}); not reported`, line);
      continue;
    }
    sink.add({ ecosystem: 'PyPI', name: req.name, version, line });
  }
  return sink.result();
}
