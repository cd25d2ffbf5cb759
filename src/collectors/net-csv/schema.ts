/** Field mappings for generic CSV / JSONL network logs: data, validated with zod at load. */
import { z } from 'zod';

/** Contact fields a mapping can fill. */
export const MAPPABLE_FIELDS = [
  'time',
  'src',
  'srcPort',
  'dst',
  'dstPort',
  'fqdn',
  'url',
  'sni',
  'userAgent',
  'bytesIn',
  'bytesOut',
  'protocol',
] as const;
export type MappableField = (typeof MAPPABLE_FIELDS)[number];

/** One mapping: where each contact field comes from (column names, `#n` indexes, or dotted JSON paths; first present wins). */
export const FieldMapping = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/),
    description: z.string().optional(),
    format: z.enum(['csv', 'jsonl']),
    /** CSV delimiter (one character); default `,`. */
    delimiter: z.string().length(1).optional(),
    /** Whether a CSV file starts with a header row; default true. */
    header: z.boolean().optional(),
    /** Glob patterns over the lower-cased path that select the mapping (`*` any run). */
    fileNames: z.array(z.string().min(1)).default([]),
    detect: z
      .object({
        /** Header columns (CSV) or keys (JSONL) that must all be present; `a|b` accepts either. */
        columns: z.array(z.string().min(1)).optional(),
        /** Headerless CSV: minimum number of columns. */
        minColumns: z.number().int().positive().optional(),
      })
      .strict()
      .default({}),
    fields: z.record(z.enum(MAPPABLE_FIELDS), z.array(z.string().min(1)).min(1)),
    timeFormat: z.enum(['auto', 'iso', 'epoch-s', 'epoch-ms']).default('auto'),
    logType: z.string().min(1),
  })
  .strict();
export type FieldMapping = z.infer<typeof FieldMapping>;

/** A file of mappings. */
export const MappingFile = z.object({ mappings: z.array(FieldMapping) }).strict();
export type MappingFile = z.infer<typeof MappingFile>;
