/**
 * Contract suite every collector runs (Hono's `runTest` pattern): identity, a cheap and pure
 * `matches`, `collect` never throwing on empty, truncated, garbage or wrongly encoded input, issues
 * that name the file (and a position where there is content), and deterministic, sorted output.
 *
 * @example
 * runCollectorContract(windowsRegCollector, {
 *   validSample: { path: 'host/uninstall.reg', content: readFileSync(fixture) },
 *   nonMatchingPaths: ['host/notes.txt'],
 * });
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { cmp } from '../../src/core/issue.js';
import type { Issue, IssueCode } from '../../src/core/issue.js';
import type { Observed } from '../../src/core/observation.js';
import type { Collector, CollectorResult } from '../../src/core/plugin.js';
import { collectorInput, fileRef } from '../fixtures.js';

/** One input for the contract. */
export interface ContractSample {
  path: string;
  content: Buffer;
}

/** Names of the contract's tests, for documented skips. */
export type CollectorContractTest =
  | 'identity'
  | 'matches'
  | 'sniff'
  | 'valid'
  | 'deterministic'
  | 'sorted'
  | 'empty'
  | 'truncated'
  | 'garbage'
  | 'wrong-encoding'
  | 'random-bytes';

/** Options of {@link runCollectorContract}. */
export interface CollectorContractOptions {
  /** A realistic input that yields at least one observation and no issues. */
  validSample: ContractSample;
  /** More paths `matches` must accept (besides `validSample.path` unless `validSampleSniffOnly`). */
  matchingPaths?: string[];
  /** Paths `matches` must reject. */
  nonMatchingPaths?: string[];
  /** The valid sample is recognised by `sniff`, not by its name. */
  validSampleSniffOnly?: boolean;
  /** The valid sample in a wrong encoding; defaults to its text re-encoded as UTF-32LE. */
  wrongEncoding?: Buffer;
  /** Extra corrupted inputs that must produce at least one issue each. */
  corrupted?: ContractSample[];
  /**
   * Order the output must be in. Defaults to source file, line, offset, kind, then the record's
   * JSON. Pass `null` (with a reason in `skip`) when the collector documents another order.
   */
  compare?: ((a: Observed, b: Observed) => number) | null;
  /** Tests to skip, each with a reason. */
  skip?: { reason: string; tests: CollectorContractTest[] }[];
  /** Number of fast-check runs for the random-bytes test (default 150). */
  randomRuns?: number;
}

const ISSUE_CODES: readonly IssueCode[] = [
  'parse-error',
  'truncated',
  'encoding',
  'empty',
  'unsupported',
  'too-large',
  'limit-exceeded',
  'unreadable',
  'symlink',
  'archive-error',
  'invalid-value',
  'checksum-mismatch',
  'duplicate',
  'internal-error',
];

/** The default observation order (see {@link CollectorContractOptions.compare}). */
export function defaultObservedOrder(a: Observed, b: Observed): number {
  return (
    cmp(a.source.file, b.source.file) ||
    (a.source.line ?? 0) - (b.source.line ?? 0) ||
    (a.source.offset ?? 0) - (b.source.offset ?? 0) ||
    cmp(a.kind, b.kind) ||
    cmp(stableJson(a), stableJson(b))
  );
}

function stableJson(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) => {
    if (typeof x === 'bigint') return x.toString();
    if (x !== null && typeof x === 'object' && !Array.isArray(x) && !(x instanceof Uint8Array)) {
      return Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([p], [q]) => cmp(p, q)));
    }
    return x;
  });
}

async function run(collector: Collector, path: string, content: Buffer): Promise<CollectorResult> {
  const input = collectorInput(path, content);
  Object.freeze(input.file);
  return await collector.collect(input);
}

function checkShape(result: CollectorResult, path: string, content: Buffer): void {
  expect(Array.isArray(result.observations)).toBe(true);
  expect(Array.isArray(result.issues)).toBe(true);
  for (const i of result.issues) checkIssue(i, path, content.length > 0);
  for (const o of result.observations) {
    expect(o.source.file).toBe(path);
    expect(['package', 'app', 'file', 'log-event', 'net-contact']).toContain(o.kind);
  }
}

function checkIssue(i: Issue, path: string, hasContent: boolean): void {
  expect(ISSUE_CODES).toContain(i.code);
  expect(typeof i.message).toBe('string');
  expect(i.message.length).toBeGreaterThan(0);
  expect(i.file).toBe(path);
  if (hasContent && i.code !== 'empty' && i.code !== 'limit-exceeded') {
    // A position: a line for text formats, a byte offset for binary ones.
    expect(i.line !== undefined || i.offset !== undefined, `issue without position: ${i.message}`).toBe(true);
  }
}

/** Deterministic pseudo-random bytes (xorshift32), so garbage inputs are reproducible. */
export function garbageBytes(n: number, seed = 0x9e3779b9): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    b[i] = x & 0xff;
  }
  return b;
}

function toUtf32le(s: string): Buffer {
  const cps = [...s].map((c) => c.codePointAt(0) ?? 0);
  const b = Buffer.alloc(cps.length * 4);
  cps.forEach((cp, i) => b.writeUInt32LE(cp, i * 4));
  return b;
}

function sampleText(buf: Buffer): string | null {
  if (buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    return null;
  }
}

/** Registers the contract's tests for `collector` in the current Vitest file. */
export function runCollectorContract(collector: Collector, options: CollectorContractOptions): void {
  const skipped = new Map<CollectorContractTest, string>();
  for (const s of options.skip ?? []) {
    expect(s.reason.trim().length, 'a contract skip needs a reason').toBeGreaterThan(0);
    for (const t of s.tests) skipped.set(t, s.reason);
  }
  const test = (name: CollectorContractTest, title: string, fn: () => Promise<void> | void): void => {
    if (skipped.has(name)) it.skip(`${title} (skipped: ${skipped.get(name)})`, fn);
    else it(title, fn);
  };
  const { validSample } = options;
  const compare = options.compare === undefined ? defaultObservedOrder : options.compare;

  describe(`collector contract: ${collector.id}`, () => {
    test('identity', 'has a folder-path id, a positive integer version and a description', () => {
      expect(collector.id).toMatch(/^collectors\/[a-z0-9]+(?:-[a-z0-9]+)*$/);
      expect(Number.isInteger(collector.version) && collector.version > 0).toBe(true);
      expect(collector.description.trim().length).toBeGreaterThan(0);
    });

    test('matches', 'matches() is a pure path test: stable answers, no mutation of the FileRef', () => {
      const accept = [
        ...(options.validSampleSniffOnly === true ? [] : [validSample.path]),
        ...(options.matchingPaths ?? []),
      ];
      for (const p of accept) {
        const ref = Object.freeze(fileRef(p, 123));
        expect(collector.matches(ref), `should match ${p}`).toBe(true);
        expect(collector.matches(ref)).toBe(true);
      }
      for (const p of options.nonMatchingPaths ?? []) {
        const ref = Object.freeze(fileRef(p, 123));
        expect(collector.matches(ref), `should not match ${p}`).toBe(false);
        expect(collector.matches(ref)).toBe(false);
      }
      if (options.validSampleSniffOnly === true) {
        expect(typeof collector.sniff, 'a sniff-only sample needs sniff()').toBe('function');
        const head = validSample.content.subarray(0, 4096);
        expect(collector.sniff?.(head, fileRef(validSample.path, validSample.content.length))).toBe(true);
      }
      if (collector.sniff !== undefined) {
        expect(collector.sniff(Buffer.alloc(0), fileRef('x.bin', 0))).toBe(false);
        expect(collector.sniff(garbageBytes(512), fileRef('x.bin', 512))).toBe(false);
      }
      // Only the FileRef's own fields may be read (no content, no I/O handles).
      const read = new Set<string | symbol>();
      const spy = new Proxy(fileRef(validSample.path, 1), {
        get(target, key, receiver) {
          read.add(key);
          return Reflect.get(target, key, receiver) as unknown;
        },
        set() {
          throw new Error('matches() must not modify the FileRef');
        },
      });
      collector.matches(spy);
      for (const k of read) expect(['path', 'name', 'lowerName', 'size']).toContain(k);
    });

    test('sniff', 'sniff() never throws and answers a boolean for arbitrary heads', () => {
      const sniff = collector.sniff?.bind(collector);
      if (sniff === undefined) return;
      fc.assert(
        fc.property(fc.uint8Array({ maxLength: 4096 }), fc.integer({ min: 0, max: 64 }), (bytes, keep) => {
          const head = Buffer.concat([validSample.content.subarray(0, keep), Buffer.from(bytes)]);
          expect(typeof sniff(head, fileRef('x.bin', head.length))).toBe('boolean');
        }),
        { numRuns: options.randomRuns ?? 150, seed: 4321 },
      );
    });

    test('valid', 'collects at least one observation from the valid sample without issues', async () => {
      const r = await run(collector, validSample.path, validSample.content);
      checkShape(r, validSample.path, validSample.content);
      expect(r.issues).toEqual([]);
      expect(r.observations.length).toBeGreaterThan(0);
    });

    test(
      'deterministic',
      'two runs give identical output, and the input buffer is not modified',
      async () => {
        const copy = Buffer.from(validSample.content);
        const a = await run(collector, validSample.path, validSample.content);
        const b = await run(collector, validSample.path, Buffer.from(validSample.content));
        expect(stableJson(a)).toBe(stableJson(b));
        expect(validSample.content.equals(copy)).toBe(true);
      },
    );

    test('sorted', 'observations come out sorted', async () => {
      if (compare === null) return;
      const r = await run(collector, validSample.path, validSample.content);
      const sorted = [...r.observations].sort(compare);
      expect(r.observations).toEqual(sorted);
    });

    test('empty', 'empty and whitespace-only input → an issue, no throw', async () => {
      for (const content of [Buffer.alloc(0), Buffer.from(' \n\t\n')]) {
        const r = await run(collector, validSample.path, content);
        checkShape(r, validSample.path, content);
        expect(r.issues.length).toBeGreaterThan(0);
        expect(r.observations).toEqual([]);
      }
    });

    test('truncated', 'truncated input never throws; issues carry the file', async () => {
      const n = validSample.content.length;
      const cuts = [
        ...new Set(
          [1, 2, 3, 7, Math.floor(n / 3), Math.floor(n / 2), n - 3, n - 1].filter((c) => c > 0 && c < n),
        ),
      ];
      for (const c of cuts) {
        const content = validSample.content.subarray(0, c);
        const r = await run(collector, validSample.path, content);
        checkShape(r, validSample.path, content);
      }
      const half = validSample.content.subarray(0, Math.floor(n / 2));
      const r = await run(collector, validSample.path, half);
      const full = await run(collector, validSample.path, validSample.content);
      // Cutting a file in half either loses records or is reported.
      expect(r.issues.length > 0 || r.observations.length < full.observations.length).toBe(true);
    });

    test('garbage', 'binary garbage (alone and after the valid header) → issues, no throw', async () => {
      const head = validSample.content.subarray(0, 16);
      const inputs = [
        garbageBytes(4096),
        Buffer.concat([head, garbageBytes(2048, 42)]),
        ...(options.corrupted ?? []).map((c) => c.content),
      ];
      for (const content of inputs) {
        const r = await run(collector, validSample.path, content);
        checkShape(r, validSample.path, content);
      }
      const r = await run(collector, validSample.path, garbageBytes(4096));
      expect(r.issues.length).toBeGreaterThan(0);
      for (const c of options.corrupted ?? []) {
        const rc = await run(collector, c.path, c.content);
        checkShape(rc, c.path, c.content);
        expect(rc.issues.length, `corrupted sample ${c.path} must raise an issue`).toBeGreaterThan(0);
      }
    });

    test('wrong-encoding', 'the sample in a wrong encoding → an issue, no throw', async () => {
      let content = options.wrongEncoding;
      if (content === undefined) {
        const text = sampleText(validSample.content);
        expect(text, 'binary sample: pass options.wrongEncoding').not.toBeNull();
        content = toUtf32le(text ?? '');
      }
      const r = await run(collector, validSample.path, content);
      checkShape(r, validSample.path, content);
      expect(r.issues.length).toBeGreaterThan(0);
    });

    test('random-bytes', 'arbitrary bytes never make collect throw', async () => {
      await fc.assert(
        fc.asyncProperty(
          fc.uint8Array({ maxLength: 2048 }),
          fc.integer({ min: 0, max: 64 }),
          async (bytes, keep) => {
            const content = Buffer.concat([validSample.content.subarray(0, keep), Buffer.from(bytes)]);
            const r = await run(collector, validSample.path, content);
            checkShape(r, validSample.path, content);
          },
        ),
        { numRuns: options.randomRuns ?? 150, seed: 1234 },
      );
    });
  });
}
