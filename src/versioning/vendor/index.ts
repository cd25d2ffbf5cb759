/**
 * `vendor`: dotted numeric versions of desktop applications (18.12.416, 10.0.19045.2846,
 * 2.3.1-beta, 7.1 build 5). Numeric parts compare as integers; missing trailing parts are zero
 * (18.12 == 18.12.0); a trailing non-numeric tag (`-beta`, `rc1`) sorts before the same numbers
 * without a tag, and tags compare part by part (numbers numerically, text lexically).
 */
import { defineComparator } from '../generic.js';

/** A parsed vendor version: numeric parts (trailing zeros dropped) and a pre-release tag. */
export interface VendorVersion {
  nums: number[];
  tag: (number | string)[];
}

const MAX_LEN = 128;
const VENDOR_RE =
  /^v?(\d{1,18}(?:\.\d{1,18})*)(?:\s*(?:[-+_ ]|\s*build\s*)?\s*([0-9A-Za-z][0-9A-Za-z.\-_ ]*))?$/i;

function parse(version: string): VendorVersion | null {
  const v = version.trim();
  if (v.length === 0 || v.length > MAX_LEN) return null;
  const m = VENDOR_RE.exec(v);
  if (!m?.[1]) return null;
  const nums = m[1].split('.').map(Number);
  const rawTag = m[2];
  const tag: (number | string)[] = [];
  if (rawTag) {
    // "build 5" style suffixes are extra numeric parts; other tags are pre-release labels.
    if (/^\d+$/.test(rawTag)) {
      nums.push(Number(rawTag));
    } else {
      for (const part of rawTag.toLowerCase().match(/\d+|[a-z]+/g) ?? []) {
        tag.push(/^\d+$/.test(part) ? Number(part) : part);
      }
    }
  }
  while (nums.length > 1 && nums[nums.length - 1] === 0) nums.pop();
  return { nums, tag };
}

function compareParsed(a: VendorVersion, b: VendorVersion): number {
  const n = Math.max(a.nums.length, b.nums.length);
  for (let i = 0; i < n; i++) {
    const d = (a.nums[i] ?? 0) - (b.nums[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  // Same numbers: untagged (release) is greater than tagged (pre-release).
  if (a.tag.length === 0 || b.tag.length === 0)
    return b.tag.length - a.tag.length === 0 ? 0 : a.tag.length === 0 ? 1 : -1;
  const m = Math.max(a.tag.length, b.tag.length);
  for (let i = 0; i < m; i++) {
    const x = a.tag[i];
    const y = b.tag[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x < y ? -1 : 1;
    if (typeof x === 'number') return -1;
    if (typeof y === 'number') return 1;
    return x < y ? -1 : 1;
  }
  return 0;
}

/** The vendor comparator (with the shared bounded parse cache). */
export const vendorComparator = defineComparator<VendorVersion>(
  {
    id: 'versioning/vendor',
    version: 1,
    scheme: 'vendor',
    description: 'Dotted numeric vendor application versions (18.12.416, 10.0.19045.2846)',
  },
  { parse, compareParsed },
);
