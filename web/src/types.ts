/** Shapes of the server's /api/v1 answers that the dashboard reads. */

export type Role = 'viewer' | 'analyst' | 'admin';
export type CaseState = 'open' | 'contained' | 'remediated' | 'verified_clean' | 'false_positive';
export const CASE_STATES: readonly CaseState[] = [
  'open',
  'contained',
  'remediated',
  'verified_clean',
  'false_positive',
];
/** States a person may move a case to (verified_clean is set only from evidence). */
export const MANUAL_STATES: readonly CaseState[] = ['open', 'contained', 'remediated', 'false_positive'];
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

export type StateCounts = Record<CaseState, number>;

export interface User {
  id: string;
  username: string;
  operator: boolean;
  roles: Record<string, Role>;
}

export interface Me {
  type: 'user' | 'token';
  user?: User;
  csrfToken?: string | null;
}

export interface Tenant {
  id: string;
  name: string;
  createdAt: string;
}

export interface OverviewItem {
  tenant: string;
  name: string;
  clean: boolean;
  hosts: { total: number; affected: number; clean: number };
  cases: StateCounts;
  critical: number;
}

/** One advisory or indicator across the tenants the user sees. */
export interface KeyAcrossTenants {
  key: string;
  title: string;
  severity: string;
  hosts: StateCounts;
  tenantsAffected: number;
  clean: boolean;
  tenants: { tenant: string; name: string; hosts: StateCounts; clean: boolean }[];
}

export interface KeySummary {
  key: string;
  title: string;
  severity: string;
  hosts: StateCounts;
  clean: boolean;
}

export interface TenantSummary {
  tenant: string;
  clean: boolean;
  hosts: { total: number; affected: number; clean: number };
  cases: StateCounts;
  keys: KeySummary[];
}

export interface Case {
  id: string;
  tenant: string;
  host: string;
  key: string;
  title: string;
  severity: string;
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
  at: string;
  actor: string;
  from: CaseState | null;
  to: CaseState;
  reason: string;
  evidence: unknown;
}

export interface BurnPoint extends StateCounts {
  at: string;
}

export interface Impact {
  key: string;
  summary: KeySummary | null;
  cases: Case[];
  burndown: BurnPoint[];
}

export interface FindingRow {
  id: string;
  host: string;
  kind: string;
  severity: string;
  title: string;
  caseKey: string;
  firstSeen: string;
  lastSeen: string;
  new: boolean;
  finding: Record<string, unknown>;
}

export interface HostRow {
  host: string;
  hostname: string | null;
  os: string | null;
  lastBundleId: string | null;
  lastCollectedAt: string | null;
  bundles: number;
  openCases: number;
  state: string;
}

export interface TimelineItem {
  time: string;
  type: string;
  title: string;
  detail: unknown;
}

export interface Job {
  id: string;
  type: string;
  state: 'queued' | 'running' | 'done' | 'failed';
  progress: { done: number; total: number; message: string } | null;
  result: Record<string, unknown> | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface IntelSource {
  id: string;
  tenant: string | null;
  name: string;
  sha256: string;
  size: number;
  importedAt: string;
  importedBy: string;
  counts: Record<string, number> | null;
}

export interface Review {
  id: string;
  source?: string;
  title: string;
  link?: string | null;
  text: string;
  draft: Record<string, unknown>;
  state: 'pending' | 'published' | 'dismissed';
  createdAt: string;
}

export interface Feed {
  id: string;
  tenant: string | null;
  /** Masked credentials; null when the stored configuration no longer parses. */
  config: Record<string, unknown> | null;
  state: Record<string, unknown>;
  createdAt: string;
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

export interface Paged<T> {
  total: number;
  items: T[];
}
