/** Option parsing shared by commands (sizes, severities, repeatable flags). */
import { InvalidArgumentError } from 'commander';
import { isSeverity, type Severity } from '../core/severity.js';
import { parseSize } from '../scan/limits.js';

export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

export function sizeOption(value: string): number {
  const n = parseSize(value);
  if (n === null || n <= 0) throw new InvalidArgumentError(`not a size: ${value} (e.g. 256MiB, 1g)`);
  return n;
}

export function severityOption(value: string): Severity | 'none' {
  const v = value.toLowerCase();
  if (v === 'none' || v === 'never') return 'none';
  if (v === 'informational') return 'info';
  if (!isSeverity(v))
    throw new InvalidArgumentError(`not a severity: ${value} (critical, high, medium, low, info, none)`);
  return v;
}

export function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`not a positive integer: ${value}`);
  return n;
}
