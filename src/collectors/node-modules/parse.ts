/**
 * Pure reader for installed npm packages: a `package.json` directly inside `node_modules/<name>/`
 * or `node_modules/@scope/<name>/` (nested `node_modules` and pnpm's `.pnpm` store included).
 */
import { issue } from '../../core/issue.js';
import type { CollectorResult } from '../../core/plugin.js';
import { decodeLockfile, isRecord, isValidNpmName, toObservations } from '../../util/npm.js';
import type { NpmRecord } from '../../util/npm.js';

/** Plugin id, used on issues. */
export const NODE_MODULES_ID = 'collectors/node-modules';

/**
 * The folder name a `package.json` path is installed under (`…/node_modules/@s/x/package.json`
 * gives `@s/x`), or undefined when the file is not directly inside a package folder.
 */
export function installedFolderName(path: string): string | undefined {
  const p = path.replace(/\\/g, '/');
  const parts = p.split('/');
  if (parts.length < 3 || parts[parts.length - 1]!.toLowerCase() !== 'package.json') return undefined;
  const dir = parts[parts.length - 2]!;
  const up = parts[parts.length - 3]!;
  if (up === 'node_modules') return dir.startsWith('@') || dir.startsWith('.') ? undefined : dir;
  if (up.startsWith('@') && up.length > 1 && parts.length >= 4 && parts[parts.length - 4] === 'node_modules')
    return `${up}/${dir}`;
  return undefined;
}

/**
 * Reads one installed package's `package.json`. The package is named by its `name` field (the
 * folder name differs for aliases); a missing or invalid name or version is an issue.
 */
export function parseInstalledPackage(content: Uint8Array, file: string): CollectorResult {
  const at = { file, pluginId: NODE_MODULES_ID };
  const folder = installedFolderName(file);
  const dec = decodeLockfile(content, file, NODE_MODULES_ID);
  if ('issue' in dec) return { observations: [], issues: [dec.issue] };
  let doc: unknown;
  try {
    doc = JSON.parse(dec.text);
  } catch (e) {
    return {
      observations: [],
      issues: [issue('parse-error', `not valid JSON: ${(e as Error).message}`, at)],
    };
  }
  if (!isRecord(doc))
    return { observations: [], issues: [issue('invalid-value', 'package.json is not an object', at)] };
  const nameField = doc['name'];
  const version = doc['version'];
  const name = typeof nameField === 'string' && nameField !== '' ? nameField : folder;
  if (name === undefined || !isValidNpmName(name)) {
    return {
      observations: [],
      issues: [issue('invalid-value', `invalid package name ${JSON.stringify(nameField ?? null)}`, at)],
    };
  }
  if (typeof version !== 'string' || version === '') {
    return { observations: [], issues: [issue('invalid-value', `${name}: missing version`, at)] };
  }
  const rec: NpmRecord = { name, version, line: 1, source: 'registry' };
  if (
    doc['_resolved'] !== undefined &&
    typeof doc['_resolved'] === 'string' &&
    /^git/.test(doc['_resolved'])
  ) {
    rec.source = 'git';
    rec.resolved = doc['_resolved'];
  }
  return { observations: toObservations([rec], file), issues: [] };
}
