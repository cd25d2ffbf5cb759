/** Collector for Windows event logs: `.evtx` files, evtx_dump JSON and Windows XML event exports. */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { collectEvents, EVTX_COLLECTOR_ID, sniffEventFile } from './parse.js';

/**
 * Windows event log collector: one `log-event` observation per record, the event in evtx_dump
 * JSON layout. `.evtx` files are claimed by name; JSON and XML exports only by content sniffing.
 */
export const evtxCollector = {
  id: EVTX_COLLECTOR_ID,
  version: 1,
  description: 'Windows event logs: .evtx, evtx_dump JSON (JSONL or concatenated), Windows XML event exports',
  matches(file: FileRef): boolean {
    return file.lowerName.endsWith('.evtx');
  },
  sniff(head: Buffer, _file?: FileRef): boolean {
    return sniffEventFile(head) !== null;
  },
  collect(input: CollectorInput): CollectorResult {
    return collectEvents(input.content, input.file.path, input.signal);
  },
} satisfies Collector;
