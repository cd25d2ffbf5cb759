/**
 * Host assignment: every evidence entry belongs to the deepest bundle root (a folder or archive
 * holding `chainhunt-host.json`) above it; entries under no manifest belong to the scan root's
 * default host, named after the root's base name (archive extensions dropped).
 */
import path from 'node:path';
import type { HostContext } from '../core/host.js';
import type { Issue } from '../core/issue.js';
import { hostFromManifest, MANIFEST_NAME, parseManifest } from './manifest.js';
import type { EvidenceEntry } from './walk.js';

/** Host id for a scan root without a manifest. */
export function defaultHostId(root: string): string {
  const trimmed = root.replace(/[\\/]+$/, '');
  let base = path.basename(trimmed === '' || trimmed === '.' ? process.cwd() : path.resolve(trimmed));
  base = base.replace(/\.(tar\.gz|tgz|tar|zip)$/i, '');
  return base || 'host';
}

/** The directory part of an entry's relative path (`a/b!/c/x.json` → `a/b!/c`). */
function relDir(rel: string): string {
  const i = Math.max(rel.lastIndexOf('/'), rel.lastIndexOf('!/') + 1);
  if (i <= 0) return '';
  return rel.slice(0, rel[i - 1] === '!' ? i - 1 : i);
}

function within(rel: string, dir: string): boolean {
  return dir === '' || rel.startsWith(`${dir}/`) || rel.startsWith(`${dir}!/`);
}

export interface HostAssignment {
  /** Host for each entry (same order as the entries). */
  hostOf: HostContext[];
  hosts: HostContext[];
  issues: Issue[];
}

/**
 * Assigns hosts. `readManifests` returns the bytes of the manifest entries it is given, reading
 * each archive once for all of its manifests (the runner owns I/O).
 */
export async function assignHosts(
  root: string,
  entries: readonly EvidenceEntry[],
  readManifests: (manifests: readonly EvidenceEntry[]) => Promise<Map<EvidenceEntry, Buffer>>,
): Promise<HostAssignment> {
  const issues: Issue[] = [];
  const bundles: { dir: string; host: HostContext }[] = [];
  const manifests = entries.filter((e) => e.ref.lowerName === MANIFEST_NAME);
  const contents = manifests.length ? await readManifests(manifests) : new Map<EvidenceEntry, Buffer>();
  for (const e of manifests) {
    const content = contents.get(e);
    if (!content) continue;
    const { manifest, issues: mi } = parseManifest(content, e.ref.path);
    issues.push(...mi.map((i) => ({ ...i, pluginId: 'scan/manifest' })));
    if (!manifest) continue;
    const dir = relDir(e.rel);
    const shownRoot = e.ref.path.slice(0, e.ref.path.length - e.ref.name.length).replace(/(!)?\/$/, '');
    bundles.push({ dir, host: hostFromManifest(manifest, shownRoot || root) });
  }
  // Deepest first, so the first containing bundle is the nearest.
  bundles.sort((a, b) => b.dir.length - a.dir.length);
  const fallback: HostContext = { id: defaultHostId(root), root, fromManifest: false };
  let usedFallback = false;
  const hostOf = entries.map((e) => {
    const b = bundles.find((x) => within(e.rel, x.dir));
    if (b) return b.host;
    usedFallback = true;
    return fallback;
  });
  const hosts = bundles.map((b) => b.host);
  if (usedFallback || bundles.length === 0) hosts.push(fallback);
  return { hostOf, hosts, issues };
}

/** Key of a host: hosts are distinct per (tenant, id), so two customers' "pc-01" stay apart. */
export function hostKey(h: { id: string; tenant?: string | undefined }): string {
  return `${h.tenant ?? ''}\u0000${h.id}`;
}
