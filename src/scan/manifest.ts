/**
 * Host manifest: `chainhunt-host.json` at the root of one host's evidence bundle. A directory (or
 * archive) of bundles is a fleet; findings are per host. See docs/host-manifest.md.
 */
import { z } from 'zod';
import type { HostContext } from '../core/host.js';
import { issue, type Issue } from '../core/issue.js';
import { decodeText } from '../util/text.js';

export const MANIFEST_NAME = 'chainhunt-host.json';

/** The manifest as written by collection scripts (strict for known fields, extra fields allowed). */
export const HostManifest = z
  .object({
    schema: z.literal('chainhunt-host/1'),
    hostId: z.string().min(1).max(256),
    hostname: z.string().max(256).optional(),
    os: z.enum(['windows', 'macos', 'linux', 'unknown']).optional(),
    osVersion: z.string().max(256).optional(),
    tenant: z.string().min(1).max(256).optional(),
    collectedAt: z.string().datetime({ offset: true }).optional(),
  })
  .passthrough();
export type HostManifest = z.infer<typeof HostManifest>;

/** Parses a manifest; on failure returns issues and null (the bundle is then treated as unnamed). */
export function parseManifest(
  content: Buffer,
  file: string,
): { manifest: HostManifest | null; issues: Issue[] } {
  const text = decodeText(content);
  if (!text)
    return {
      manifest: null,
      issues: [issue('encoding', 'host manifest is not valid UTF-8/UTF-16 text', { file })],
    };
  let raw: unknown;
  try {
    raw = JSON.parse(text.text);
  } catch (err) {
    return {
      manifest: null,
      issues: [issue('parse-error', `host manifest is not JSON: ${(err as Error).message}`, { file })],
    };
  }
  const parsed = HostManifest.safeParse(raw);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first ? `${first.path.join('.') || '(root)'}: ${first.message}` : 'invalid';
    return {
      manifest: null,
      issues: [issue('invalid-value', `host manifest invalid at ${where}`, { file })],
    };
  }
  return { manifest: parsed.data, issues: [] };
}

/** Host context from a manifest found at bundle root `root`. */
export function hostFromManifest(m: HostManifest, root: string): HostContext {
  const h: HostContext = { id: m.hostId, root, fromManifest: true };
  if (m.hostname !== undefined) h.hostname = m.hostname;
  if (m.os !== undefined) h.os = m.os;
  if (m.osVersion !== undefined) h.osVersion = m.osVersion;
  if (m.tenant !== undefined) h.tenant = m.tenant;
  if (m.collectedAt !== undefined) h.collectedAt = m.collectedAt;
  return h;
}
