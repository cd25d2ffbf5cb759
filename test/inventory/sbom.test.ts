/**
 * Acceptance: every SBOM fixture in ../shared/data/sbom is recognised (by name or by content
 * sniffing) by exactly one registered collector, and read through that collector without a
 * parse-level issue. Component-level expectations live in collectors/cyclonedx and collectors/spdx.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { collectorInput, fileRef, sharedData } from '../fixtures.js';
import { collectors } from '../../src/collectors/index.js';

function walk(d: string): string[] {
  return readdirSync(d).flatMap((n) => {
    const p = path.join(d, n);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

describe('SBOM fixtures', () => {
  const base = sharedData('sbom');
  const files = walk(base)
    .map((f) => path.relative(base, f).split(path.sep).join('/'))
    .filter((f) => !/(^|\/)(README\.md|LICENSE|package\.json|package-lock\.json|v2\.3-README\.md)$/.test(f));

  it('each is claimed by exactly one collector, by name or by content', () => {
    expect(files.length).toBeGreaterThan(60);
    for (const rel of files) {
      const content = readFileSync(path.join(base, rel));
      const ref = fileRef(rel, content.length);
      const byName = collectors.filter((c) => c.matches(ref));
      const claimed =
        byName.length > 0
          ? byName
          : collectors.filter((c) => c.sniff?.(content.subarray(0, 4096), ref) === true);
      expect(
        claimed.map((c) => c.id),
        rel,
      ).toHaveLength(1);
      expect(['collectors/cyclonedx', 'collectors/spdx'], rel).toContain(claimed[0]!.id);
    }
  });

  it('each is read without parse-level issues', async () => {
    let packages = 0;
    for (const rel of files) {
      const content = readFileSync(path.join(base, rel));
      const ref = fileRef(rel, content.length);
      const c = collectors.find((x) => x.matches(ref) || x.sniff?.(content.subarray(0, 4096), ref) === true)!;
      const r = await c.collect(collectorInput(rel, content));
      expect(
        r.issues.filter((i) => i.code !== 'unsupported'),
        rel,
      ).toEqual([]);
      packages += r.observations.length;
    }
    expect(packages).toBeGreaterThan(1000);
  });

  it('cyclonedx-node-npm package-integrity: the BOM and its package-lock.json come out of our collectors equal', async () => {
    const dir = 'cyclonedx-node-npm/package-integrity';
    const read = async (name: string) => {
      const content = readFileSync(path.join(base, dir, name));
      const ref = fileRef(`${dir}/${name}`, content.length);
      const c = collectors.find((x) => x.matches(ref) || x.sniff?.(content.subarray(0, 4096), ref) === true);
      expect(c, name).toBeDefined();
      const r = await c!.collect(collectorInput(`${dir}/${name}`, content));
      return {
        id: c!.id,
        set: new Set(
          r.observations.map((o) => (o.kind === 'package' ? `${o.ecosystem}|${o.name}@${o.version}` : '')),
        ),
      };
    };
    const bom = await read('bom.1.6.flat.json');
    const lock = await read('package-lock.json');
    expect(bom.id).toBe('collectors/cyclonedx');
    expect(lock.id).not.toBe('collectors/cyclonedx');
    expect(bom.set).toEqual(lock.set);
    expect(bom.set.size).toBe(5);
  });
});
