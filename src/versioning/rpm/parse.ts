/**
 * RPM versions (`[epoch:]version[-release]`) compared with rpm's `rpmvercmp` for Red Hat, Rocky,
 * AlmaLinux, SUSE, openSUSE, Photon OS, Mageia, openEuler and Azure Linux.
 *
 * - The epoch is the part before the first `:` when it is all digits (missing = 0); otherwise the
 *   colon is part of the version, as in rpm.
 * - `rpmvercmp`: characters other than ASCII letters, digits, `~` and `^` only separate segments;
 *   `~` sorts before anything (even the end), `^` after the end but before anything else; digit
 *   segments compare numerically and beat letter segments; letter segments compare with `strcmp`.
 * - A missing release sorts before any release (`1 < 1-1`, `1 < 1-`).
 */
import { isAllDigits, isDigitCode, isLetterCode, isPrintableToken, stripZeros } from '../generic.js';

/** A parsed RPM EVR. */
export interface RpmVersion {
  epoch: string;
  version: string;
  /** Release, or null when absent. */
  release: string | null;
}

/** Parses any non-empty EVR without whitespace. */
export function parseRpm(evr: string): RpmVersion | null {
  if (!isPrintableToken(evr)) return null;
  let epoch = '0';
  let vr = evr;
  const colon = evr.indexOf(':');
  if (colon !== -1) {
    const e = evr.slice(0, colon);
    if (e.length === 0 || isAllDigits(e)) {
      epoch = e.length === 0 ? '0' : stripZeros(e);
      vr = evr.slice(colon + 1);
    }
  }
  const hyphen = vr.indexOf('-');
  return hyphen === -1
    ? { epoch, version: vr, release: null }
    : { epoch, version: vr.slice(0, hyphen), release: vr.slice(hyphen + 1) };
}

function isSep(c: number): boolean {
  return !isDigitCode(c) && !isLetterCode(c) && c !== 126 && c !== 94;
}

/** rpm's `rpmvercmp`. */
export function rpmvercmp(a: string, b: string): number {
  if (a === b) return 0;
  const an = a.length;
  const bn = b.length;
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < an && isSep(a.charCodeAt(i))) i++;
    while (j < bn && isSep(b.charCodeAt(j))) j++;
    const ac = i < an ? a.charCodeAt(i) : -1;
    const bc = j < bn ? b.charCodeAt(j) : -1;
    if (ac === 126 || bc === 126) {
      if (ac !== 126) return 1;
      if (bc !== 126) return -1;
      i++;
      j++;
      continue;
    }
    if (ac === 94 || bc === 94) {
      if (ac === -1) return -1;
      if (bc === -1) return 1;
      if (ac !== 94) return 1;
      if (bc !== 94) return -1;
      i++;
      j++;
      continue;
    }
    if (ac === -1 || bc === -1) break;
    const num = isDigitCode(ac);
    const si = i;
    const sj = j;
    if (num) {
      while (i < an && isDigitCode(a.charCodeAt(i))) i++;
      while (j < bn && isDigitCode(b.charCodeAt(j))) j++;
    } else {
      while (i < an && isLetterCode(a.charCodeAt(i))) i++;
      while (j < bn && isLetterCode(b.charCodeAt(j))) j++;
    }
    if (j === sj) return num ? 1 : -1;
    let x = a.slice(si, i);
    let y = b.slice(sj, j);
    if (num) {
      x = stripZeros(x);
      y = stripZeros(y);
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
    }
    if (x !== y) return x < y ? -1 : 1;
  }
  if (i >= an && j >= bn) return 0;
  return i >= an ? -1 : 1;
}

function compareOptional(a: string | null, b: string | null): number {
  if (a === null || b === null) return a === b ? 0 : a === null ? -1 : 1;
  return rpmvercmp(a, b);
}

/** RPM EVR ordering. */
export function compareRpm(a: RpmVersion, b: RpmVersion): number {
  return (
    rpmvercmp(a.epoch, b.epoch) || rpmvercmp(a.version, b.version) || compareOptional(a.release, b.release)
  );
}
