/** Pure parser for Poetry's `poetry.lock` (lock-version 1.x and 2.x). */
import type { CollectorResult } from '../../core/plugin.js';
import {
  arr,
  decodeInput,
  isRecord,
  PackageSink,
  parseTomlInput,
  str,
  tomlTableLines,
} from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const POETRY_LOCK_ID = 'collectors/poetry-lock';

/**
 * Parses a poetry.lock. Every `[[package]]` becomes a PyPI package; `category = "dev"` (1.x) or a
 * `groups` list without `main` (2.x) marks it dev; `optional = true` marks it optional.
 * Git, directory, file and url sources are still packages (they have a name and version).
 */
export function parsePoetryLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: POETRY_LOCK_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const doc = parseTomlInput(text, sink);
  if (doc === undefined) return sink.result();
  if (doc['package'] !== undefined && !Array.isArray(doc['package'])) {
    sink.issue('invalid-value', '`package` is not an array of tables');
    return sink.result();
  }
  const pkgs = arr(doc['package']);
  const lines = tomlTableLines(text, 'package');
  const useLines = lines.length === pkgs.length;
  pkgs.forEach((p, i) => {
    const line = useLines ? lines[i] : undefined;
    if (!isRecord(p)) {
      sink.issue('invalid-value', 'package entry is not a table', line);
      return;
    }
    const name = str(p['name']);
    const version = str(p['version']);
    if (!name || !version) {
      sink.issue('invalid-value', 'package without a string name and version', line);
      return;
    }
    const groups = arr(p['groups']).filter((g): g is string => typeof g === 'string');
    const dev = str(p['category']) === 'dev' || (groups.length > 0 && !groups.includes('main'));
    sink.add({ ecosystem: 'PyPI', name, version, line, dev, optional: p['optional'] === true });
  });
  return sink.result();
}
