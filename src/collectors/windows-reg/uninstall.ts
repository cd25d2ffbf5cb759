/**
 * The Windows "Uninstall" keys (what Programs and Features lists), shared by the `.reg` and the
 * PowerShell JSON collectors: which key paths count, which scope and user they mean, and how an
 * entry's values become an application observation.
 */
import type { SourceLocation } from '../../core/observation.js';
import type { AppObserved, IssueSink } from '../app-common.js';
import { nonEmpty } from '../app-common.js';

/** Where an uninstall entry lives. */
export interface UninstallKeyRef {
  hive: 'HKLM' | 'HKU' | 'HKCU';
  /** Under `WOW6432Node` (32-bit view on 64-bit Windows). */
  wow64: boolean;
  /** SID for HKU, `current` for HKCU. */
  user?: string;
  /** The entry's key name: product code GUID or an application-chosen name. */
  keyName: string;
}

const TAIL = String.raw`\\software\\(wow6432node\\)?microsoft\\windows\\currentversion\\uninstall\\([^\\]+)$`;
const HKLM_RE = new RegExp(String.raw`^(?:hkey_local_machine|hklm)` + TAIL, 'i');
const HKCU_RE = new RegExp(String.raw`^(?:hkey_current_user|hkcu)` + TAIL, 'i');
const HKU_RE = new RegExp(String.raw`^(?:hkey_users|hku)\\([^\\]+)` + TAIL, 'i');

/**
 * Classifies a registry key path (regedit form `HKEY_…\…`, PowerShell forms `HKLM:\…` and
 * `Microsoft.PowerShell.Core\Registry::HKEY_…\…`) as a direct subkey of an Uninstall key, or null.
 */
export function classifyUninstallPath(path: string): UninstallKeyRef | null {
  let p = path.trim();
  const provider = p.indexOf('::');
  if (provider >= 0) p = p.slice(provider + 2);
  p = p.replace(/^(hklm|hkcu|hku):/i, '$1').replace(/\\+$/, '');
  let m = HKLM_RE.exec(p);
  if (m?.[2] !== undefined) return { hive: 'HKLM', wow64: m[1] !== undefined, keyName: m[2] };
  m = HKCU_RE.exec(p);
  if (m?.[2] !== undefined)
    return { hive: 'HKCU', wow64: m[1] !== undefined, user: 'current', keyName: m[2] };
  m = HKU_RE.exec(p);
  if (m?.[1] !== undefined && m[3] !== undefined)
    return { hive: 'HKU', wow64: m[2] !== undefined, user: m[1], keyName: m[3] };
  return null;
}

/** The uninstall values the collectors read, already reduced to strings (or undefined). */
export interface UninstallFields {
  DisplayName?: string | undefined;
  DisplayVersion?: string | undefined;
  Publisher?: string | undefined;
  InstallLocation?: string | undefined;
}

/**
 * Builds the application observation for one uninstall entry, or null when it has no
 * DisplayName (Windows does not list such entries either). SystemComponent=1 entries are kept:
 * they are hidden from Programs and Features but installed all the same.
 */
export function uninstallEntryToApp(
  ref: UninstallKeyRef | null,
  keyName: string | undefined,
  fields: UninstallFields,
  source: SourceLocation,
): AppObserved | null {
  const name = nonEmpty(fields.DisplayName);
  if (name === undefined) return null;
  const app: AppObserved = {
    kind: 'app',
    name,
    platform: 'windows',
    scope: ref === null ? 'unknown' : ref.hive === 'HKLM' ? 'machine' : 'user',
    source,
  };
  const publisher = nonEmpty(fields.Publisher);
  if (publisher !== undefined) app.publisher = publisher;
  const version = nonEmpty(fields.DisplayVersion);
  if (version !== undefined) app.version = version;
  const productId = ref?.keyName ?? nonEmpty(keyName);
  if (productId !== undefined) app.productId = productId;
  const loc = nonEmpty(fields.InstallLocation);
  if (loc !== undefined) app.installLocation = loc;
  if (ref?.user !== undefined) app.user = ref.user;
  return app;
}

/** The value names read from an entry (for type checks). */
export const UNINSTALL_FIELDS: readonly (keyof UninstallFields)[] = [
  'DisplayName',
  'DisplayVersion',
  'Publisher',
  'InstallLocation',
];

/** Reports a field that exists but is not a string. */
export function reportNonString(sink: IssueSink, keyName: string, field: string, line?: number): void {
  sink.add('invalid-value', `uninstall entry "${keyName}": ${field} is not a string value; ignored`, {
    line,
  });
}
