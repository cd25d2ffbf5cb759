/**
 * Test helper: crafts a harmless file that satisfies a simple YARA rule, from the rule's own
 * strings and condition (text strings with ascii/wide, hex strings with wildcards, jumps and
 * alternatives; a magic header from `uint16(0) ==`/`uint32(0) ==`; a PE built by build-pe when the
 * condition uses the `pe` module). `$fp*` strings are left out. Trusted input only (our test rules).
 */
import { buildPe } from '../../../pe/__fixtures__/build-pe.js';

export interface RuleText {
  name: string;
  strings: { id: string; bytes: Buffer }[];
  condition: string;
}

/** Removes comments, leaving text strings intact (a comment opener inside a text string is text). */
function stripComments(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, j + 1);
      i = j;
    } else if (c === '/' && s[i + 1] === '*') {
      const j = s.indexOf('*/', i + 2);
      i = j < 0 ? s.length : j + 1;
    } else if (c === '/' && s[i + 1] === '/') {
      const j = s.indexOf('\n', i);
      i = j < 0 ? s.length : j - 1;
    } else out += c;
  }
  return out;
}

function textBytes(body: string, mods: string): Buffer {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const n = body[++i]!;
    if (n === 'x') {
      out += String.fromCharCode(parseInt(body.slice(i + 1, i + 3), 16));
      i += 2;
    } else out += { n: '\n', t: '\t', r: '\r' }[n] ?? n;
  }
  const ascii = Buffer.from(out, 'latin1');
  return /\bwide\b/.test(mods) && !/\bascii\b/.test(mods) ? Buffer.from(out, 'utf16le') : ascii;
}

function hexBytes(body: string): Buffer {
  let s = body;
  for (let k = 0; k < 10 && /\(/.test(s); k++) s = s.replace(/\(([^|()]*)\|[^()]*\)/g, '$1');
  const bytes: number[] = [];
  for (const tok of s.replace(/\[/g, ' [').replace(/\]/g, '] ').split(/\s+/).filter(Boolean)) {
    const jump = /^\[(\d+)(?:-\d*)?\]$/.exec(tok);
    if (jump) {
      for (let i = 0; i < Number(jump[1]); i++) bytes.push(0);
      continue;
    }
    for (let i = 0; i + 1 < tok.length; i += 2) bytes.push(parseInt(tok.slice(i, i + 2).replace(/\?/g, '0'), 16));
  }
  return Buffer.from(bytes);
}

/** Splits rule source into rules with their strings and condition (simple rules only). */
export function readRules(source: string): RuleText[] {
  const src = stripComments(source);
  const out: RuleText[] = [];
  const re = /\brule\s+(\w+)[^{]*\{([\s\S]*?)\n\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(src))) {
    const body = m[2]!;
    const ci = body.search(/\bcondition\s*:/);
    const si = body.search(/\bstrings\s*:/);
    const condition = body.slice(ci).replace(/^condition\s*:/, '').trim();
    const strings: RuleText['strings'] = [];
    if (si >= 0) {
      const sec = body.slice(si, ci);
      const sre = /(\$\w*)\s*=\s*("(?:[^"\\]|\\.)*"|\{[^}]*\})([^\n$]*)/g;
      let sm: RegExpExecArray | null;
      while ((sm = sre.exec(sec))) {
        const v = sm[2]!;
        strings.push({ id: sm[1]!, bytes: v.startsWith('"') ? textBytes(v.slice(1, -1), sm[3] ?? '') : hexBytes(v.slice(1, -1)) });
      }
    }
    out.push({ name: m[1]!, strings, condition });
  }
  return out;
}

/**
 * A file (name and bytes) meant to satisfy the rule. Non-PE files are padded to `minSize` so that
 * ranges like `in (filesize-20000..filesize)` start at a real offset, as in the rules' real targets.
 */
export function craftFor(rule: RuleText, minSize = 32 * 1024): { name: string; content: Buffer } {
  const blob = Buffer.concat(rule.strings.filter((s) => !s.id.startsWith('$fp')).flatMap((s) => [Buffer.from([0, 0x20]), s.bytes, Buffer.from([0x20, 0])]));
  const ext = /extension\s*==\s*"([^"]+)"/.exec(rule.condition)?.[1] ?? '.bin';
  const name = `${rule.name}${ext}`;
  if (/\bpe\./.test(rule.condition)) {
    const ts = /pe\.timestamp\s*>\s*(\d+)/.exec(rule.condition);
    return { name, content: buildPe({ text: blob, dll: /pe\.DLL/.test(rule.condition), ...(ts ? { timestamp: Number(ts[1]) + 1 } : {}) }).image };
  }
  const magic = /uint(16|32)\(0\)\s*==\s*0x([0-9a-fA-F]+)/.exec(rule.condition);
  let head = Buffer.alloc(0);
  if (magic) {
    head = Buffer.alloc(Number(magic[1]) / 8);
    if (magic[1] === '16') head.writeUInt16LE(parseInt(magic[2]!, 16));
    else head.writeUInt32LE(parseInt(magic[2]!, 16));
  }
  return { name, content: Buffer.concat([head, Buffer.alloc(Math.max(64, minSize - head.length - blob.length)), blob]) };
}
