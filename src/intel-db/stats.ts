/** Counts over loaded intel, for `chainhunt intel stats`. */
import type { IntelBundle } from '../core/intel.js';
import { cmp, type Issue } from '../core/issue.js';

export interface IntelStats {
  advisories: {
    total: number;
    withdrawn: number;
    malicious: number;
    byEcosystem: Record<string, number>;
    byKind: Record<string, number>;
  };
  indicators: { total: number; byType: Record<string, number>; bySource: Record<string, number> };
  rules: { total: number; byFormat: Record<string, number>; rejected: { file: string; reason: string }[] };
  sources: string[];
}

function bump(m: Record<string, number>, k: string): void {
  m[k] = (m[k] ?? 0) + 1;
}

function sorted(m: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(m).sort((a, b) => cmp(a[0], b[0])));
}

export function intelStats(bundles: readonly IntelBundle[], issues: readonly Issue[]): IntelStats {
  const seen = new Set<string>();
  const s: IntelStats = {
    advisories: { total: 0, withdrawn: 0, malicious: 0, byEcosystem: {}, byKind: {} },
    indicators: { total: 0, byType: {}, bySource: {} },
    rules: { total: 0, byFormat: {}, rejected: [] },
    sources: [],
  };
  const sources = new Set<string>();
  for (const b of bundles) {
    for (const src of b.sources) sources.add(src.id);
    for (const a of b.advisories) {
      if (seen.has(a.id)) continue;
      seen.add(a.id);
      s.advisories.total++;
      bump(s.advisories.byKind, a.kind);
      if (a.withdrawn !== undefined) s.advisories.withdrawn++;
      if (a.malicious) s.advisories.malicious++;
      const ecos = new Set((a.packages ?? []).map((p) => p.package?.ecosystem ?? '?'));
      if (a.kind === 'vendor-app') ecos.add('vendor-app');
      for (const e of ecos) bump(s.advisories.byEcosystem, e);
    }
    for (const i of b.indicators) {
      s.indicators.total++;
      bump(s.indicators.byType, i.type);
      bump(s.indicators.bySource, i.source);
    }
    for (const r of b.rules) {
      s.rules.total++;
      bump(s.rules.byFormat, r.format);
    }
  }
  for (const i of issues) {
    if (i.code === 'unsupported' || i.code === 'invalid-value' || i.code === 'parse-error') {
      if (i.pluginId?.includes('sigma') || i.pluginId?.includes('yara'))
        s.rules.rejected.push({ file: i.file ?? '', reason: i.message });
    }
  }
  s.advisories.byEcosystem = sorted(s.advisories.byEcosystem);
  s.advisories.byKind = sorted(s.advisories.byKind);
  s.indicators.byType = sorted(s.indicators.byType);
  s.indicators.bySource = sorted(s.indicators.bySource);
  s.rules.byFormat = sorted(s.rules.byFormat);
  s.sources = [...sources].sort();
  return s;
}
