/** Robust statistics over sorted numeric arrays (typed arrays, no allocation where avoidable). */

/** Quantile `p` (0..1) of ascending-sorted `a[0..n)`, linear interpolation between ranks. */
export function quantile(a: ArrayLike<number>, n: number, p: number): number {
  if (n <= 0) return NaN;
  const k = (n - 1) * p;
  const lo = Math.floor(k);
  const hi = Math.min(lo + 1, n - 1);
  const x = a[lo] as number;
  return x + ((a[hi] as number) - x) * (k - lo);
}

/** Bowley (quartile) skewness of sorted data: (Q1 + Q3 − 2·Q2) / (Q3 − Q1); 0 when Q3 = Q1. */
export function bowley(q1: number, q2: number, q3: number): number {
  const iqr = q3 - q1;
  if (!(iqr > 0)) return 0;
  return (q1 + q3 - 2 * q2) / iqr;
}

/**
 * Median absolute deviation around `median` of `a[0..n)`; uses `scratch` (length ≥ n) and sorts it.
 */
export function mad(a: ArrayLike<number>, n: number, median: number, scratch: Float64Array): number {
  if (n <= 0) return NaN;
  for (let i = 0; i < n; i++) scratch[i] = Math.abs((a[i] as number) - median);
  const view = scratch.subarray(0, n);
  view.sort();
  return quantile(view, n, 0.5);
}

/** Summary of one sorted sample. */
export interface Dispersion {
  n: number;
  min: number;
  q1: number;
  median: number;
  q3: number;
  max: number;
  mad: number;
  skew: number;
}

/** Quartiles, MAD and Bowley skew of ascending-sorted `a[0..n)`. */
export function dispersion(a: Float64Array, n: number, scratch: Float64Array): Dispersion {
  const q1 = quantile(a, n, 0.25);
  const q2 = quantile(a, n, 0.5);
  const q3 = quantile(a, n, 0.75);
  return {
    n,
    min: a[0] ?? NaN,
    q1,
    median: q2,
    q3,
    max: a[n - 1] ?? NaN,
    mad: mad(a, n, q2, scratch),
    skew: bowley(q1, q2, q3),
  };
}

/** Regularity score of a sample in [0, 1]: mean of (1 − |skew|) and (1 − min(1, MAD / max(median, floor))). */
export function regularity(d: Dispersion, floor: number): { skewScore: number; madScore: number } {
  const skewScore = 1 - Math.min(1, Math.abs(d.skew));
  const madScore = 1 - Math.min(1, d.mad / Math.max(d.median, floor));
  return { skewScore, madScore };
}
