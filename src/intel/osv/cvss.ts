/**
 * CVSS v3.0/v3.1 base score from a vector string (FIRST specification, section 7.1 formulas).
 * Returns null for anything that is not a complete, valid v3 base vector.
 */

const W = {
  AV: { N: 0.85, A: 0.62, L: 0.55, P: 0.2 },
  AC: { L: 0.77, H: 0.44 },
  UI: { N: 0.85, R: 0.62 },
  C: { H: 0.56, L: 0.22, N: 0 },
} as const;
const PR_U = { N: 0.85, L: 0.62, H: 0.27 } as const;
const PR_C = { N: 0.85, L: 0.68, H: 0.5 } as const;

/** CVSS v3.1 "Roundup": the smallest one-decimal number ≥ x, computed on integers. */
function roundUp(x: number): number {
  const i = Math.round(x * 100000);
  return i % 10000 === 0 ? i / 100000 : (Math.floor(i / 10000) + 1) / 10;
}

export function cvss3BaseScore(vector: string): number | null {
  const parts = vector.trim().split('/');
  if (!/^CVSS:3\.[01]$/.test(parts[0] ?? '')) return null;
  const m = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const [k, v] = p.split(':');
    if (!k || !v || m.has(k)) return null;
    m.set(k, v);
  }
  const get = <T extends Record<string, number>>(table: T, key: string): number | null => {
    const v = m.get(key);
    return v !== undefined && v in table ? table[v as keyof T]! : null;
  };
  const scope = m.get('S');
  if (scope !== 'U' && scope !== 'C') return null;
  const av = get(W.AV, 'AV');
  const ac = get(W.AC, 'AC');
  const pr = get(scope === 'C' ? PR_C : PR_U, 'PR');
  const ui = get(W.UI, 'UI');
  const c = get(W.C, 'C');
  const i = get(W.C, 'I');
  const a = get(W.C, 'A');
  if (av === null || ac === null || pr === null || ui === null || c === null || i === null || a === null)
    return null;
  const iss = 1 - (1 - c) * (1 - i) * (1 - a);
  const impact = scope === 'U' ? 6.42 * iss : 7.52 * (iss - 0.029) - 3.25 * Math.pow(iss - 0.02, 15);
  const exploitability = 8.22 * av * ac * pr * ui;
  if (impact <= 0) return 0;
  return scope === 'U'
    ? roundUp(Math.min(impact + exploitability, 10))
    : roundUp(Math.min(1.08 * (impact + exploitability), 10));
}

/** Qualitative severity of a CVSS score (v3/v4 rating scale). */
export function severityOfScore(score: number): 'critical' | 'high' | 'medium' | 'low' | 'info' {
  if (score >= 9) return 'critical';
  if (score >= 7) return 'high';
  if (score >= 4) return 'medium';
  if (score > 0) return 'low';
  return 'info';
}
