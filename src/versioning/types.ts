/**
 * The comparator contract every ecosystem implements (Renovate's VersioningApi, scalibr's semantic).
 */
import type { Plugin } from '../core/plugin.js';

/** Thrown (only) by `compare` on an invalid version; callers that take untrusted input use `parse` first. */
export class InvalidVersionError extends Error {
  constructor(
    readonly scheme: string,
    readonly version: string,
    reason = 'not a valid version',
  ) {
    super(
      `${scheme}: ${JSON.stringify(version.length > 100 ? version.slice(0, 100) + '…' : version)} is ${reason}`,
    );
    this.name = 'InvalidVersionError';
  }
}

/** A version scheme. */
export interface Comparator<P = unknown> extends Plugin {
  /** Scheme name, e.g. `semver`, `pep440`, `vendor`. */
  readonly scheme: string;
  /** Parses a version; null when it is not valid in this scheme. */
  parse(version: string): P | null;
  /** True when `version` is valid. */
  isValid(version: string): boolean;
  /** Negative, zero or positive. Throws {@link InvalidVersionError} on an invalid version. */
  compare(a: string, b: string): number;
}
