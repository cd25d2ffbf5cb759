/** Collector for PowerShell `Get-ItemProperty …\Uninstall\* | ConvertTo-Json` exports. */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import { headText } from '../app-common.js';
import { parseUninstallJson, WINDOWS_UNINSTALL_JSON_ID } from './parse.js';

/**
 * Conventional names: any `*.json` whose name contains `uninstall`, or starts with
 * `installed-programs`, `installed_programs`, `installedprograms` or `installed-software`.
 * Other names are recognised by {@link windowsUninstallJsonCollector.sniff}.
 */
function conventionalName(lower: string): boolean {
  if (!lower.endsWith('.json')) return false;
  return lower.includes('uninstall') || /^(installed[-_]?programs|installed[-_]software)/.test(lower);
}

/** PowerShell uninstall-key JSON collector (PS 5.1 UTF-16LE and PS 7 UTF-8). */
export const windowsUninstallJsonCollector = {
  id: WINDOWS_UNINSTALL_JSON_ID,
  version: 1,
  description:
    'PowerShell Get-ItemProperty …\\Uninstall\\* | ConvertTo-Json exports (HKLM, WOW6432Node, HKU, HKCU)',
  matches(file: FileRef): boolean {
    return conventionalName(file.lowerName);
  },
  sniff(head: Buffer): boolean {
    const t = headText(head)
      .replace(/^\uFEFF/, '')
      .trimStart();
    if (!(t.startsWith('[') || t.startsWith('{'))) return false;
    if (t.includes('"identifying_number"') || t.includes('"hostIdentifier"')) return false;
    return (
      t.includes('"PSPath"') ||
      (t.includes('"DisplayName"') && (t.includes('"DisplayVersion"') || t.includes('"UninstallString"')))
    );
  },
  collect(input: CollectorInput): CollectorResult {
    return parseUninstallJson(input.content, input.file.path);
  },
} satisfies Collector;
