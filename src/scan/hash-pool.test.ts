import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { digests } from '../util/hash.js';
import { HashPool } from './hash-pool.js';
import { runScan } from './runner.js';

const tmp = mkdtempSync(path.join(tmpdir(), 'chainhunt-hashpool-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('HashPool', () => {
  it('gives the same digests and bytes as hashing in memory; keeps bytes only within the limit', async () => {
    const pool = new HashPool(2);
    try {
      const sizes = [0, 1, 4095, 1 << 20, (1 << 20) + 7, 9 << 20];
      const files = sizes.map((n, i) => {
        const b = Buffer.alloc(n);
        for (let k = 0; k < n; k++) b[k] = (k * 31 + i) & 0xff;
        const p = path.join(tmp, `f${i}.bin`);
        writeFileSync(p, b);
        return { p, b };
      });
      const out = await Promise.all(files.map((f) => pool.hash(f.p, 2 << 20)));
      out.forEach((r, i) => {
        expect(r.digests).toEqual(digests(files[i]!.b));
        expect(r.size).toBe(sizes[i]);
        if (sizes[i]! <= 2 << 20) expect(r.content?.equals(files[i]!.b)).toBe(true);
        else expect(r.content).toBeNull();
      });
    } finally {
      await pool.close();
    }
  });

  it('does not follow symlinks, refuses FIFOs without hanging, reports missing files', async () => {
    const pool = new HashPool(1);
    try {
      const target = path.join(tmp, 'target.txt');
      writeFileSync(target, 'x');
      const link = path.join(tmp, 'link.txt');
      symlinkSync(target, link);
      await expect(pool.hash(link, 100)).rejects.toThrow();
      const fifo = path.join(tmp, 'fifo');
      execFileSync('mkfifo', [fifo]);
      await expect(pool.hash(fifo, 100)).rejects.toThrow(/not a regular file/);
      await expect(pool.hash(path.join(tmp, 'missing'), 100)).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });

  it('a scan hashes the same with and without the thread pool', async () => {
    const root = path.join(tmp, 'tree');
    mkdirSync(root, { recursive: true });
    for (let i = 0; i < 40; i++) writeFileSync(path.join(root, `f${i}.txt`), `file ${i} `.repeat(i * 100));
    const run = async (hashThreads: number) =>
      (await runScan({ paths: [root], match: false, keepObservations: true, hashThreads })).observations
        .filter((o) => o.kind === 'file')
        .map((o) => (o.kind === 'file' ? `${o.path} ${o.size} ${o.sha256} ${o.sha1} ${o.md5}` : ''))
        .sort();
    const a = await run(0);
    expect(a).toHaveLength(40);
    expect(await run(2)).toEqual(a);
  });

  it('runs content scanners on the bytes it read; a file held up on one thread does not hold up the next files', async () => {
    const gate = new Int32Array(new SharedArrayBuffer(4));
    const infos: unknown[] = [];
    const spec = {
      module: new URL('./__fixtures__/gated-scanner.ts', import.meta.url).href,
      init: { gate },
      onReady: (info: unknown) => infos.push(info),
    };
    const pool = new HashPool(2, [{ id: 't', spec }]);
    try {
      const gated = path.join(tmp, 'first.gated');
      writeFileSync(gated, 'held');
      const held = pool.hash(gated, 100, '/shown/first.gated');
      const rest = [];
      for (let i = 0; i < 6; i++) {
        const p = path.join(tmp, `next${i}.txt`);
        writeFileSync(p, 'x'.repeat(i));
        rest.push(pool.hash(p, 100, `/shown/next${i}.txt`));
      }
      // Every later file is done while the first is still held (with a queue per thread, some would
      // wait behind it and this would never resolve).
      const done = await Promise.all(rest);
      expect(done.map((r) => r.scans)).toEqual(
        [0, 1, 2, 3, 4, 5].map((i) => ({ t: { length: i, path: `/shown/next${i}.txt` } })),
      );
      Atomics.store(gate, 0, 1);
      Atomics.notify(gate, 0);
      expect((await held).scans).toEqual({ t: { length: 4, path: '/shown/first.gated' } });
      expect(await pool.scanContent(Buffer.from('abc'), 'member')).toEqual({
        t: { length: 3, path: 'member' },
      });
    } finally {
      await pool.close();
    }
    expect(infos).toEqual([{ built: true }]); // reported once, not once per thread
  });
});
