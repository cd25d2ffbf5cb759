/** Pure parser for Composer's `composer.lock`. */
import type { CollectorResult } from '../../core/plugin.js';
import {
  arr,
  findJsonMember,
  isRecord,
  LineIndex,
  PackageSink,
  readJsonObject,
  str,
} from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const COMPOSER_LOCK_ID = 'collectors/composer-lock';

/**
 * Parses a composer.lock: `packages` are runtime, `packages-dev` are dev. Names are lower-cased
 * (Composer names are case-insensitive); versions are kept as locked (`v1.2.3` stays as is).
 */
export function parseComposerLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: COMPOSER_LOCK_ID });
  const json = readJsonObject(content, sink);
  if (!json) return sink.result();
  const { text, doc } = json;
  const lines = new LineIndex(text);
  let cursor = 0;
  for (const section of ['packages', 'packages-dev'] as const) {
    const v = doc[section];
    if (v !== undefined && !Array.isArray(v)) {
      sink.issue('invalid-value', `\`${section}\` is not an array`);
      continue;
    }
    const at = lines.find(`"${section}"`, cursor);
    if (at) cursor = at.offset;
    for (const p of arr(v)) {
      if (!isRecord(p)) {
        sink.issue('invalid-value', `${section}: entry is not an object`);
        continue;
      }
      const name = str(p['name']);
      const version = str(p['version']);
      let line: number | undefined;
      if (name) {
        const hit = findJsonMember(lines, 'name', name, cursor);
        if (hit) {
          line = hit.line;
          cursor = hit.offset + 1;
        }
      }
      if (!name || !version) {
        sink.issue('invalid-value', `${section}: package without a string name and version`, line);
        continue;
      }
      sink.add({ ecosystem: 'Packagist', name, version, line, dev: section === 'packages-dev' });
    }
  }
  return sink.result();
}
