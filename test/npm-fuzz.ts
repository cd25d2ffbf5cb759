/**
 * Mutation fuzzing for the JavaScript lockfile parsers: deterministic (seeded) byte- and
 * token-level mutations of real fixtures; the parser must return (never throw) a result whose
 * size is bounded by its input.
 */
import type { CollectorResult } from '../src/core/plugin.js';

/** Small deterministic PRNG (mulberry32), shared by every mutation fuzz test. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  '"',
  "'",
  ':',
  ',',
  '\n',
  '  ',
  '-',
  '@',
  '/',
  'node_modules/',
  '__proto__',
  'constructor',
  'null',
  'true',
  '1e999',
  '\u0000',
  '\uFEFF',
  '#',
  '(',
  ')',
  'npm:',
  'workspace:',
  'link:',
  'file:',
  'lockfileVersion',
  '"version"',
  'version: ',
  '{}',
  '[]',
  '\\',
  '\\u12',
  '\r\n',
  '*',
  '&a',
  '!!str',
  '|',
  '>',
];

/** Produces `count` mutants of the seeds. */
export function* mutants(seeds: readonly Buffer[], count: number, seed = 1): Generator<Buffer> {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;
  for (let i = 0; i < count; i++) {
    let b = Buffer.from(pick(seeds));
    const ops = 1 + Math.floor(r() * 4);
    for (let k = 0; k < ops; k++) {
      const pos = Math.floor(r() * (b.length + 1));
      const op = Math.floor(r() * 6);
      if (op === 0 && b.length > 0) b[Math.min(pos, b.length - 1)] = Math.floor(r() * 256);
      else if (op === 1)
        b = Buffer.concat([
          b.subarray(0, pos),
          b.subarray(Math.min(b.length, pos + 1 + Math.floor(r() * 16))),
        ]);
      else if (op === 2) b = Buffer.concat([b.subarray(0, pos), Buffer.from(pick(TOKENS)), b.subarray(pos)]);
      else if (op === 3) b = b.subarray(0, pos);
      else if (op === 4) {
        const len = Math.floor(r() * 64);
        b = Buffer.concat([b.subarray(0, pos), b.subarray(pos, pos + len), b.subarray(pos)]);
      } else {
        const q = Math.floor(r() * (b.length + 1));
        const [x, y] = pos < q ? [pos, q] : [q, pos];
        b = Buffer.concat([b.subarray(0, x), b.subarray(y), b.subarray(x, y)]);
      }
    }
    yield b;
  }
}

/** Runs `parse` over `count` mutants; returns how many produced any observation (sanity). */
export function fuzzParser(
  parse: (b: Buffer) => CollectorResult,
  seeds: readonly Buffer[],
  count = 10_000,
): { withPackages: number; withIssues: number } {
  let withPackages = 0;
  let withIssues = 0;
  let i = 0;
  const heapStart = process.memoryUsage().heapUsed;
  for (const m of mutants(seeds, count)) {
    // bounded memory: the heap must not grow without limit over the run (nothing retained)
    if (++i % 2000 === 0 && process.memoryUsage().heapUsed - heapStart > 512 * 1024 * 1024) {
      throw new Error(`heap grew by more than 512 MiB after ${i} inputs`);
    }
    const res = parse(m);
    if (!Array.isArray(res.observations) || !Array.isArray(res.issues)) throw new Error('bad result shape');
    if (res.observations.length > m.length) throw new Error('more packages than input bytes');
    if (res.issues.length > m.length + 1) throw new Error('more issues than input bytes');
    if (res.observations.length > 0) withPackages++;
    if (res.issues.length > 0) withIssues++;
  }
  return { withPackages, withIssues };
}
