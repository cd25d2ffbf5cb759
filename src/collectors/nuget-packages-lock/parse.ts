/** Pure parser for NuGet's `packages.lock.json`. */
import type { CollectorResult } from '../../core/plugin.js';
import {
  decodeInput,
  entries,
  isRecord,
  LineIndex,
  PackageSink,
  parseJsonInput,
  str,
} from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const NUGET_PACKAGES_LOCK_ID = 'collectors/nuget-packages-lock';

/**
 * Parses a packages.lock.json (version 1 and 2). Every package under every target framework is a
 * NuGet package; `Direct` is direct, `Transitive`/`CentralTransitive` are not; `Project` entries
 * are other projects of the same solution and are skipped. The same package under several
 * frameworks is reported once.
 */
export function parseNugetPackagesLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: NUGET_PACKAGES_LOCK_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const doc = parseJsonInput(text, sink);
  if (doc === undefined) return sink.result();
  if (!isRecord(doc) || !isRecord(doc['dependencies'])) {
    sink.issue('invalid-value', 'no `dependencies` object');
    return sink.result();
  }
  const version = doc['version'];
  if (version !== 1 && version !== 2)
    sink.issue(
      'unsupported',
      `lock file version ${JSON.stringify(version)?.slice(0, 20)}; read as version 1`,
    );
  const lines = new LineIndex(text);
  let cursor = 0;
  for (const [framework, pkgs] of entries(doc['dependencies'])) {
    const fAt = lines.find(JSON.stringify(framework), cursor);
    if (fAt) cursor = fAt.offset;
    if (!isRecord(pkgs)) {
      sink.issue('invalid-value', `${framework}: not an object`, fAt?.line);
      continue;
    }
    for (const [name, p] of entries(pkgs)) {
      const hit = lines.find(JSON.stringify(name), cursor);
      if (hit) cursor = hit.offset + 1;
      if (!isRecord(p)) {
        sink.issue('invalid-value', `${framework}/${name}: not an object`, hit?.line);
        continue;
      }
      const type = str(p['type']) ?? '';
      if (type === 'Project') continue;
      const resolved = str(p['resolved']);
      if (!resolved) {
        sink.issue('invalid-value', `${framework}/${name}: no resolved version`, hit?.line);
        continue;
      }
      sink.add({ ecosystem: 'NuGet', name, version: resolved, line: hit?.line, direct: type === 'Direct' });
    }
  }
  return sink.result();
}
