import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTar, makeZip } from '../../test/archives.js';
import { DEFAULT_LIMITS } from './limits.js';
import { readEntries, type ReadFile } from './read.js';
import { listEvidence } from './walk.js';

const signal = new AbortController().signal;

function tree(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'ch-walk-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return root;
}

async function readAll(
  root: string,
  limits = DEFAULT_LIMITS,
): Promise<{ files: ReadFile[]; issues: string[] }> {
  const listed = await listEvidence(root, limits, signal);
  const files: ReadFile[] = [];
  const issues = [...listed.issues];
  await readEntries(
    listed.entries,
    limits,
    signal,
    (f) => {
      files.push(f);
      return Promise.resolve();
    },
    issues,
  );
  return { files, issues: issues.map((i) => `${i.code}:${path.basename(i.file ?? '')}:${i.message}`) };
}

describe('evidence walking', () => {
  it('lists files in sorted order, reads content and digests', async () => {
    const root = tree({ 'b/two.txt': 'two', 'a/one.txt': 'one' });
    const { files } = await readAll(root);
    expect(files.map((f) => f.entry.rel).sort()).toEqual(['a/one.txt', 'b/two.txt']);
    const one = files.find((f) => f.entry.rel === 'a/one.txt')!;
    expect(one.content?.toString()).toBe('one');
    // sha256("one") computed independently with sha256sum
    expect(one.digests.sha256).toBe('7692c3ad3540bb803c020b3aee66cd8887123234ea0c6e7143c0add73ff431ed');
    expect(one.digests.md5).toBe('f97c5d29941bfb1b2fdab0874906ab82');
  });

  it('does not follow symlinks and reports them', async () => {
    const root = tree({ 'real/x.txt': 'x' });
    symlinkSync(path.join(root, 'real'), path.join(root, 'loop'));
    symlinkSync(root, path.join(root, 'real', 'up'));
    const { files, issues } = await readAll(root);
    expect(files.map((f) => f.entry.rel)).toEqual(['real/x.txt']);
    expect(issues.filter((i) => i.startsWith('symlink:'))).toHaveLength(2);
  });

  it('honours excludes', async () => {
    const root = tree({ 'keep.txt': 'k', 'node_modules/x/package.json': '{}', 'skip.log': 'l' });
    const { files } = await readAll(root, { ...DEFAULT_LIMITS, excludes: ['node_modules', '*.log'] });
    expect(files.map((f) => f.entry.rel)).toEqual(['keep.txt']);
  });

  it('hashes files over the size limit without keeping their content', async () => {
    const root = tree({ 'big.bin': Buffer.alloc(5000, 1), 'small.txt': 's' });
    const { files } = await readAll(root, { ...DEFAULT_LIMITS, maxFileSize: 1000 });
    const big = files.find((f) => f.entry.rel === 'big.bin')!;
    expect(big.content).toBeNull();
    expect(big.size).toBe(5000);
    expect(big.digests.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reads zip, tar and tar.gz members with archive paths', async () => {
    const root = tree({
      'a.zip': makeZip({ 'dir/in-zip.txt': 'z', 'dir/': '' }),
      'b.tar.gz': await makeTar({ 'in-tgz.txt': 't' }),
      'c.tar': await makeTar({ './d/in-tar.txt': 'tt' }, false),
    });
    const { files, issues } = await readAll(root);
    const byPath = Object.fromEntries(files.map((f) => [f.entry.rel, f.content?.toString()]));
    expect(byPath).toEqual({
      'a.zip!/dir/in-zip.txt': 'z',
      'b.tar.gz!/in-tgz.txt': 't',
      'c.tar!/d/in-tar.txt': 'tt',
    });
    expect(issues).toEqual([]);
    expect(files.find((f) => f.entry.rel.startsWith('a.zip'))!.entry.ref.path).toBe(
      `${root}/a.zip!/dir/in-zip.txt`,
    );
  });

  it('refuses archive members that escape the archive and survives corrupt archives', async () => {
    const root = tree({
      'evil.zip': makeZip({ '../../etc/passwd': 'x', 'ok.txt': 'ok' }),
      'evil.tar.gz': await makeTar({ '/abs.txt': 'a' }),
      'broken.zip': Buffer.from('PK\u0003\u0004 not really a zip'),
      'broken.tar.gz': Buffer.from([0x1f, 0x8b, 8, 0, 1, 2, 3]),
    });
    const { files, issues } = await readAll(root);
    expect(files.map((f) => f.entry.rel)).toEqual(['evil.zip!/ok.txt']);
    expect(issues.filter((i) => i.includes('escapes the archive'))).toHaveLength(2);
    expect(issues.some((i) => i.startsWith('archive-error:broken.zip'))).toBe(true);
    expect(issues.some((i) => i.startsWith('archive-error:broken.tar.gz'))).toBe(true);
  });

  it('stops reading an archive beyond its entry limit and says so', async () => {
    const members: Record<string, string> = {};
    for (let i = 0; i < 20; i++) members[`f${String(i).padStart(2, '0')}.txt`] = 'x';
    const root = tree({ 'many.zip': makeZip(members) });
    const { files, issues } = await readAll(root, { ...DEFAULT_LIMITS, maxArchiveEntries: 5 });
    expect(files).toHaveLength(5);
    expect(issues.some((i) => i.startsWith('limit-exceeded:many.zip'))).toBe(true);
  });

  it('reports a missing scan path as an issue', async () => {
    const { files, issues } = await readAll('/nonexistent/chainhunt/path');
    expect(files).toEqual([]);
    expect(issues[0]).toMatch(/^unreadable:/);
  });
});
