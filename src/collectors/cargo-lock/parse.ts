/** Pure parser for Rust's `Cargo.lock` (versions 1 to 4). */
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
export const CARGO_LOCK_ID = 'collectors/cargo-lock';

/**
 * Parses a Cargo.lock. Every `[[package]]` is a crates.io package (git and alternative-registry
 * sources included, with the source recorded as a purl `repository_url`/`vcs_url` qualifier).
 * Cargo.lock does not say which crates are direct or dev, so those fields are left out.
 */
export function parseCargoLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: CARGO_LOCK_ID });
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
    const source = str(p['source']) ?? '';
    const qualifiers: Record<string, string> = {};
    if (source.startsWith('git+')) qualifiers['vcs_url'] = source.slice(4);
    else if (source.startsWith('registry+') && !source.includes('github.com/rust-lang/crates.io-index')) {
      qualifiers['repository_url'] = source.slice(9);
    } else if (source.startsWith('sparse+') && source !== 'sparse+https://index.crates.io/') {
      qualifiers['repository_url'] = source.slice(7);
    }
    sink.add({ ecosystem: 'crates.io', name, version, line, qualifiers });
  });
  return sink.result();
}
