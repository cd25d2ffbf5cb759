/** `reporters/json`: the report model as JSON (schemas/report.schema.json). */
import type { Reporter } from '../../core/plugin.js';

export const jsonReporter = {
  id: 'reporters/json',
  version: 1,
  description: 'Versioned JSON report (schemas/report.schema.json)',
  format: 'json',
  mediaType: 'application/json',
  render: (report) => `${JSON.stringify(report, null, 2)}\n`,
} satisfies Reporter;
