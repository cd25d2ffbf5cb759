/**
 * CVSS v4.0 score (CVSS-B, -BT, -BE or -BTE, depending on which metric groups the vector carries),
 * following the FIRST CVSS v4.0 specification, section 8 (MacroVectors EQ1–EQ6, the MacroVector
 * score lookup, severity distances from the MacroVector's highest-severity vectors, and the mean
 * proportional interpolation towards the next lower MacroVectors). Threat (E) and environmental
 * (CR/IR/AR, M*) metrics are applied; supplemental metrics are validated but do not affect the score.
 * Returns null for anything that is not a complete, valid v4.0 vector.
 *
 * Data tables (MACRO_SCORES, MAX_COMPOSED, MAX_SEVERITY) are copied from the FIRST CVSS v4.0 reference
 * calculator (github.com/FIRST-Org/cvss-v4-calculator, cvss_lookup.js / max_composed.js /
 * max_severity.js, as mirrored in RedHatProductSecurity/cvss-v4-calculator), "Copyright FIRST, Red Hat,
 * and contributors", SPDX-License-Identifier: BSD-2-Clause. The algorithm below is written from the spec.
 */

/** Valid values per metric, in specification order (base metrics first, all mandatory). */
const VALUES: Record<string, readonly string[]> = {
  AV: ['N', 'A', 'L', 'P'],
  AC: ['L', 'H'],
  AT: ['N', 'P'],
  PR: ['N', 'L', 'H'],
  UI: ['N', 'P', 'A'],
  VC: ['H', 'L', 'N'],
  VI: ['H', 'L', 'N'],
  VA: ['H', 'L', 'N'],
  SC: ['H', 'L', 'N'],
  SI: ['H', 'L', 'N'],
  SA: ['H', 'L', 'N'],
  E: ['X', 'A', 'P', 'U'],
  CR: ['X', 'H', 'M', 'L'],
  IR: ['X', 'H', 'M', 'L'],
  AR: ['X', 'H', 'M', 'L'],
  MAV: ['X', 'N', 'A', 'L', 'P'],
  MAC: ['X', 'L', 'H'],
  MAT: ['X', 'N', 'P'],
  MPR: ['X', 'N', 'L', 'H'],
  MUI: ['X', 'N', 'P', 'A'],
  MVC: ['X', 'H', 'L', 'N'],
  MVI: ['X', 'H', 'L', 'N'],
  MVA: ['X', 'H', 'L', 'N'],
  MSC: ['X', 'H', 'L', 'N'],
  MSI: ['X', 'S', 'H', 'L', 'N'],
  MSA: ['X', 'S', 'H', 'L', 'N'],
  S: ['X', 'N', 'P'],
  AU: ['X', 'N', 'Y'],
  R: ['X', 'A', 'U', 'I'],
  V: ['X', 'D', 'C'],
  RE: ['X', 'L', 'M', 'H'],
  U: ['X', 'Clear', 'Green', 'Amber', 'Red'],
};
const BASE = ['AV', 'AC', 'AT', 'PR', 'UI', 'VC', 'VI', 'VA', 'SC', 'SI', 'SA'] as const;

/** MacroVector (EQ1..EQ6 digits) → score of its highest-severity vectors. FIRST data, BSD-2-Clause. */
// prettier-ignore
const MACRO_SCORES: Record<string, number> = {
  '000000': 10, '000001': 9.9, '000010': 9.8, '000011': 9.5, '000020': 9.5, '000021': 9.2,
  '000100': 10, '000101': 9.6, '000110': 9.3, '000111': 8.7, '000120': 9.1, '000121': 8.1,
  '000200': 9.3, '000201': 9, '000210': 8.9, '000211': 8, '000220': 8.1, '000221': 6.8,
  '001000': 9.8, '001001': 9.5, '001010': 9.5, '001011': 9.2, '001020': 9, '001021': 8.4,
  '001100': 9.3, '001101': 9.2, '001110': 8.9, '001111': 8.1, '001120': 8.1, '001121': 6.5,
  '001200': 8.8, '001201': 8, '001210': 7.8, '001211': 7, '001220': 6.9, '001221': 4.8,
  '002001': 9.2, '002011': 8.2, '002021': 7.2, '002101': 7.9, '002111': 6.9, '002121': 5,
  '002201': 6.9, '002211': 5.5, '002221': 2.7,
  '010000': 9.9, '010001': 9.7, '010010': 9.5, '010011': 9.2, '010020': 9.2, '010021': 8.5,
  '010100': 9.5, '010101': 9.1, '010110': 9, '010111': 8.3, '010120': 8.4, '010121': 7.1,
  '010200': 9.2, '010201': 8.1, '010210': 8.2, '010211': 7.1, '010220': 7.2, '010221': 5.3,
  '011000': 9.5, '011001': 9.3, '011010': 9.2, '011011': 8.5, '011020': 8.5, '011021': 7.3,
  '011100': 9.2, '011101': 8.2, '011110': 8, '011111': 7.2, '011120': 7, '011121': 5.9,
  '011200': 8.4, '011201': 7, '011210': 7.1, '011211': 5.2, '011220': 5, '011221': 3,
  '012001': 8.6, '012011': 7.5, '012021': 5.2, '012101': 7.1, '012111': 5.2, '012121': 2.9,
  '012201': 6.3, '012211': 2.9, '012221': 1.7,
  '100000': 9.8, '100001': 9.5, '100010': 9.4, '100011': 8.7, '100020': 9.1, '100021': 8.1,
  '100100': 9.4, '100101': 8.9, '100110': 8.6, '100111': 7.4, '100120': 7.7, '100121': 6.4,
  '100200': 8.7, '100201': 7.5, '100210': 7.4, '100211': 6.3, '100220': 6.3, '100221': 4.9,
  '101000': 9.4, '101001': 8.9, '101010': 8.8, '101011': 7.7, '101020': 7.6, '101021': 6.7,
  '101100': 8.6, '101101': 7.6, '101110': 7.4, '101111': 5.8, '101120': 5.9, '101121': 5,
  '101200': 7.2, '101201': 5.7, '101210': 5.7, '101211': 5.2, '101220': 5.2, '101221': 2.5,
  '102001': 8.3, '102011': 7, '102021': 5.4, '102101': 6.5, '102111': 5.8, '102121': 2.6,
  '102201': 5.3, '102211': 2.1, '102221': 1.3,
  '110000': 9.5, '110001': 9, '110010': 8.8, '110011': 7.6, '110020': 7.6, '110021': 7,
  '110100': 9, '110101': 7.7, '110110': 7.5, '110111': 6.2, '110120': 6.1, '110121': 5.3,
  '110200': 7.7, '110201': 6.6, '110210': 6.8, '110211': 5.9, '110220': 5.2, '110221': 3,
  '111000': 8.9, '111001': 7.8, '111010': 7.6, '111011': 6.7, '111020': 6.2, '111021': 5.8,
  '111100': 7.4, '111101': 5.9, '111110': 5.7, '111111': 5.7, '111120': 4.7, '111121': 2.3,
  '111200': 6.1, '111201': 5.2, '111210': 5.7, '111211': 2.9, '111220': 2.4, '111221': 1.6,
  '112001': 7.1, '112011': 5.9, '112021': 3, '112101': 5.8, '112111': 2.6, '112121': 1.5,
  '112201': 2.3, '112211': 1.3, '112221': 0.6,
  '200000': 9.3, '200001': 8.7, '200010': 8.6, '200011': 7.2, '200020': 7.5, '200021': 5.8,
  '200100': 8.6, '200101': 7.4, '200110': 7.4, '200111': 6.1, '200120': 5.6, '200121': 3.4,
  '200200': 7, '200201': 5.4, '200210': 5.2, '200211': 4, '200220': 4, '200221': 2.2,
  '201000': 8.5, '201001': 7.5, '201010': 7.4, '201011': 5.5, '201020': 6.2, '201021': 5.1,
  '201100': 7.2, '201101': 5.7, '201110': 5.5, '201111': 4.1, '201120': 4.6, '201121': 1.9,
  '201200': 5.3, '201201': 3.6, '201210': 3.4, '201211': 1.9, '201220': 1.9, '201221': 0.8,
  '202001': 6.4, '202011': 5.1, '202021': 2, '202101': 4.7, '202111': 2.1, '202121': 1.1,
  '202201': 2.4, '202211': 0.9, '202221': 0.4,
  '210000': 8.8, '210001': 7.5, '210010': 7.3, '210011': 5.3, '210020': 6, '210021': 5,
  '210100': 7.3, '210101': 5.5, '210110': 5.9, '210111': 4, '210120': 4.1, '210121': 2,
  '210200': 5.4, '210201': 4.3, '210210': 4.5, '210211': 2.2, '210220': 2, '210221': 1.1,
  '211000': 7.5, '211001': 5.5, '211010': 5.8, '211011': 4.5, '211020': 4, '211021': 2.1,
  '211100': 6.1, '211101': 5.1, '211110': 4.8, '211111': 1.8, '211120': 2, '211121': 0.9,
  '211200': 4.6, '211201': 1.8, '211210': 1.7, '211211': 0.7, '211220': 0.8, '211221': 0.2,
  '212001': 5.3, '212011': 2.4, '212021': 1.4, '212101': 2.4, '212111': 1.2, '212121': 0.5,
  '212201': 1, '212211': 0.3, '212221': 0.1,
};

/** Highest-severity vectors of each EQ level (EQ3 keyed by EQ3 then EQ6). FIRST data, BSD-2-Clause. */
const MAX_EQ1: Record<number, string[]> = {
  0: ['AV:N/PR:N/UI:N'],
  1: ['AV:A/PR:N/UI:N', 'AV:N/PR:L/UI:N', 'AV:N/PR:N/UI:P'],
  2: ['AV:P/PR:N/UI:N', 'AV:A/PR:L/UI:P'],
};
const MAX_EQ2: Record<number, string[]> = { 0: ['AC:L/AT:N'], 1: ['AC:H/AT:N', 'AC:L/AT:P'] };
const MAX_EQ3EQ6: Record<string, string[]> = {
  '00': ['VC:H/VI:H/VA:H/CR:H/IR:H/AR:H'],
  '01': ['VC:H/VI:H/VA:L/CR:M/IR:M/AR:H', 'VC:H/VI:H/VA:H/CR:M/IR:M/AR:M'],
  '10': ['VC:L/VI:H/VA:H/CR:H/IR:H/AR:H', 'VC:H/VI:L/VA:H/CR:H/IR:H/AR:H'],
  '11': [
    'VC:L/VI:H/VA:L/CR:H/IR:M/AR:H',
    'VC:L/VI:H/VA:H/CR:H/IR:M/AR:M',
    'VC:H/VI:L/VA:H/CR:M/IR:H/AR:M',
    'VC:H/VI:L/VA:L/CR:M/IR:H/AR:H',
    'VC:L/VI:L/VA:H/CR:H/IR:H/AR:M',
  ],
  '21': ['VC:L/VI:L/VA:L/CR:H/IR:H/AR:H'],
};
const MAX_EQ4: Record<number, string[]> = {
  0: ['SC:H/SI:S/SA:S'],
  1: ['SC:H/SI:H/SA:H'],
  2: ['SC:L/SI:L/SA:L'],
};

/** Depth (max severity distance + 1, in steps) of each EQ level. FIRST data, BSD-2-Clause. */
const MAX_SEVERITY = {
  eq1: [1, 4, 5],
  eq2: [1, 2],
  eq3eq6: { '00': 7, '01': 6, '10': 8, '11': 8, '21': 10 } as Record<string, number>,
  eq4: [6, 5, 4],
};

/** Severity level of each metric value (0 = most severe), in 0.1 steps as in the spec's calculator. */
const LEVELS: Record<string, Record<string, number>> = {
  AV: { N: 0.0, A: 0.1, L: 0.2, P: 0.3 },
  PR: { N: 0.0, L: 0.1, H: 0.2 },
  UI: { N: 0.0, P: 0.1, A: 0.2 },
  AC: { L: 0.0, H: 0.1 },
  AT: { N: 0.0, P: 0.1 },
  VC: { H: 0.0, L: 0.1, N: 0.2 },
  VI: { H: 0.0, L: 0.1, N: 0.2 },
  VA: { H: 0.0, L: 0.1, N: 0.2 },
  SC: { H: 0.1, L: 0.2, N: 0.3 },
  SI: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  SA: { S: 0.0, H: 0.1, L: 0.2, N: 0.3 },
  CR: { H: 0.0, M: 0.1, L: 0.2 },
  IR: { H: 0.0, M: 0.1, L: 0.2 },
  AR: { H: 0.0, M: 0.1, L: 0.2 },
};
const STEP = 0.1;

function parseVector(vector: string): Map<string, string> | null {
  const parts = vector.trim().split('/');
  if (parts[0] !== 'CVSS:4.0') return null;
  const m = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const kv = p.split(':');
    const [k, v] = kv;
    if (kv.length !== 2 || !k || !v || m.has(k) || !VALUES[k]?.includes(v)) return null;
    m.set(k, v);
  }
  return BASE.every((k) => m.has(k)) ? m : null;
}

function toMap(s: string): Map<string, string> {
  return new Map(s.split('/').map((p) => p.split(':') as [string, string]));
}

export function cvss4Score(vector: string): number | null {
  const m = parseVector(vector);
  if (!m) return null;
  /** Effective value: X requirements/threat default to worst case; modified metrics override base. */
  const eff = (k: string): string => {
    const v = m.get(k) ?? 'X';
    if (v === 'X' && k === 'E') return 'A';
    if (v === 'X' && (k === 'CR' || k === 'IR' || k === 'AR')) return 'H';
    const mod = m.get('M' + k);
    return mod !== undefined && mod !== 'X' ? mod : v;
  };
  if (['VC', 'VI', 'VA', 'SC', 'SI', 'SA'].every((k) => eff(k) === 'N')) return 0;

  const [av, pr, ui] = [eff('AV'), eff('PR'), eff('UI')];
  const eq1 =
    av === 'N' && pr === 'N' && ui === 'N'
      ? 0
      : (av === 'N' || pr === 'N' || ui === 'N') && av !== 'P'
        ? 1
        : 2;
  const eq2 = eff('AC') === 'L' && eff('AT') === 'N' ? 0 : 1;
  const [vc, vi, va] = [eff('VC'), eff('VI'), eff('VA')];
  const eq3 = vc === 'H' && vi === 'H' ? 0 : vc === 'H' || vi === 'H' || va === 'H' ? 1 : 2;
  const eq4 =
    eff('SI') === 'S' || eff('SA') === 'S'
      ? 0
      : eff('SC') === 'H' || eff('SI') === 'H' || eff('SA') === 'H'
        ? 1
        : 2;
  const e = eff('E');
  const eq5 = e === 'A' ? 0 : e === 'P' ? 1 : 2;
  const eq6 =
    (eff('CR') === 'H' && vc === 'H') ||
    (eff('IR') === 'H' && vi === 'H') ||
    (eff('AR') === 'H' && va === 'H')
      ? 0
      : 1;

  const macro = (a: number, b: number, c: number, d: number, f: number, g: number): number | undefined =>
    MACRO_SCORES[`${a}${b}${c}${d}${f}${g}`];
  const value = macro(eq1, eq2, eq3, eq4, eq5, eq6);
  if (value === undefined) return null;

  // Next lower MacroVector per EQ (EQ3 and EQ6 move jointly; from 00 take the higher of 01 and 10).
  const lowerEq1 = macro(eq1 + 1, eq2, eq3, eq4, eq5, eq6);
  const lowerEq2 = macro(eq1, eq2 + 1, eq3, eq4, eq5, eq6);
  let lowerEq3Eq6: number | undefined;
  if (eq3 === 0 && eq6 === 0) {
    const left = macro(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
    const right = macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
    lowerEq3Eq6 = left === undefined || right === undefined ? undefined : Math.max(left, right);
  } else if (eq3 === 1 && eq6 === 0) lowerEq3Eq6 = macro(eq1, eq2, eq3, eq4, eq5, eq6 + 1);
  else if (eq3 === 2)
    lowerEq3Eq6 = undefined; // 21 has no lower MacroVector
  else lowerEq3Eq6 = macro(eq1, eq2, eq3 + 1, eq4, eq5, eq6);
  const lowerEq4 = macro(eq1, eq2, eq3, eq4 + 1, eq5, eq6);
  const lowerEq5 = macro(eq1, eq2, eq3, eq4, eq5 + 1, eq6);

  // Severity distances from the first highest-severity vector of this MacroVector that dominates it.
  const eq36 = `${eq3}${eq6}`;
  let dist: Record<string, number> | null = null;
  search: for (const a of MAX_EQ1[eq1]!)
    for (const b of MAX_EQ2[eq2]!)
      for (const c of MAX_EQ3EQ6[eq36]!)
        for (const d of MAX_EQ4[eq4]!) {
          const max = toMap(`${a}/${b}/${c}/${d}`);
          const cand: Record<string, number> = {};
          for (const k of Object.keys(LEVELS)) cand[k] = LEVELS[k]![eff(k)]! - LEVELS[k]![max.get(k)!]!;
          dist = cand;
          if (Object.values(cand).every((x) => x >= 0)) break search;
        }
  if (!dist) return null;
  const d = dist;
  const dEq1 = d['AV']! + d['PR']! + d['UI']!;
  const dEq2 = d['AC']! + d['AT']!;
  const dEq3Eq6 = d['VC']! + d['VI']! + d['VA']! + d['CR']! + d['IR']! + d['AR']!;
  const dEq4 = d['SC']! + d['SI']! + d['SA']!;

  // Mean of the proportional distances towards each existing lower MacroVector (EQ5 always 0).
  const parts: [number | undefined, number, number][] = [
    [lowerEq1, dEq1, MAX_SEVERITY.eq1[eq1]! * STEP],
    [lowerEq2, dEq2, MAX_SEVERITY.eq2[eq2]! * STEP],
    [lowerEq3Eq6, dEq3Eq6, MAX_SEVERITY.eq3eq6[eq36]! * STEP],
    [lowerEq4, dEq4, MAX_SEVERITY.eq4[eq4]! * STEP],
    [lowerEq5, 0, 1],
  ];
  let sum = 0;
  let n = 0;
  for (const [lower, distance, depth] of parts) {
    if (lower === undefined) continue;
    n++;
    sum += (value - lower) * (distance / depth);
  }
  const score = n === 0 ? value : value - sum / n;
  return Math.round(Math.max(0, Math.min(10, score)) * 10) / 10;
}
