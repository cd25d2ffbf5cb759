/**
 * Normalised intel: advisories (what is affected), indicators (what to look for) and
 * detection rules. Every record names its source so findings can cite it.
 */
import type { Platform } from './host.js';
import type { Severity } from './severity.js';

/** A publisher of intel, with the licence its data is used under. */
export interface IntelSource {
  id: string;
  name: string;
  url?: string;
  license?: string;
}

/** A version range for vendor applications (OSV-like events, in vendor dotted-version order). */
export interface VendorRange {
  /** Inclusive lower bound; "0" or absent means from the beginning. */
  introduced?: string;
  /** Exclusive upper bound: the first fixed version. */
  fixed?: string;
  /** Inclusive upper bound. */
  lastAffected?: string;
}

/** How to recognise a product among installed applications. */
export interface ProductMatcher {
  /** Names compared case-insensitively after whitespace folding; `*` is a wildcard. */
  names: string[];
  /** Publishers (same comparison); when given, an app with a publisher must match one. */
  publishers?: string[];
  /** macOS bundle identifiers (exact). */
  bundleIds?: string[];
  /** Windows product codes or package names (exact, case-insensitive). */
  productIds?: string[];
  /** Names that never match even if a pattern does (e.g. "3CX Phone System"). */
  excludeNames?: string[];
}

/** One product on one platform, with its affected and fixed versions. */
export interface AffectedProduct {
  product: ProductMatcher;
  /** Platform this entry applies to; `unknown` apps are matched only by `any`. */
  platform: Platform | 'any';
  /** Exact affected versions. */
  versions?: string[];
  ranges?: VendorRange[];
  /** Versions that fix the problem (upgrade advice). */
  fixed?: string[];
}

/** Advisory about vendor applications or packages. Package advisories are OSV-shaped. */
export interface Advisory {
  id: string;
  aliases: string[];
  /** IntelSource id. */
  source: string;
  kind: 'vendor-app' | 'package';
  summary: string;
  details?: string;
  severity: Severity;
  published?: string;
  modified?: string;
  references: string[];
  remediation?: string;
  malicious?: boolean;
  /** Vendor applications affected (`kind: 'vendor-app'`). */
  affected: AffectedProduct[];
  /** Packages affected (`kind: 'package'`): OSV `affected[]` entries, evaluated by src/versioning. */
  packages?: PackageAffected[];
  /** OSV `related` and `upstream` ids. */
  related?: string[];
  upstream?: string[];
  /** Severity vectors as the record gives them, with the base score where we compute it. */
  cvss?: { type: string; vector: string; score?: number }[];
  /** OSV `database_specific`, kept as is. */
  databaseSpecific?: unknown;
  /** When the record was withdrawn (OSV `withdrawn`); withdrawn advisories never match. */
  withdrawn?: string;
}

/** An OSV range event: exactly one key set. */
export interface PackageRangeEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

/** An OSV `affected[]` entry (structurally the OSV schema's, so src/versioning evaluates it). */
export interface PackageAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  ranges?: { type: string; repo?: string; events: PackageRangeEvent[] }[];
  versions?: string[];
  ecosystem_specific?: unknown;
  database_specific?: unknown;
}

export const INDICATOR_TYPES = [
  'sha256',
  'sha1',
  'md5',
  'domain',
  'ip',
  'cidr',
  'url',
  'url-pattern',
  'filename',
  'email',
] as const;
export type IndicatorType = (typeof INDICATOR_TYPES)[number];

/** One indicator of compromise. */
export interface Indicator {
  type: IndicatorType;
  /** Normalised value: hashes lower-case, domains lower-case without trailing dot. For
   * `url-pattern` and `filename`, a pattern (see `patternSyntax`). */
  value: string;
  /** IntelSource id. */
  source: string;
  /** Where in the source it came from (file and line, or record id). */
  sourceRef?: string;
  description?: string;
  severity?: Severity;
  /** Advisory this indicator belongs to, if any. */
  advisoryId?: string;
  /** For patterns: `glob` (`*`, `?`) or `regex` (signature-base filename IOCs). */
  patternSyntax?: 'glob' | 'regex';
  /** signature-base style score (0-100), carried into severity. */
  score?: number;
  /** Marked as a test indicator (harmless demo values). */
  test?: boolean;
  /**
   * For patterns: a false-positive exclusion in the same `patternSyntax`; a value that matches it
   * is not a match (signature-base filename IOCs' third field, `regex;score;fp-regex`).
   */
  excludePattern?: string;
  /** The source's own id for this indicator (STIX indicator id, MISP attribute uuid, OpenIOC item id). */
  sourceId?: string;
  /** The source's confidence in this indicator, 0..1 (STIX `confidence`/100, MISP `to_ids`, feed defaults). */
  confidence?: number;
}

/** A detection rule (Sigma, YARA) in source form plus metadata. */
export interface DetectionRule {
  id: string;
  title: string;
  format: 'sigma' | 'yara';
  source: string;
  level?: Severity;
  status?: string;
  author?: string;
  references?: string[];
  tags?: string[];
  /** File the rule was loaded from. */
  file?: string;
  /** Parsed rule source, compiled by the matcher for its format in `prepare`. */
  body?: unknown;
}

/** Everything importers produced, merged: what matchers are prepared with. */
export interface IntelBundle {
  sources: IntelSource[];
  advisories: Advisory[];
  indicators: Indicator[];
  rules: DetectionRule[];
}

/** An empty bundle. */
export function emptyIntel(): IntelBundle {
  return { sources: [], advisories: [], indicators: [], rules: [] };
}
