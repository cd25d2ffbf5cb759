/**
 * Advisory text → structured intel: `extractAdvisory(text, {format})` gives the acceptance shape
 * (`products[] {name, platform, affected[], fixed[]}`, `cves[]`, `indicators[] {type, value,
 * context}`) plus review lists and a draft chainhunt intel pack (`pack`).
 */
import { analyseAdvisory, type AdvisoryDraft, type ExtractOptions } from './extract.js';
import { draftToPack, type DraftPack } from './pack.js';

export type { AdvisoryDraft, AdvisoryFormat, DraftIndicator, DraftPlatform, DraftProduct, DraftRange, ExtractOptions } from './extract.js';
export type { DraftPack } from './pack.js';

/** Longest advisory accepted (characters); longer input is cut, with `truncated` set. */
export const MAX_ADVISORY_CHARS = 4 * 1024 * 1024;

/** The extraction result: the draft plus the draft pack. */
export interface ExtractResult extends AdvisoryDraft {
  pack: DraftPack;
  truncated?: boolean;
}

/** Extracts a draft advisory and pack from text, Markdown or HTML. Never throws. */
export function extractAdvisory(text: string, opts: ExtractOptions & { file?: string }): ExtractResult {
  const truncated = text.length > MAX_ADVISORY_CHARS;
  const d = analyseAdvisory(truncated ? text.slice(0, MAX_ADVISORY_CHARS) : text, opts);
  const out: ExtractResult = { ...d, pack: draftToPack(d, opts.file ?? 'advisory') };
  if (truncated) out.truncated = true;
  return out;
}

/** Format from a file name: `.md`/`.markdown` → markdown, `.html`/`.htm` → html, else text. */
export function formatFromName(name: string): ExtractOptions['format'] {
  const l = name.toLowerCase();
  if (l.endsWith('.md') || l.endsWith('.markdown')) return 'markdown';
  if (l.endsWith('.html') || l.endsWith('.htm') || l.endsWith('.xhtml')) return 'html';
  return 'text';
}
