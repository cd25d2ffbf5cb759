/** Pure parser for PEP 751 lock files (`pylock.toml`, `pylock.<name>.toml`). */
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
export const PYLOCK_TOML_ID = 'collectors/pylock-toml';

/**
 * Parses a pylock.toml (`[[packages]]`). Entries with a `directory` source and no version are the
 * local project and are skipped; other entries without a version (e.g. VCS) are reported as issues.
 */
export function parsePylockToml(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: PYLOCK_TOML_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const doc = parseTomlInput(text, sink);
  if (doc === undefined) return sink.result();
  const lockVersion = str(doc['lock-version']);
  if (lockVersion !== undefined && !/^1(\.|$)/.test(lockVersion)) {
    sink.issue('unsupported', `lock-version ${lockVersion.slice(0, 20)} is not 1.x; read as 1.x`);
  }
  if (doc['packages'] !== undefined && !Array.isArray(doc['packages'])) {
    sink.issue('invalid-value', '`packages` is not an array of tables');
    return sink.result();
  }
  const pkgs = arr(doc['packages']);
  const lines = tomlTableLines(text, 'packages');
  const useLines = lines.length === pkgs.length;
  pkgs.forEach((p, i) => {
    const line = useLines ? lines[i] : undefined;
    if (!isRecord(p)) {
      sink.issue('invalid-value', 'packages entry is not a table', line);
      return;
    }
    const name = str(p['name']);
    if (!name) {
      sink.issue('invalid-value', 'package without a string name', line);
      return;
    }
    const version = str(p['version']);
    if (!version) {
      if (isRecord(p['directory'])) return;
      const kind = ['vcs', 'archive', 'sdist'].find((k) => k in p) ?? 'unknown source';
      sink.issue('unsupported', `${name}: no version (${kind}); not reported`, line);
      return;
    }
    sink.add({ ecosystem: 'PyPI', name, version, line });
  });
  return sink.result();
}
