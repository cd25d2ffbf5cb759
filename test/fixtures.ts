/** Test helpers: locating shared data (failing clearly when absent) and building collector inputs. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HostContext } from '../src/core/host.js';
import type { CollectorInput, FileRef } from '../src/core/plugin.js';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Path into ../shared/data; throws with a clear message when the shared data is absent. */
export function sharedData(...parts: string[]): string {
  const p = path.resolve(repoRoot, '..', 'shared', 'data', ...parts);
  if (!existsSync(p)) {
    throw new Error(`shared test data missing: ${p} (clone ../shared beside the repository)`);
  }
  return p;
}

export function fileRef(p: string, size = 0): FileRef {
  const name = p.split(/[\\/]/).pop() ?? p;
  return { path: p, name, lowerName: name.toLowerCase(), size };
}

export const testHost: HostContext = { id: 'test-host', root: '/evidence', fromManifest: false };

/** A collector input for `content` at path `p`. */
export function collectorInput(p: string, content: Buffer | string): CollectorInput {
  const buf = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { file: fileRef(p, buf.length), content: buf, host: testHost, signal: new AbortController().signal };
}
