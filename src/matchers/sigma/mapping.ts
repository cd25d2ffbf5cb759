/**
 * Logsource routing and field mappings as data (`mappings/sigma/logsources.yml`), validated with
 * zod at load. Strict: this is our own configuration, so a typo is an error, not a silent gap.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import type { SigmaLogsource } from '../../intel/sigma/types.js';

const Source = z
  .object({ channel: z.string().min(1), eventIds: z.array(z.number().int().nonnegative()).optional() })
  .strict();
const Match = z
  .object({ product: z.string().optional(), category: z.string().optional(), service: z.string().optional() })
  .strict();

/** The mapping file's schema. */
export const SigmaMappingFile = z
  .object({
    version: z.literal(1),
    logsources: z.array(z.object({ match: Match, sources: z.array(Source).min(1) }).strict()),
    fields: z
      .array(
        z
          .object({
            when: Source,
            aliases: z.record(z.string().min(1)),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();
/** The mapping file's type. */
export type SigmaMappingFile = z.infer<typeof SigmaMappingFile>;

/** Where one kind of rule's events come from. */
export interface RouteSource {
  /** Lower-cased channel. */
  channel: string;
  /** EventIDs as decimal strings; undefined = every EventID on the channel. */
  eventIds?: string[];
}

/** The loaded mapping, indexed for lookups. */
export interface SigmaMapping {
  /** Sources for a logsource, or undefined when it is not mapped. */
  route(ls: SigmaLogsource): RouteSource[] | undefined;
  /** Alias tables (Sigma name → log name, both lower-cased) for a channel and EventID. */
  aliases(channel: string, eventId: string): ReadonlyMap<string, string> | undefined;
}

function lsKey(ls: {
  product?: string | undefined;
  category?: string | undefined;
  service?: string | undefined;
}): string {
  return `${(ls.product ?? '').toLowerCase()}|${(ls.category ?? '').toLowerCase()}|${(ls.service ?? '').toLowerCase()}`;
}

/** Builds a {@link SigmaMapping} from validated data. */
export function buildMapping(data: SigmaMappingFile): SigmaMapping {
  const routes = new Map<string, RouteSource[]>();
  for (const e of data.logsources) {
    const k = lsKey(e.match);
    const list = routes.get(k) ?? [];
    for (const s of e.sources) {
      const r: RouteSource = { channel: s.channel.toLowerCase() };
      if (s.eventIds) r.eventIds = s.eventIds.map(String);
      list.push(r);
    }
    routes.set(k, list);
  }
  const byChannel = new Map<string, { eventIds?: Set<string>; aliases: Map<string, string> }[]>();
  for (const f of data.fields) {
    const ch = f.when.channel.toLowerCase();
    const aliases = new Map(
      Object.entries(f.aliases).map(([k, v]) => [k.toLowerCase(), v.toLowerCase()] as const),
    );
    const entry: { eventIds?: Set<string>; aliases: Map<string, string> } = { aliases };
    if (f.when.eventIds) entry.eventIds = new Set(f.when.eventIds.map(String));
    const list = byChannel.get(ch) ?? [];
    list.push(entry);
    byChannel.set(ch, list);
  }
  const aliasCache = new Map<string, Map<string, ReadonlyMap<string, string> | undefined>>();
  return {
    route: (ls) => routes.get(lsKey(ls)),
    aliases(channel, eventId) {
      let byEid = aliasCache.get(channel);
      if (!byEid) {
        byEid = new Map();
        if (aliasCache.size < 10_000) aliasCache.set(channel, byEid);
      }
      if (byEid.has(eventId)) return byEid.get(eventId);
      const entries = byChannel.get(channel.toLowerCase());
      let merged: Map<string, string> | undefined;
      for (const e of entries ?? []) {
        if (e.eventIds && !e.eventIds.has(eventId)) continue;
        merged ??= new Map();
        for (const [k, v] of e.aliases) if (!merged.has(k)) merged.set(k, v);
      }
      if (byEid.size < 10_000) byEid.set(eventId, merged);
      return merged;
    },
  };
}

/** Finds `mappings/sigma/logsources.yml` by walking up from this module (works from src/ and dist/). */
export function defaultMappingPath(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    const p = path.join(dir, 'mappings', 'sigma', 'logsources.yml');
    if (existsSync(p)) return p;
    const up = path.dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return undefined;
}

/** Parses and validates mapping YAML text; throws a descriptive error when it is invalid (our config). */
export function parseMapping(text: string, file = 'logsources.yml'): SigmaMapping {
  const raw: unknown = parseYaml(text);
  const r = SigmaMappingFile.safeParse(raw);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new Error(`invalid Sigma mapping ${file}: ${i?.path.join('.') ?? ''}: ${i?.message ?? 'invalid'}`);
  }
  return buildMapping(r.data);
}

let cached: SigmaMapping | undefined;
/** Loads (once) the shipped mapping. */
export function loadDefaultMapping(): SigmaMapping {
  if (cached) return cached;
  const p = defaultMappingPath();
  if (!p) throw new Error('mappings/sigma/logsources.yml not found beside the package');
  cached = parseMapping(readFileSync(p, 'utf8'), p);
  return cached;
}
