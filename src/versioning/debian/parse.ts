/**
 * Debian package versions (`[epoch:]upstream[-revision]`) compared like `dpkg --compare-versions`:
 * numeric epoch first, then upstream and revision with dpkg's `verrevcmp` (alternating non-digit and
 * digit runs; in non-digit runs `~` sorts before everything, even the end, letters before other
 * characters; digit runs compare numerically). A missing revision equals `0`.
 */
import { compareDigits, isAllDigits, isDigitCode, isLetterCode, stripZeros } from '../generic.js';

/** A parsed Debian version. */
export interface DebianVersion {
  epoch: string;
  upstream: string;
  revision: string;
}

function validChars(s: string, allowHyphen: boolean): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (isDigitCode(c) || isLetterCode(c)) continue;
    if (c === 46 || c === 43 || c === 126) continue; // . + ~
    if (allowHyphen && c === 45) continue;
    if (c === 58) continue; // ':' is tolerated in upstream by dpkg when an epoch is present
    return false;
  }
  return true;
}

/** Parses a Debian version; null when it breaks dpkg's syntax rules. */
export function parseDebian(version: string): DebianVersion | null {
  const s = version.trim();
  if (s.length === 0) return null;
  let epoch = '0';
  let rest = s;
  const colon = s.indexOf(':');
  if (colon !== -1) {
    const e = s.slice(0, colon);
    if (!isAllDigits(e)) return null;
    epoch = stripZeros(e);
    rest = s.slice(colon + 1);
  }
  const hyphen = rest.lastIndexOf('-');
  const upstream = hyphen === -1 ? rest : rest.slice(0, hyphen);
  const revision = hyphen === -1 ? '' : rest.slice(hyphen + 1);
  if (upstream.length === 0 || !isDigitCode(upstream.charCodeAt(0))) return null;
  if (hyphen !== -1 && revision.length === 0) return null;
  if (!validChars(upstream, true) || !validChars(revision, false)) return null;
  if (revision.includes(':')) return null;
  return { epoch, upstream, revision };
}

function order(c: number): number {
  if (isLetterCode(c)) return c;
  if (c === 126) return -1; // ~
  return c + 256;
}

/** dpkg's verrevcmp. */
export function verrevcmp(a: string, b: string): number {
  let i = 0;
  let j = 0;
  const an = a.length;
  const bn = b.length;
  while (i < an || j < bn) {
    let firstDiff = 0;
    while ((i < an && !isDigitCode(a.charCodeAt(i))) || (j < bn && !isDigitCode(b.charCodeAt(j)))) {
      const ac = i < an && !isDigitCode(a.charCodeAt(i)) ? order(a.charCodeAt(i)) : 0;
      const bc = j < bn && !isDigitCode(b.charCodeAt(j)) ? order(b.charCodeAt(j)) : 0;
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (i < an && a.charCodeAt(i) === 48) i++;
    while (j < bn && b.charCodeAt(j) === 48) j++;
    while (i < an && isDigitCode(a.charCodeAt(i)) && j < bn && isDigitCode(b.charCodeAt(j))) {
      if (!firstDiff) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (i < an && isDigitCode(a.charCodeAt(i))) return 1;
    if (j < bn && isDigitCode(b.charCodeAt(j))) return -1;
    if (firstDiff) return firstDiff;
  }
  return 0;
}

/** dpkg ordering. */
export function compareDebian(a: DebianVersion, b: DebianVersion): number {
  return (
    compareDigits(a.epoch, b.epoch) || verrevcmp(a.upstream, b.upstream) || verrevcmp(a.revision, b.revision)
  );
}
