/** The offline intel database through the CLI: import, incremental update, lock, scan. */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli, runJson } from '../cli.js';

function osv(id: string, modified: string, versions: string[]): string {
  return JSON.stringify({
    id,
    modified,
    summary: `${id} summary`,
    affected: [{ package: { ecosystem: 'npm', name: 'left-pad' }, versions }],
  });
}

describe('chainhunt intel import / scan --db', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'ch-db-'));
  const db = path.join(root, 'db');
  const feed = path.join(root, 'feed');
  const ev = path.join(root, 'host-1');
  mkdirSync(feed);
  mkdirSync(ev);
  writeFileSync(path.join(feed, 'MAL-1.json'), osv('MAL-1', '2024-01-01T00:00:00Z', ['1.0.0']));
  writeFileSync(
    path.join(ev, 'bom.json'),
    JSON.stringify({
      bomFormat: 'CycloneDX',
      specVersion: '1.5',
      components: [{ type: 'library', name: 'left-pad', version: '1.0.1', purl: 'pkg:npm/left-pad@1.0.1' }],
    }),
  );

  it('imports, skips unchanged sources, and updates by modified', () => {
    const first = runJson<{ imports: { status: string; added: number }[] }>([
      'intel',
      'import',
      feed,
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect(first.doc.imports[0]).toMatchObject({ status: 'new', added: 1 });
    const again = runJson<{ imports: { status: string }[] }>([
      'intel',
      'import',
      feed,
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect(again.doc.imports[0]!.status).toBe('unchanged');
    // before the update, 1.0.1 is not affected
    expect(
      runJson<{ findings: unknown[] }>(['scan', ev, '--db', db, '--no-default-intel', '--format', 'json']).doc
        .findings,
    ).toEqual([]);
    writeFileSync(path.join(feed, 'MAL-1.json'), osv('MAL-1', '2024-02-01T00:00:00Z', ['1.0.0', '1.0.1']));
    const upd = runJson<{ imports: { status: string; updated: number }[] }>([
      'intel',
      'import',
      feed,
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect(upd.doc.imports[0]).toMatchObject({ status: 'updated', updated: 1 });
    const scan = runJson<{ findings: { advisory: { id: string } }[] }>([
      'scan',
      ev,
      '--db',
      db,
      '--no-default-intel',
      '--format',
      'json',
    ]);
    expect(scan.doc.findings.map((f) => f.advisory.id)).toEqual(['MAL-1']);
    // an older copy does not overwrite the newer record
    writeFileSync(path.join(feed, 'MAL-1.json'), osv('MAL-1', '2023-01-01T00:00:00Z', ['9.9.9']));
    runCli(['intel', 'import', feed, '--db', db]);
    expect(
      runJson<{ findings: unknown[] }>(['scan', ev, '--db', db, '--no-default-intel', '--format', 'json']).doc
        .findings,
    ).toHaveLength(1);
  });

  it('lists sources with checksums', () => {
    const list = runJson<{ sources: { path: string; checksum: string }[] }>([
      'intel',
      'list',
      '--db',
      db,
      '--format',
      'json',
    ]);
    expect(list.doc.sources[0]!.path).toBe(feed);
    expect(list.doc.sources[0]!.checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses a second writer with a clear message', () => {
    writeFileSync(path.join(db, 'write.lock'), 'pid 1');
    const r = runCli(['intel', 'import', feed, '--db', db]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/being written by another process/);
  });

  it('says so when --db points nowhere', () => {
    const r = runCli(['scan', ev, '--db', path.join(root, 'missing')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no intel database/);
  });
});
