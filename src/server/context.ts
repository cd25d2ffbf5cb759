/** What route handlers and job processors share. */
import type { EvidenceService } from './services/evidence.js';
import type { IntelService } from './services/intel.js';
import type { StateStore } from './state/store.js';
import type { Job } from './state/types.js';
import type { StagedDelivery } from './services/notify.js';
import type { SqlRunner } from './state/sql.js';
import type { ServerEventLike } from './webhooks/events.js';

/** Limits on uploaded bundles. */
export interface UploadLimits {
  /** Largest upload accepted (bytes on the wire). */
  maxUploadBytes: number;
  /** Most bytes an archive may expand to. */
  maxExpandedBytes: number;
  /** Most entries in one archive. */
  maxEntries: number;
  /** Largest expansion ratio (expanded / compressed) accepted for archives over 1 MiB expanded. */
  maxRatio: number;
}

export const DEFAULT_UPLOAD_LIMITS: UploadLimits = {
  maxUploadBytes: 512 * 1024 * 1024,
  maxExpandedBytes: 4 * 1024 * 1024 * 1024,
  maxEntries: 100_000,
  maxRatio: 200,
};

/** Events for notifications (webhooks): the shape the webhook module turns into deliveries. */
export type ServerEvent = ServerEventLike;

/** Where jobs go: run here, or through NATS JetStream to workers. */
export interface JobQueue {
  readonly kind: 'in-process' | 'nats';
  /** A job row was committed in the state store; have it run. */
  submit(job: Job): Promise<void>;
  /** Starts consuming (after restart recovery). */
  start(): Promise<void>;
  close(): Promise<void>;
}

export interface ServerContext {
  dataDir: string;
  state: StateStore;
  evidence: EvidenceService;
  intel: IntelService;
  queue: JobQueue;
  limits: UploadLimits;
  now: () => string;
  /**
   * The events of a change, in two steps. `stage` runs inside the change's transaction and writes
   * the webhook deliveries to the outbox there, so they commit with the change or not at all.
   * `publish`, after the commit, starts those deliveries and tells the other listeners.
   */
  events: {
    stage(events: readonly ServerEvent[], q: SqlRunner): Promise<StagedEvents>;
    publish(staged: StagedEvents): void;
  };
}

/** What {@link ServerContext.events} staged in a transaction, to publish after the commit. */
export interface StagedEvents {
  events: readonly ServerEvent[];
  deliveries: readonly StagedDelivery[];
}
