/**
 * Shared by indicator matchers: severity of an indicator hit and grouping of the same value
 * listed by several sources into one finding with one evidence entry per source.
 */
import type { Evidence, IndicatorRef } from '../core/finding.js';
import type { Indicator, IntelBundle } from '../core/intel.js';
import { cmp } from '../core/issue.js';
import { SEVERITIES, severityRank, type Severity } from '../core/severity.js';

/** Severity from a signature-base style score (LOKI thresholds: 100 alert, 60 warning, 40 notice). */
export function severityFromScore(score: number): Severity {
  if (score >= 100) return 'critical';
  if (score >= 75) return 'high';
  if (score >= 60) return 'medium';
  if (score >= 40) return 'low';
  return 'info';
}

/** An indicator's severity: its own, else its score's, else its advisory's, else `fallback`. */
export function indicatorSeverity(ind: Indicator, intel: IntelBundle, fallback: Severity): Severity {
  if (ind.severity !== undefined) return ind.severity;
  if (ind.score !== undefined) return severityFromScore(ind.score);
  if (ind.advisoryId !== undefined) {
    const adv = intel.advisories.find((a) => a.id === ind.advisoryId);
    if (adv) return adv.severity;
  }
  return fallback;
}

/** Highest severity of a list (info when empty). */
export function maxSeverity(list: readonly Severity[]): Severity {
  let best: Severity = 'info';
  for (const s of list) if (severityRank(s) > severityRank(best)) best = s;
  return best;
}

/** Indicators sorted so the cited (first) source is deterministic: non-test first, then by source. */
export function sortIndicators(list: readonly Indicator[]): Indicator[] {
  return [...list].sort(
    (a, b) =>
      Number(a.test ?? false) - Number(b.test ?? false) ||
      cmp(a.source, b.source) ||
      cmp(a.sourceRef ?? '', b.sourceRef ?? ''),
  );
}

/** The `indicator` reference of a finding built from the first of `list`. */
export function indicatorRef(first: Indicator): IndicatorRef {
  const ref: IndicatorRef = { type: first.type, value: first.value, source: first.source };
  if (first.test) ref.test = true;
  return ref;
}

/** One evidence entry per listing source. */
export function indicatorEvidence(
  list: readonly Indicator[],
  matcherId: string,
  found: Record<string, unknown>,
  type: string,
): Evidence[] {
  return list.map((ind) => {
    const searchedBy: Record<string, unknown> = { type: ind.type, value: ind.value, source: ind.source };
    if (ind.sourceRef !== undefined) searchedBy['sourceRef'] = ind.sourceRef;
    if (ind.description !== undefined) searchedBy['description'] = ind.description;
    if (ind.test) searchedBy['test'] = true;
    return { type, searchedBy, found, matcherId, confidence: 1 };
  });
}

export { SEVERITIES };
