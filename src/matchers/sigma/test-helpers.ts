/**
 * Test-only helpers: split the pretty-printed, concatenated JSON objects of SigmaHQ regression
 * `.json` files (not a JSON array) into events, and wrap them as log-event observations.
 * Used until the evtx_dump JSON reader (src/logs/evtx-json) lands.
 */
import type { LogEventObservation } from '../../core/observation.js';

/** Splits concatenated JSON objects by brace depth (string-aware). */
export function splitConcatenatedJson(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  let depth = 0;
  let start = -1;
  let inStr = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inStr) {
      if (c === '\\') i++;
      else if (c === '"') inStr = false;
      continue;
    }
    if (c === '"') inStr = true;
    else if (c === '{') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === '}') {
      depth--;
      if (depth === 0 && start >= 0) {
        out.push(JSON.parse(text.slice(start, i + 1)) as Record<string, unknown>);
        start = -1;
      }
    }
  }
  return out;
}

/** Wraps an evtx_dump JSON event as a log-event observation. */
export function observationOf(
  event: Record<string, unknown>,
  file: string,
  index: number,
  host = 'test-host',
): LogEventObservation {
  return { kind: 'log-event', host, collectorId: 'test', source: { file, offset: index }, event };
}
