/**
 * Product recognition for vendor advisories: exact identifiers first (bundle id, product code),
 * then folded names with `*` wildcards, with exclusions and publisher checks. No fuzzy matching:
 * "3CX Phone System" is not "3CX Desktop App" unless an advisory names it.
 */
import type { AppObservation } from '../../core/observation.js';
import type { ProductMatcher } from '../../core/intel.js';
import { wildcardMatch } from '../../util/glob.js';
import { foldName } from '../../util/text.js';

/** A product matcher with folded patterns, built once per advisory. */
export interface CompiledProduct {
  names: string[];
  excludes: string[];
  publishers: string[];
  bundleIds: Set<string>;
  productIds: Set<string>;
}

export function compileProduct(p: ProductMatcher): CompiledProduct {
  return {
    names: p.names.map(foldName),
    excludes: (p.excludeNames ?? []).map(foldName),
    publishers: (p.publishers ?? []).map(foldName),
    bundleIds: new Set(p.bundleIds ?? []),
    productIds: new Set((p.productIds ?? []).map((s) => s.toLowerCase())),
  };
}

/** How an app was recognised, or null. */
export type ProductMatch = { by: 'bundle-id' | 'product-id' | 'name'; pattern: string };

export function matchProduct(app: AppObservation, p: CompiledProduct): ProductMatch | null {
  if (app.bundleId !== undefined && p.bundleIds.has(app.bundleId))
    return { by: 'bundle-id', pattern: app.bundleId };
  if (app.productId !== undefined && p.productIds.has(app.productId.toLowerCase())) {
    return { by: 'product-id', pattern: app.productId };
  }
  const name = foldName(app.name);
  if (p.excludes.some((x) => wildcardMatch(x, name))) return null;
  const hit = p.names.find((n) => wildcardMatch(n, name));
  if (hit === undefined) return null;
  if (p.publishers.length > 0 && app.publisher !== undefined && app.publisher.trim() !== '') {
    const pub = foldName(app.publisher);
    if (!p.publishers.some((x) => wildcardMatch(x, pub))) return null;
  }
  return { by: 'name', pattern: hit };
}
