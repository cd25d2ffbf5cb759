/**
 * Host context. A host manifest (`chainhunt-host.json`) marks the root of one host's evidence
 * bundle; see docs/host-manifest.md and schemas/host-manifest.schema.json.
 */
export type Platform = 'windows' | 'macos' | 'linux' | 'unknown';

export interface HostContext {
  /** Stable host id (from the manifest, else the scanned path's base name). */
  id: string;
  hostname?: string;
  os?: Platform;
  osVersion?: string;
  tenant?: string;
  /** ISO 8601 time the evidence was collected. */
  collectedAt?: string;
  /** The path of the bundle root as given or walked. */
  root: string;
  /** Whether the context came from a manifest file. */
  fromManifest: boolean;
}
