/** The parsed form of a Sigma rule document, stored in `DetectionRule.body` for `format: 'sigma'`. */

/** A YAML value after loading: plain numbers keep their source text (`0x1F` stays `"0x1F"`). */
export type SigmaYaml = string | boolean | null | SigmaYaml[] | { [key: string]: SigmaYaml };

/** `logsource` of a rule; every part optional, lower-cased. */
export interface SigmaLogsource {
  product?: string;
  category?: string;
  service?: string;
}

/** A correlation block (Sigma specification v2 "correlation rules"). */
export interface SigmaCorrelation {
  type: string;
  rules: string[];
  groupBy: string[];
  timespan?: string;
  condition?: SigmaYaml;
  generate: boolean;
  /** `aliases: {alias: {ruleName: field}}`. */
  aliases: Record<string, Record<string, string>>;
}

/** A filter block (Sigma "filter rules"): ANDed onto the referenced rules' conditions. */
export interface SigmaFilter {
  rules: string[];
  /** The search identifiers and `condition` of the filter. */
  detection: Record<string, SigmaYaml>;
}

/** What the Sigma importer stores in `DetectionRule.body`. */
export interface SigmaRuleBody {
  type: 'detection' | 'correlation' | 'filter';
  /** `name:` of the rule (correlations may reference it). */
  name?: string;
  logsource: SigmaLogsource;
  /** Search identifiers plus `condition` (string or list). */
  detection?: Record<string, SigmaYaml>;
  correlation?: SigmaCorrelation;
  filter?: SigmaFilter;
  /** The rule's `level` as written (e.g. `informational`). */
  level?: string;
  /** Index of the document within its file (0-based). */
  document: number;
}

/** Narrowing helper: is this body one the Sigma importer produced? */
export function isSigmaBody(v: unknown): v is SigmaRuleBody {
  if (typeof v !== 'object' || v === null) return false;
  const t = (v as { type?: unknown }).type;
  return t === 'detection' || t === 'correlation' || t === 'filter';
}
