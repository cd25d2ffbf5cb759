/** Records of the server's state store. */

export const ROLES = ['viewer', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/**
 * What a token may do: `upload` posts bundles only; `read` reads one tenant; `automation` acts as
 * an analyst of one tenant; `worker` (no tenant) fetches and completes queued jobs.
 */
export const TOKEN_PURPOSES = ['upload', 'read', 'automation', 'worker'] as const;
export type TokenPurpose = (typeof TOKEN_PURPOSES)[number];

export const CASE_STATES = ['open', 'contained', 'remediated', 'verified_clean', 'false_positive'] as const;
export type CaseState = (typeof CASE_STATES)[number];

export const JOB_STATES = ['queued', 'running', 'done', 'failed'] as const;
export type JobState = (typeof JOB_STATES)[number];
export type JobType = 'ingest' | 'hunt';

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export interface User {
  id: string;
  username: string;
  operator: boolean;
  disabled: boolean;
  createdAt: string;
  roles: Record<string, Role>;
}

export interface TokenRecord {
  id: string;
  tenant: string | null;
  purpose: TokenPurpose;
  name: string;
  createdBy: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor: string;
  tenant: string | null;
  action: string;
  target: string | null;
  ip: string | null;
  detail: unknown;
}

export interface Job {
  id: string;
  tenant: string | null;
  type: JobType;
  state: JobState;
  payload: Record<string, unknown>;
  progress: { done: number; total: number; message: string } | null;
  result: Record<string, unknown> | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
}

export interface Upload {
  id: string;
  tenant: string;
  sha256: string;
  size: number;
  filename: string | null;
  path: string;
  uploadedAt: string;
  uploadedBy: string;
  jobId: string;
}

export interface HostRecord {
  tenant: string;
  host: string;
  hostname: string | null;
  os: string | null;
  lastBundleId: string | null;
  lastIngestId: string | null;
  lastCollectedAt: string | null;
  lastKinds: Record<string, number>;
  bundles: number;
}

export interface HostBundle {
  tenant: string;
  host: string;
  bundleId: string;
  ingestId: string;
  collectedAt: string;
  ingestedAt: string;
  kinds: Record<string, number>;
  uploadId: string | null;
}

export interface StoredFinding {
  tenant: string;
  id: string;
  host: string;
  kind: string;
  severity: string;
  title: string;
  caseKey: string;
  firstSeen: string;
  lastSeen: string;
  finding: Record<string, unknown>;
}

export interface Case {
  id: string;
  tenant: string;
  host: string;
  key: string;
  title: string;
  severity: string;
  /** What evidence can show the host clean again: `app`, `package`, `file`, `network`, `event`. */
  kind: string;
  state: CaseState;
  openedAt: string;
  updatedAt: string;
  containedAt: string | null;
  remediatedAt: string | null;
  verifiedAt: string | null;
  lastEvidenceAt: string;
  lastBundleId: string | null;
  detail: Record<string, unknown>;
}

export interface CaseEvent {
  id: number;
  caseId: string;
  tenant: string;
  at: string;
  actor: string;
  from: CaseState | null;
  to: CaseState;
  reason: string;
  evidence: unknown;
}

export interface IntelSource {
  id: string;
  tenant: string | null;
  name: string;
  sha256: string;
  size: number;
  path: string;
  importedAt: string;
  importedBy: string;
  counts: Record<string, number> | null;
}

export interface FeedRecord {
  id: string;
  tenant: string | null;
  config: Record<string, unknown>;
  state: Record<string, unknown>;
  createdAt: string;
  createdBy: string;
}

export interface Review {
  id: string;
  tenant: string | null;
  source: string;
  title: string;
  link: string | null;
  text: string;
  draft: Record<string, unknown>;
  state: 'pending' | 'published' | 'dismissed';
  createdAt: string;
  decidedBy: string | null;
  decidedAt: string | null;
}

export interface Webhook {
  id: string;
  tenant: string;
  url: string;
  secret: string;
  events: string[];
  createdAt: string;
  createdBy: string;
}

/** A webhook's delivery state: what waits in the outbox, and how the latest attempt went. */
export interface WebhookStatus {
  pending: number;
  last: { status: string; at: string; httpStatus: number | null; error: string | null } | null;
}

/** A webhook delivery not yet delivered or given up on (the durable side of the dispatcher). */
export interface OutboxDelivery {
  deliveryId: string;
  tenant: string;
  webhookId: string;
  /** The event payload, as sent. */
  event: unknown;
  /** Attempts made so far. */
  attempts: number;
  createdAt: string;
}
