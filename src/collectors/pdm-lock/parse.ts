/** Pure parser for PDM's `pdm.lock` (lock_version 4.x). */
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
export const PDM_LOCK_ID = 'collectors/pdm-lock';

/**
 * Parses a pdm.lock. A package whose `groups` do not include `default` is dev (PDM puts dev
 * dependency groups there). Git packages keep their locked version (the `revision` is not a
 * PyPI version).
 */
export function parsePdmLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: PDM_LOCK_ID });
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
    const dev = groups.length > 0 && !groups.includes('default');
    sink.add({ ecosystem: 'PyPI', name, version, line, dev });
  });
  return sink.result();
}
