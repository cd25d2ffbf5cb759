/**
 * Advisory text → structured intel: `extractAdvisory(text, {format})` gives the acceptance shape
 * (`products[] {name, platform, affected[], fixed[]}`, `cves[]`, `indicators[] {type, value,
 * context}`) plus review lists and a draft chainhunt intel pack (`pack`).
 */
import { analyseAdvisory, type AdvisoryDraft, type AdvisoryFormat, type ExtractOptions } from './extract.js';
import { jsonAdvisory } from './json.js';
import { draftToPack, type DraftPack } from './pack.js';

export type {
  AdvisoryDraft,
  AdvisoryFormat,
  DraftIndicator,
  DraftPlatform,
  DraftProduct,
  DraftRange,
  ExtractOptions,
} from './extract.js';
export type { DraftPack } from './pack.js';

/** Longest advisory accepted (characters); longer input is cut, with `truncated` set. */
export const MAX_ADVISORY_CHARS = 4 * 1024 * 1024;

/** The extraction result: the draft plus the draft pack. */
export interface ExtractResult extends AdvisoryDraft {
  pack: DraftPack;
  truncated?: boolean;
}

/** Extracts a draft advisory and pack from text, Markdown or HTML. Never throws. */
export function extractAdvisory(
  text: string,
  opts: { format: AdvisoryFormat | 'json'; file?: string },
): ExtractResult {
  const truncated = text.length > MAX_ADVISORY_CHARS;
  const input = truncated ? text.slice(0, MAX_ADVISORY_CHARS) : text;
  // JSON records (CVE 5, NVD, OSV): extract from their prose, keep their ids and references.
  const rec =
    opts.format === 'json' || (opts.format === 'text' && /^\s*[{[]/.test(input))
      ? jsonAdvisory(input)
      : undefined;
  const d = analyseAdvisory(rec ? rec.text : input, {
    format: opts.format === 'json' ? 'text' : opts.format,
  });
  if (rec) {
    const cves = rec.ids.filter((i) => /^CVE-\d{4}-\d{4,}$/i.test(i)).map((i) => i.toUpperCase());
    d.cves = [...new Set([...cves, ...d.cves])];
    d.references = [...new Set([...d.references, ...rec.references])];
  }
  const out: ExtractResult = { ...d, pack: draftToPack(d, opts.file ?? 'advisory') };
  if (truncated) out.truncated = true;
  return out;
}

/** Format from a file name: `.md`/`.markdown` → markdown, `.html`/`.htm` → html, else text. */
export function formatFromName(name: string): ExtractOptions['format'] | 'json' {
  const l = name.toLowerCase();
  if (l.endsWith('.json')) return 'json';
  if (l.endsWith('.md') || l.endsWith('.markdown')) return 'markdown';
  if (l.endsWith('.html') || l.endsWith('.htm') || l.endsWith('.xhtml')) return 'html';
  return 'text';
}
