/**
 * Collector for generic CSV / JSONL DNS and proxy logs through field mappings (data in
 * mappings.json; custom sets via {@link netCsvCollectorWith}).
 */
import type { Collector, CollectorResult, FileRef } from '../../core/plugin.js';
import { decodeLogBuffer } from '../../logs/zeek/read.js';
import builtIn from './mappings.json' with { type: 'json' };
import { loadMappings, mappingsForPath, parseNetLog } from './parse.js';
import type { FieldMapping } from './schema.js';

const ID = 'collectors/net-csv';

/** The built-in mappings, validated at load (a broken data file fails every test run). */
export const BUILTIN_MAPPINGS: readonly FieldMapping[] = (() => {
  const r = loadMappings(builtIn, 'collectors/net-csv/mappings.json');
  if (r.issues.length > 0)
    throw new Error(`built-in net-csv mappings invalid: ${r.issues.map((i) => i.message).join('; ')}`);
  return r.mappings;
})();

/** A collector over a given set of mappings (e.g. a customer's own proxy export format). */
export function netCsvCollectorWith(mappings: readonly FieldMapping[]): Collector {
  return {
    id: ID,
    version: 1,
    description: 'Generic CSV/JSONL DNS and proxy logs through field mappings',
    matches(file: FileRef): boolean {
      return mappingsForPath(mappings, file.path).length > 0;
    },
    collect(input): CollectorResult {
      const { text, issues } = decodeLogBuffer(input.content, input.file.path, { pluginId: ID });
      const r = parseNetLog(text, input.file.path, mappingsForPath(mappings, input.file.path));
      return { observations: r.observations, issues: [...issues, ...r.issues] };
    },
  };
}

/** Generic CSV/JSONL DNS and proxy logs with the built-in mappings. */
export const netCsvCollector = netCsvCollectorWith(BUILTIN_MAPPINGS) satisfies Collector;
