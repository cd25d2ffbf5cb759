/**
 * The plugin contract shared by every family (osv-scalibr's `plugin.Plugin`): an id that is the
 * plugin's folder path under `src/`, a version bumped when behaviour changes, and a description.
 */
import type { Finding } from './finding.js';
import type { HostContext } from './host.js';
import type { IntelBundle } from './intel.js';
import type { Issue } from './issue.js';
import type { FileObservation, Observation, ObservationKind, Observed } from './observation.js';
import type { Report } from './report.js';

export interface Plugin {
  /** Folder path under src/, e.g. `collectors/windows-reg`. */
  readonly id: string;
  /** Bumped whenever behaviour changes; recorded in reports. */
  readonly version: number;
  /** One line for `chainhunt plugins` and docs. */
  readonly description: string;
}

/** A file offered to collectors and importers: cheap facts only, no content. */
export interface FileRef {
  /** Path as walked (archive members `a.zip!/x/y`), forward slashes inside archives. */
  path: string;
  /** Base name. */
  name: string;
  /** Lower-cased base name. */
  lowerName: string;
  size: number;
}

/** What the runner hands a collector: the file already read (the runner owns all I/O). */
export interface CollectorInput {
  file: FileRef;
  content: Buffer;
  host: HostContext;
  signal: AbortSignal;
}

export interface CollectorResult {
  observations: Observed[];
  issues: Issue[];
}

/**
 * Turns evidence files into observations. `matches` must be a cheap string test; `sniff` (optional)
 * looks at the first bytes of files no collector claimed by name (e.g. SBOMs under any name).
 * `collect` must never throw for bad input: it returns issues.
 */
export interface Collector extends Plugin {
  matches(file: FileRef): boolean;
  sniff?(head: Buffer, file: FileRef): boolean;
  collect(input: CollectorInput): CollectorResult | Promise<CollectorResult>;
}

/** What the runner hands an importer. */
export interface ImporterInput {
  file: FileRef;
  content: Buffer;
  signal: AbortSignal;
}

export interface ImporterResult {
  intel: IntelBundle;
  issues: Issue[];
}

/** Turns an intel file (advisory pack, IOC list, rule file) into normalised intel. */
export interface Importer extends Plugin {
  matches(file: FileRef): boolean;
  sniff?(head: Buffer, file: FileRef): boolean;
  import(input: ImporterInput): ImporterResult | Promise<ImporterResult>;
}

/** A matcher bound to one intel bundle, with its indexes built once. */
export interface PreparedMatcher {
  match(observation: Observation): Finding[];
  /** For matchers over many observations (correlations, beacons): called after the last one. */
  finish?(): Finding[];
  /** Problems found while preparing (e.g. unsupported rule constructs). */
  issues?: Issue[];
  /**
   * Optional content hook (docs/decisions/0007-content-scanners.md): called by the runner once per
   * file whose bytes are in memory (within `--max-file-size`), after the file's `file` observation
   * was matched. For matchers that need the bytes (YARA, PE anomalies). May be async (e.g. a scan
   * on another thread); the runner keeps a few files in flight.
   */
  matchContent?(
    file: FileObservation,
    content: Buffer,
    threadResult?: unknown,
  ): ContentMatchResult | Promise<ContentMatchResult>;
  /**
   * Optional: content work the runner may do on its read threads, right after a file is read and
   * hashed there (docs/decisions/0010-content-scan-on-read-threads.md). What the thread's
   * {@link ThreadScanner.scan} returned for a file is passed to `matchContent` as `threadResult`;
   * without it (no read threads), `matchContent` does the work itself.
   */
  threadScan?: ThreadScanSpec;
  /**
   * Optional: called once by the runner after the last file, before `finish` and before `issues`
   * is read. Releases resources (worker threads) and may append late issues to `issues`.
   */
  close?(): void | Promise<void>;
}

/** How to build a {@link ThreadScanner} on each read thread. */
export interface ThreadScanSpec {
  /** URL of an ES module exporting `createThreadScanner(init: unknown): ThreadScanner`. */
  module: string;
  /** Structured-cloneable data handed to `createThreadScanner` on every thread. */
  init: unknown;
  /** Called once with the first thread's {@link ThreadScanner.info} (e.g. compile issues). */
  onReady?(info: unknown): void;
}

/** Per-thread content work (e.g. compiled YARA rules): results must be structured-cloneable. */
export interface ThreadScanner {
  /** What building it reported (sent once to {@link ThreadScanSpec.onReady}). */
  info: unknown;
  /**
   * Works on one file's bytes; `path` is the file's path as walked. Should report failures in its
   * result: a scan that throws leaves no result, and `matchContent` then does the work itself.
   */
  scan(content: Buffer, path: string): unknown;
}

/** What {@link PreparedMatcher.matchContent} returns for one file. */
export interface ContentMatchResult {
  findings: Finding[];
  /** Problems with this file's content (e.g. a truncated PE). */
  issues: Issue[];
}

/** Judges observations against intel. */
export interface Matcher extends Plugin {
  accepts: readonly ObservationKind[];
  /** Builds indexes over the intel; returns null when there is nothing to match with. */
  prepare(intel: IntelBundle): PreparedMatcher | null;
}

/** Renders a report. */
export interface Reporter extends Plugin {
  format: string;
  mediaType: string;
  render(report: Report, options: ReporterOptions): string;
}

export interface ReporterOptions {
  color: boolean;
}

export type PluginKind = 'collector' | 'importer' | 'matcher' | 'reporter';

/** Per-plugin outcome of a run (scalibr's Status). */
export interface PluginStatus {
  id: string;
  kind: PluginKind;
  version: number;
  status: 'ok' | 'partial' | 'failed';
  /** Files (or observations, for matchers) handled. */
  handled: number;
  /** Number of issues it raised (details in the report's `issues`). */
  issues: number;
}
