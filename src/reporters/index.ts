/** The reporter registry. */
import type { Reporter } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';
import { csvReporter } from './csv/index.js';
import { cyclonedxReporter } from './cyclonedx/index.js';
import { htmlReporter } from './html/index.js';
import { jsonReporter } from './json/index.js';
import { jsonlReporter } from './jsonl/index.js';
import { mispReporter } from './misp/index.js';
import { sarifReporter } from './sarif/index.js';
import { stixReporter } from './stix/index.js';
import { tableReporter } from './table/index.js';

export const reporters: readonly Reporter[] = defineRegistry<Reporter>('reporter', [
  tableReporter,
  jsonReporter,
  sarifReporter,
  csvReporter,
  jsonlReporter,
  cyclonedxReporter,
  stixReporter,
  mispReporter,
  htmlReporter,
]);

/** The reporter for a format name, or undefined. */
export function reporterFor(format: string): Reporter | undefined {
  return reporters.find((r) => r.format === format);
}
