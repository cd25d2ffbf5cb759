/**
 * Errors that are thrown. Only configuration errors, programmer errors and unrecoverable I/O
 * are thrown; problems with evidence or intel are {@link Issue}s.
 */
export type ScanErrorCode = 'usage' | 'config' | 'io' | 'internal' | 'aborted';

/** A coded error; the CLI maps `usage` and `config` to exit code 2 with a one-line message. */
export class ScanError extends Error {
  readonly code: ScanErrorCode;
  constructor(code: ScanErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ScanError';
    this.code = code;
  }
}

/** Turns anything thrown into a message fit for an issue or a log line. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
