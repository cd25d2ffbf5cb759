/**
 * Findings: a judgement with the evidence that made it. Advisory prose lives on the advisory;
 * a finding carries ids and the evidence (grype's match details model).
 */
import type { Platform } from './host.js';
import type { IndicatorType } from './intel.js';
import type { SourceLocation } from './observation.js';
import type { Severity } from './severity.js';

export type FindingKind =
  'app' | 'package' | 'file' | 'filename' | 'network' | 'sigma' | 'yara' | 'pe-anomaly';

export interface AppSubject {
  type: 'app';
  name: string;
  version: string;
  platform: Platform;
  publisher?: string;
  scope?: string;
  installLocation?: string;
}
export interface FileSubject {
  type: 'file';
  path: string;
  sha256: string;
}
export interface PackageSubject {
  type: 'package';
  ecosystem: string;
  name: string;
  version: string;
  purl?: string;
}
export interface NetworkSubject {
  type: 'network';
  time?: string;
  src?: string;
  dst?: string;
  fqdn?: string;
  url?: string;
}
export interface EventSubject {
  type: 'event';
  time?: string;
  channel?: string;
  eventId?: number;
  recordId?: number;
  computer?: string;
}
export type Subject = AppSubject | FileSubject | PackageSubject | NetworkSubject | EventSubject;

/** One piece of evidence: what was searched for, what was found, by which matcher. */
export interface Evidence {
  /** e.g. `exact-version`, `version-range`, `sha256`, `filename-pattern`. */
  type: string;
  searchedBy: Record<string, unknown>;
  found: Record<string, unknown>;
  matcherId: string;
  /** 0..1 */
  confidence: number;
  location?: SourceLocation;
}

export interface AdvisoryRef {
  id: string;
  aliases: string[];
  source: string;
}
export interface IndicatorRef {
  type: IndicatorType;
  value: string;
  source: string;
  test?: boolean;
}
export interface RuleRef {
  id: string;
  title: string;
  level?: string;
  status?: string;
  author?: string;
  references?: string[];
  tags?: string[];
}

export interface Finding {
  /** Stable id: a hash of what matched and the observation it matched. */
  id: string;
  kind: FindingKind;
  severity: Severity;
  host: string;
  tenant?: string;
  title: string;
  subject: Subject;
  advisory?: AdvisoryRef;
  indicator?: IndicatorRef;
  rule?: RuleRef;
  evidence: Evidence[];
  /** Versions that fix the problem, when known. */
  fixedVersions?: string[];
  remediation?: string;
  references?: string[];
}
