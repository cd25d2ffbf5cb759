/** The report model every reporter renders; the JSON reporter writes it as is. */
import type { Finding } from './finding.js';
import type { Platform } from './host.js';
import type { IntelSource } from './intel.js';
import type { Issue } from './issue.js';
import type { Observation } from './observation.js';
import type { PluginStatus } from './plugin.js';
import type { Severity } from './severity.js';

/** Bumped when the JSON report's shape changes incompatibly (schemas/report.schema.json). */
export const REPORT_SCHEMA_VERSION = '1.0.0';

export interface HostSummary {
  id: string;
  hostname?: string;
  os?: Platform;
  tenant?: string;
  collectedAt?: string;
  root: string;
  /** `affected` when any finding, else `clean` (as far as the evidence shows). */
  status: 'affected' | 'clean';
  highestSeverity?: Severity;
  findings: number;
  observations: Partial<Record<Observation['kind'], number>>;
}

export interface AdvisorySummary {
  id: string;
  aliases: string[];
  source: string;
  summary: string;
  severity: Severity;
  references: string[];
  remediation?: string;
}

export interface Report {
  schemaVersion: string;
  tool: { name: string; version: string };
  /** ISO time the report was produced (the one field allowed to differ between runs). */
  generatedAt: string;
  hosts: HostSummary[];
  findings: Finding[];
  issues: Issue[];
  plugins: PluginStatus[];
  intel: { sources: IntelSource[]; advisories: number; indicators: number; rules: number };
  /** Advisories cited by findings, with their prose. */
  advisories: AdvisorySummary[];
  /** Only for `inventory`. */
  observations?: Observation[];
}
