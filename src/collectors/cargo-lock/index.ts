import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { CARGO_LOCK_ID, parseCargoLock } from './parse.js';

/** Reads Rust's `Cargo.lock` into crates.io package observations. */
export const cargoLockCollector = {
  id: CARGO_LOCK_ID,
  version: 1,
  description: 'Rust crates resolved in Cargo.lock',
  matches: (file) => file.lowerName === 'cargo.lock',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: CARGO_LOCK_ID }, () =>
      parseCargoLock(input.content, input.file.path),
    ),
} satisfies Collector;
