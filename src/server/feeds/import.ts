/**
 * A ready-made parse step for hosts implementing {@link ImportIntel}: a feed document → the intel
 * bundle of the matching importer (OSV, MISP, STIX), with its issues. The host stores the bundle
 * (tenant, source record) and reports the counts.
 */
import type { IntelBundle } from '../../core/intel.js';
import type { Issue } from '../../core/issue.js';
import type { Importer } from '../../core/plugin.js';
import { mispImporter } from '../../intel/misp/index.js';
import { osvImporter } from '../../intel/osv/index.js';
import { stixImporter } from '../../intel/stix/index.js';
import type { FeedDocument, FeedItemFormat, ImportCounts } from './types.js';

const IMPORTERS: Record<FeedItemFormat, Importer> = {
  osv: osvImporter,
  misp: mispImporter,
  stix: stixImporter,
};

/** Parses a feed document with its format's importer. */
export async function parseFeedDocument(
  doc: FeedDocument,
  signal: AbortSignal = new AbortController().signal,
): Promise<{ intel: IntelBundle; issues: Issue[] }> {
  const name = doc.name.split('/').pop() ?? doc.name;
  const content = Buffer.from(doc.content.buffer, doc.content.byteOffset, doc.content.byteLength);
  const r = await IMPORTERS[doc.format].import({
    file: { path: doc.name, name, lowerName: name.toLowerCase(), size: content.length },
    content,
    signal,
  });
  return { intel: r.intel, issues: r.issues };
}

/** Counts of a parsed bundle, as {@link ImportIntel} reports them. */
export function countsOf(r: { intel: IntelBundle; issues: Issue[] }): ImportCounts {
  return {
    advisories: r.intel.advisories.length,
    indicators: r.intel.indicators.length,
    rules: r.intel.rules.length,
    issues: r.issues,
  };
}
