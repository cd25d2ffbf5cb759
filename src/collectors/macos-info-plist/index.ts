/** Collector for macOS application bundles: `<Name>.app/Contents/Info.plist` (XML or binary). */
import type { HostContext } from '../../core/host.js';
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import type { AppObserved } from '../app-common.js';
import { decodeEvidenceText, IssueSink, macScopeFromPath, nonEmpty } from '../app-common.js';
import type { PlistValue } from './parse.js';
import { parsePlist } from './parse.js';

/** Plugin id. */
export const MACOS_INFO_PLIST_ID = 'collectors/macos-info-plist';

const SUFFIX = '.app/contents/info.plist';

/**
 * True for `…/<Name>.app/Contents/Info.plist` that is not inside another `.app` (helper apps of
 * Electron bundles, login items and the like are parts of their parent application).
 */
export function isTopLevelAppInfoPlist(path: string): boolean {
  const p = path.replace(/\\/g, '/').toLowerCase();
  if (!p.endsWith(SUFFIX)) return false;
  const before = p.slice(0, p.length - SUFFIX.length);
  return !before.includes('.app/');
}

/**
 * The `.app` folder as a path on the host: the walked path without the bundle root (or archive
 * prefix), with a leading `/`.
 */
export function appPathOnHost(filePath: string, host: Pick<HostContext, 'root'>): string {
  let p = filePath.replace(/\\/g, '/');
  p = p.slice(0, p.length - '/Contents/Info.plist'.length);
  const bang = p.lastIndexOf('!/');
  if (bang >= 0) p = p.slice(bang + 2);
  else {
    const root = host.root.replace(/\\/g, '/').replace(/\/+$/, '');
    if (root !== '' && p.startsWith(`${root}/`)) p = p.slice(root.length + 1);
  }
  return p.startsWith('/') ? p : `/${p}`;
}

function str(v: PlistValue | undefined): string | undefined {
  return typeof v === 'string' ? nonEmpty(v) : undefined;
}

/** Parses one Info.plist into an application observation. Never throws. */
export function collectInfoPlist(
  content: Uint8Array,
  filePath: string,
  host: Pick<HostContext, 'root'>,
): CollectorResult {
  const sink = new IssueSink(filePath, MACOS_INFO_PLIST_ID);
  if (content.length === 0) {
    sink.add('empty', 'file is empty');
    return { observations: [], issues: sink.done() };
  }
  const { root } = parsePlist(content, sink, (b) => decodeEvidenceText(b, sink)?.text ?? null);
  if (root === undefined) return { observations: [], issues: sink.done() };
  if (!(root instanceof Map)) {
    sink.add('invalid-value', 'Info.plist root is not a dictionary', { line: 1, offset: 0 });
    return { observations: [], issues: sink.done() };
  }
  const installLocation = appPathOnHost(filePath, host);
  const folder = installLocation
    .split('/')
    .pop()
    ?.replace(/\.app$/i, '');
  const name = str(root.get('CFBundleDisplayName')) ?? str(root.get('CFBundleName')) ?? nonEmpty(folder);
  if (name === undefined) {
    sink.add(
      'invalid-value',
      'Info.plist names no application (CFBundleDisplayName / CFBundleName) and the folder name is empty',
      { line: 1, offset: 0 },
    );
    return { observations: [], issues: sink.done() };
  }
  const scope = macScopeFromPath(installLocation);
  const app: AppObserved = {
    kind: 'app',
    name,
    platform: 'macos',
    scope: scope.scope,
    installLocation,
    source: { file: filePath },
  };
  if (scope.user !== undefined) app.user = scope.user;
  const version = str(root.get('CFBundleShortVersionString'));
  if (version !== undefined) app.version = version;
  const build = str(root.get('CFBundleVersion'));
  if (build !== undefined) app.build = build;
  const bundleId = str(root.get('CFBundleIdentifier'));
  if (bundleId !== undefined) app.bundleId = bundleId;
  for (const k of ['CFBundleShortVersionString', 'CFBundleIdentifier', 'CFBundleName'] as const) {
    const v = root.get(k);
    if (v !== undefined && typeof v !== 'string')
      sink.add('invalid-value', `${k} is not a string; ignored`, { line: 1, offset: 0 });
  }
  return { observations: [app], issues: sink.done() };
}

/** macOS `.app` bundle collector (XML and binary Info.plist). */
export const macosInfoPlistCollector = {
  id: MACOS_INFO_PLIST_ID,
  version: 1,
  description: 'macOS application bundles: <Name>.app/Contents/Info.plist, XML or binary (bplist00)',
  matches(file: FileRef): boolean {
    return file.lowerName === 'info.plist' && isTopLevelAppInfoPlist(file.path);
  },
  collect(input: CollectorInput): CollectorResult {
    return collectInfoPlist(input.content, input.file.path, input.host);
  },
} satisfies Collector;
