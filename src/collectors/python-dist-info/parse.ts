/** Pure parser for installed Python distribution metadata (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`). */
import type { CollectorResult } from '../../core/plugin.js';
import { decodeInput, PackageSink } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const PYTHON_DIST_INFO_ID = 'collectors/python-dist-info';

/**
 * Reads the `Name` and `Version` headers of a core-metadata file (RFC 822 style; headers end at
 * the first blank line). One installed distribution → one PyPI package.
 */
export function parsePythonDistInfo(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: PYTHON_DIST_INFO_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  let name: { v: string; line: number } | undefined;
  let version: { v: string; line: number } | undefined;
  let sawHeader = false;
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '') {
      if (sawHeader) break;
      continue;
    }
    if (l.startsWith(' ') || l.startsWith('\t')) continue; // folded continuation
    const c = l.indexOf(':');
    if (c <= 0) {
      sink.issue('parse-error', `not a "Header: value" line: "${l.slice(0, 60)}"`, i + 1);
      break;
    }
    sawHeader = true;
    const key = l.slice(0, c).trim().toLowerCase();
    const value = l.slice(c + 1).trim();
    if (key === 'name' && name === undefined) name = { v: value, line: i + 1 };
    else if (key === 'version' && version === undefined) version = { v: value, line: i + 1 };
    if (name && version) break;
  }
  if (!name || name.v === '' || !version || version.v === '') {
    sink.issue('invalid-value', 'metadata without Name and Version headers');
    return sink.result();
  }
  sink.add({ ecosystem: 'PyPI', name: name.v, version: version.v, line: name.line, direct: undefined });
  return sink.result();
}
