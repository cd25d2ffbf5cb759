/** Pure parser for Pipenv's `Pipfile.lock` (JSON, pipfile-spec 6). */
import type { CollectorResult } from '../../core/plugin.js';
import { entries, isRecord, LineIndex, PackageSink, readJsonObject, str } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const PIPFILE_LOCK_ID = 'collectors/pipfile-lock';

/**
 * Parses a Pipfile.lock: `default` packages are runtime, `develop` packages are dev. A version is
 * the exact `==X` pin; entries without one (git, path, editable) are reported as issues.
 */
export function parsePipfileLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: PIPFILE_LOCK_ID });
  const json = readJsonObject(content, sink);
  if (!json) return sink.result();
  const { text, doc } = json;
  const lines = new LineIndex(text);
  for (const section of ['default', 'develop'] as const) {
    const sectionAt = lines.find(`"${section}"`);
    // keys come out of JSON.parse in document order (except integer-like ones), so the search
    // moves forward; a miss falls back to the section start
    let cursor = sectionAt?.offset ?? 0;
    for (const [name, entry] of entries(doc[section])) {
      const key = `${JSON.stringify(name)}:`;
      const at = lines.find(key, cursor) ?? lines.find(key, sectionAt?.offset ?? 0);
      if (at) cursor = at.offset + 1;
      const line = at?.line;
      if (!isRecord(entry)) {
        sink.issue('invalid-value', `${section}.${name}: entry is not an object`, line);
        continue;
      }
      const spec = str(entry['version']);
      if (spec === undefined) {
        const kind = ['git', 'hg', 'svn', 'bzr', 'path', 'file'].find((k) => k in entry) ?? 'unknown source';
        sink.issue('unsupported', `${section}.${name}: no pinned version (${kind}); not reported`, line);
        continue;
      }
      const m = /^\s*===?\s*([^\s,;]+)\s*$/.exec(spec);
      if (!m) {
        sink.issue(
          'invalid-value',
          `${section}.${name}: version "${spec.slice(0, 100)}" is not an exact pin`,
          line,
        );
        continue;
      }
      sink.add({ ecosystem: 'PyPI', name, version: m[1]!, line, dev: section === 'develop' });
    }
  }
  return sink.result();
}
