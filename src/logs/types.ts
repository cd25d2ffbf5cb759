/**
 * Log readers turn one log file into events in the evtx_dump JSON layout
 * (`{ Event: { System, EventData | UserData } }`), reporting problems as issues.
 */
import type { Issue } from '../core/issue.js';

/** One event read from a log, with where it was found. */
export interface LogRecord {
  /** The event in evtx_dump JSON layout. */
  event: Record<string, unknown>;
  /** 1-based line of the event's start (text formats). */
  line?: number;
  /** Byte offset of the record (binary formats). */
  offset?: number;
}

/** Options every log reader accepts. */
export interface LogReadOptions {
  /** File name put on issues. */
  file?: string;
  /** Receives every problem; readers never throw for bad input. */
  onIssue?: (i: Issue) => void;
}

/** A log format reader. */
export interface LogReader {
  /** Reader id, its folder path under src/ (e.g. `logs/evtx-json`). */
  readonly id: string;
  /** True when the first bytes look like this format. */
  sniff(head: Uint8Array): boolean;
  /** Reads every event of `content`. */
  read(content: Uint8Array, options?: LogReadOptions): Iterable<LogRecord>;
}
