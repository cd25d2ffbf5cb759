/** Pure parser for Rust's `Cargo.lock` (versions 1 to 4). */
import type { CollectorResult } from '../../core/plugin.js';
import { collectTomlPackages, str } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const CARGO_LOCK_ID = 'collectors/cargo-lock';

/**
 * Parses a Cargo.lock. Every `[[package]]` is a crates.io package (git and alternative-registry
 * sources included, with the source recorded as a purl `repository_url`/`vcs_url` qualifier).
 * Cargo.lock does not say which crates are direct or dev, so those fields are left out.
 */
export function parseCargoLock(content: Uint8Array, file: string): CollectorResult {
  return collectTomlPackages(content, file, CARGO_LOCK_ID, ({ table: p, name, version, line }, sink) => {
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
}
