/** `reporters/jsonl`: one finding per line (for log pipelines); `--timeline` gives Sigma timeline rows instead. */
import type { Reporter } from '../../core/plugin.js';

export const jsonlReporter = {
  id: 'reporters/jsonl',
  version: 1,
  description: 'JSON Lines, one finding per line',
  format: 'jsonl',
  mediaType: 'application/x-ndjson',
  render: (report) =>
    report.findings.map((f) => JSON.stringify(f)).join('\n') + (report.findings.length ? '\n' : ''),
} satisfies Reporter;
