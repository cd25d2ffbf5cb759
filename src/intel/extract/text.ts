/**
 * Plain text from advisory formats (text, Markdown, HTML) and its split into sentences, each with
 * its 1-based line. Linear-time (indexOf scans, no backtracking regexes over whole documents).
 */

/** A sentence (or a heading, table row or list item) with the line it starts on. */
export interface Sentence {
  text: string;
  line: number;
  /** Title-case line without final punctuation (a heading): not used to name products. */
  heading: boolean;
}

/** Marks a line that was a Markdown `#` or HTML `<hN>` heading (a private-use character). */
export const HEADING_MARK = '\uE000';

const ENTITIES: Readonly<Record<string, string>> = {
  amp: '&',
  lt: '<',
  gt: '>',
  quot: '"',
  apos: "'",
  nbsp: ' ',
  ndash: '–',
  mdash: '—',
  rsquo: '’',
  lsquo: '‘',
  rdquo: '”',
  ldquo: '“',
  hellip: '…',
};

/** Decodes the common named entities and numeric character references. */
export function decodeEntities(s: string): string {
  let out = '';
  let i = 0;
  while (i < s.length) {
    const amp = s.indexOf('&', i);
    if (amp < 0) break;
    out += s.slice(i, amp);
    const semi = s.indexOf(';', amp);
    if (semi < 0 || semi - amp > 10) {
      out += '&';
      i = amp + 1;
      continue;
    }
    const name = s.slice(amp + 1, semi);
    let rep: string | undefined;
    if (name.startsWith('#x') || name.startsWith('#X')) {
      const n = Number.parseInt(name.slice(2), 16);
      if (Number.isFinite(n) && n > 0 && n < 0x110000) rep = String.fromCodePoint(n);
    } else if (name.startsWith('#')) {
      const n = Number.parseInt(name.slice(1), 10);
      if (Number.isFinite(n) && n > 0 && n < 0x110000) rep = String.fromCodePoint(n);
    } else rep = ENTITIES[name.toLowerCase()];
    if (rep === undefined) {
      out += '&';
      i = amp + 1;
    } else {
      out += rep;
      i = semi + 1;
    }
  }
  return out + s.slice(i);
}

const BLOCK_TAGS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'table',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'blockquote',
  'section',
  'article',
  'header',
  'footer',
  'dt',
  'dd',
  'hr',
  'title',
]);

/** HTML to text: scripts, styles and comments dropped, block elements as line breaks, cells separated. */
export function htmlToText(html: string): string {
  let out = '';
  let i = 0;
  const lower = html.toLowerCase();
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      out += html.slice(i);
      break;
    }
    out += html.slice(i, lt);
    if (lower.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    const gt = html.indexOf('>', lt);
    if (gt < 0) {
      out += html.slice(lt);
      break;
    }
    const tag =
      lower
        .slice(lt + 1, gt)
        .replace(/^\//, '')
        .split(/[\s/>]/, 1)[0] ?? '';
    if ((tag === 'script' || tag === 'style') && lower[lt + 1] !== '/') {
      const end = lower.indexOf(`</${tag}`, gt);
      i = end < 0 ? html.length : html.indexOf('>', end) + 1 || html.length;
      continue;
    }
    if (/^h[1-6]$/.test(tag) && lower[lt + 1] !== '/') out += `\n${HEADING_MARK}`;
    else if (BLOCK_TAGS.has(tag)) out += '\n';
    else if (tag === 'td' || tag === 'th') out += ' | ';
    else out += '';
    i = gt + 1;
  }
  return decodeEntities(out);
}

/** Markdown to text: emphasis and code markers removed (code kept), links as `text url`, table rows kept as lines. */
export function markdownToText(md: string): string {
  const lines = md.split(/\r\n|\n|\r/);
  const out: string[] = [];
  for (let line of lines) {
    if (/^\s*(```|~~~)/.test(line)) {
      out.push('');
      continue;
    }
    if (/^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$/.test(line)) continue; // table rule
    const heading = /^\s{0,3}#{1,6}\s+/.test(line);
    line = line.replace(/^\s{0,3}#{1,6}\s+/, '').replace(/^\s*>\s?/, '');
    if (heading) line = HEADING_MARK + line;
    // [text](url) → text url ; ![alt](url) → alt url
    let s = '';
    let i = 0;
    while (i < line.length) {
      const open = line.indexOf('](', i);
      if (open < 0) break;
      const start = line.lastIndexOf('[', open);
      const close = line.indexOf(')', open + 2);
      if (start < i || close < 0) {
        s += line.slice(i, open + 2);
        i = open + 2;
        continue;
      }
      const bang = start > 0 && line[start - 1] === '!' ? 1 : 0;
      s += `${line.slice(i, start - bang)}${line.slice(start + 1, open)} ${line.slice(open + 2, close)}`;
      i = close + 1;
    }
    s += line.slice(i);
    s = s.split('**').join('').split('__').join('').split('`').join('');
    out.push(s);
  }
  return out.join('\n');
}

const ABBREVIATIONS = new Set([
  'e.g',
  'i.e',
  'etc',
  'inc',
  'ltd',
  'corp',
  'co',
  'mr',
  'mrs',
  'ms',
  'dr',
  'vs',
  'no',
  'nos',
  'fig',
  'approx',
  'jan',
  'feb',
  'mar',
  'apr',
  'jun',
  'jul',
  'aug',
  'sep',
  'sept',
  'oct',
  'nov',
  'dec',
  'st',
  'u.s',
  'ver',
  'v',
]);

function isHeading(line: string): boolean {
  if (line.startsWith(HEADING_MARK)) return true;
  const t = line.trim();
  if (t === '' || /[.!?:;,]$/.test(t)) return false;
  const words = t.split(/\s+/).filter((w) => /^[A-Za-z]/.test(w));
  if (words.length === 0 || words.length > 14) return false;
  const caps = words.filter(
    (w) =>
      /^[A-Z]/.test(w) ||
      ['a', 'an', 'the', 'of', 'on', 'in', 'for', 'to', 'and', 'or', 'into', 'with', 'by', 'at'].includes(w),
  ).length;
  return caps / words.length >= 0.75;
}

/** Whether a line stands on its own (heading, list item, table row) rather than continuing a paragraph. */
function standalone(line: string): boolean {
  const t = line.trim();
  return isHeading(t) || /^([-*+•]|\d+[.)])\s/.test(t) || t.includes('|');
}

/** Splits text into sentences with line numbers. */
export function splitSentences(text: string): Sentence[] {
  const lines = text.split(/\r\n|\n|\r/);
  const blocks: { text: string; line: number }[] = [];
  let cur: { text: string; line: number } | undefined;
  lines.forEach((raw, idx) => {
    const line = raw.replace(/\t/g, ' ').trim();
    if (line === '') {
      if (cur) blocks.push(cur);
      cur = undefined;
      return;
    }
    if (standalone(line)) {
      if (cur) blocks.push(cur);
      blocks.push({ text: line, line: idx + 1 });
      cur = undefined;
      return;
    }
    if (cur) cur.text += ` ${line}`;
    else cur = { text: line, line: idx + 1 };
  });
  if (cur) blocks.push(cur);
  const out: Sentence[] = [];
  for (const b of blocks) {
    if (isHeading(b.text)) {
      out.push({ text: b.text.replace(HEADING_MARK, '').trim(), line: b.line, heading: true });
      continue;
    }
    let start = 0;
    const t = b.text;
    for (let i = 0; i < t.length; i++) {
      const c = t[i];
      if (c !== '.' && c !== '!' && c !== '?') continue;
      const next = t[i + 1];
      if (next !== ' ') continue;
      const after = t[i + 2] ?? '';
      // "… malicious. macOS: …": camel-case names (macOS, iOS, eBay) start sentences too.
      const camel = /^[a-z]+[A-Z]/.test(t.slice(i + 2, i + 12));
      if (!/[A-Z0-9"“'(‘]/.test(after) && !camel) continue;
      if (c === '.') {
        const wordStart = t.lastIndexOf(' ', i - 1) + 1;
        const word = t
          .slice(wordStart, i)
          .toLowerCase()
          .replace(/^[("“']+/, '');
        if (ABBREVIATIONS.has(word) || /^[a-z]$/.test(word) || /^([a-z]\.)+[a-z]$/.test(word)) continue;
      }
      out.push({ text: t.slice(start, i + 1).trim(), line: b.line, heading: false });
      start = i + 2;
    }
    const rest = t.slice(start).trim();
    if (rest !== '') out.push({ text: rest, line: b.line, heading: false });
  }
  return out;
}
