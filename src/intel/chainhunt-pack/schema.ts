/**
 * zod schemas of the chainhunt intel pack (`"schema": "chainhunt-intel/1"`). Each record is parsed
 * on its own (see parse.ts), so one bad advisory or indicator is dropped with an issue while the
 * rest of the pack loads. Unknown fields are ignored (forward compatible); values that are present
 * but malformed are errors. The published JSON Schema is schemas/intel-pack.schema.json.
 */
import { z } from 'zod';
import { INDICATOR_TYPES } from '../../core/intel.js';
import { SEVERITIES } from '../../core/severity.js';

/** The schema identifier prefix; the part after `/` is the major format version. */
export const PACK_SCHEMA_PREFIX = 'chainhunt-intel/';
/** The format version this importer reads. */
export const PACK_SCHEMA = 'chainhunt-intel/1';

const NonEmpty = z.string().trim().min(1, 'must be a non-empty string');
const Version = z.string().trim().min(1, 'version must be a non-empty string').max(200);
const Id = z
  .string()
  .trim()
  .min(1, 'id must be a non-empty string')
  .max(200)
  .refine((s) => !hasSpaceOrControl(s), 'id must not contain whitespace or control characters');

function hasSpaceOrControl(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f || c === 0x85 || c === 0xa0 || c === 0x2028 || c === 0x2029) return true;
  }
  return false;
}

/** A publisher of intel, with its licence. */
export const PackSource = z.object({
  id: Id,
  name: NonEmpty,
  url: z.string().url().optional(),
  license: NonEmpty.optional(),
});
export type PackSource = z.infer<typeof PackSource>;

/** How to recognise the product among installed applications. */
export const PackProductMatcher = z
  .object({
    names: z.array(NonEmpty).default([]),
    publishers: z.array(NonEmpty).optional(),
    bundleIds: z.array(NonEmpty).optional(),
    productIds: z.array(NonEmpty).optional(),
    excludeNames: z.array(NonEmpty).optional(),
  })
  .refine(
    (p) => p.names.length > 0 || (p.bundleIds?.length ?? 0) > 0 || (p.productIds?.length ?? 0) > 0,
    'product needs at least one of names, bundleIds, productIds',
  );
export type PackProductMatcher = z.infer<typeof PackProductMatcher>;

/** A vendor version range (OSV-like events). `fixed` and `lastAffected` are mutually exclusive. */
export const PackRange = z
  .object({
    introduced: Version.optional(),
    fixed: Version.optional(),
    lastAffected: Version.optional(),
  })
  .refine(
    (r) => r.introduced !== undefined || r.fixed !== undefined || r.lastAffected !== undefined,
    'range needs introduced, fixed or lastAffected',
  )
  .refine(
    (r) => !(r.fixed !== undefined && r.lastAffected !== undefined),
    'range may not have both fixed and lastAffected',
  );
export type PackRange = z.infer<typeof PackRange>;

/** One product on one platform with its affected and fixed versions. */
export const PackAffected = z
  .object({
    product: PackProductMatcher,
    platform: z.enum(['windows', 'macos', 'linux', 'any']),
    versions: z.array(Version).optional(),
    ranges: z.array(PackRange).optional(),
    fixed: z.array(Version).optional(),
  })
  .refine(
    (a) => (a.versions?.length ?? 0) > 0 || (a.ranges?.length ?? 0) > 0,
    'affected entry needs versions or ranges',
  );
export type PackAffected = z.infer<typeof PackAffected>;

/** An advisory about a vendor (desktop) application. */
export const PackAdvisory = z.object({
  id: Id,
  aliases: z.array(Id).default([]),
  source: Id,
  kind: z.literal('vendor-app').default('vendor-app'),
  summary: NonEmpty,
  details: z.string().optional(),
  severity: z.enum(SEVERITIES),
  published: z.string().datetime({ offset: true }).optional(),
  modified: z.string().datetime({ offset: true }).optional(),
  /** Checked one by one by the parser (a bad reference is dropped, not the advisory). */
  references: z.array(z.string()).default([]),
  remediation: NonEmpty.optional(),
  malicious: z.boolean().optional(),
  affected: z.array(z.unknown()),
});
export type PackAdvisory = z.infer<typeof PackAdvisory>;

/** One indicator of compromise. The value is normalised by the importer (see normalize.ts). */
export const PackIndicator = z.object({
  type: z.enum(INDICATOR_TYPES),
  value: NonEmpty.pipe(z.string().max(4096, 'value longer than 4096 characters')),
  source: Id,
  sourceRef: NonEmpty.optional(),
  description: z.string().optional(),
  severity: z.enum(SEVERITIES).optional(),
  advisoryId: Id.optional(),
  patternSyntax: z.enum(['glob', 'regex']).optional(),
  score: z.number().int().min(0).max(100).optional(),
  test: z.boolean().optional(),
  excludePattern: NonEmpty.optional(),
});
export type PackIndicator = z.infer<typeof PackIndicator>;

/** The pack envelope; its arrays are checked item by item afterwards. */
export const PackEnvelope = z.object({
  schema: z.string(),
  id: Id,
  name: NonEmpty,
  version: Version,
  description: z.string().optional(),
  sources: z.array(z.unknown()).default([]),
  advisories: z.array(z.unknown()).default([]),
  indicators: z.array(z.unknown()).default([]),
  checksum: z.string().optional(),
});
export type PackEnvelope = z.infer<typeof PackEnvelope>;
