/**
 * Permissive zod schemas for OSV records (schema up to 1.7). Untrusted: every field is optional or
 * defaulted, lengths are capped, and what does not fit is reported by the parser, not thrown.
 */
import { z } from 'zod';

const Str = z.string().max(65_536);
const LongStr = z.string().max(4 * 1024 * 1024);

export const OsvEvent = z
  .object({
    introduced: Str.optional(),
    fixed: Str.optional(),
    last_affected: Str.optional(),
    limit: Str.optional(),
  })
  .passthrough();

export const OsvRange = z
  .object({ type: Str, repo: Str.optional(), events: z.array(z.unknown()).max(100_000) })
  .passthrough();

export const OsvAffectedEntry = z
  .object({
    package: z.object({ ecosystem: Str, name: Str, purl: Str.optional() }).passthrough().optional(),
    ranges: z.array(z.unknown()).max(10_000).optional(),
    versions: z.array(z.unknown()).max(1_000_000).optional(),
    severity: z.array(z.unknown()).optional(),
    ecosystem_specific: z.unknown().optional(),
    database_specific: z.unknown().optional(),
  })
  .passthrough();

export const OsvSeverity = z.object({ type: Str, score: Str }).passthrough();

export const OsvRecord = z
  .object({
    schema_version: Str.optional(),
    id: z.string().min(1).max(256),
    modified: Str.optional(),
    published: Str.optional(),
    withdrawn: Str.optional(),
    aliases: z.array(Str).max(10_000).optional().catch(undefined),
    related: z.array(Str).max(10_000).optional().catch(undefined),
    upstream: z.array(Str).max(10_000).optional().catch(undefined),
    summary: LongStr.optional().catch(undefined),
    details: LongStr.optional().catch(undefined),
    severity: z.array(z.unknown()).optional().catch(undefined),
    affected: z.array(z.unknown()).max(100_000).optional(),
    references: z.array(z.unknown()).max(100_000).optional().catch(undefined),
    database_specific: z.unknown().optional(),
  })
  .passthrough();
export type OsvRecord = z.infer<typeof OsvRecord>;
