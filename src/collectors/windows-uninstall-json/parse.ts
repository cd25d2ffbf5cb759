/**
 * Pure parser for PowerShell exports of the Uninstall keys:
 * `Get-ItemProperty HKLM:\…\Uninstall\*, HKCU:\…\Uninstall\*, Registry::HKEY_USERS\*\…\Uninstall\* | ConvertTo-Json`
 * as Windows PowerShell 5.1 (UTF-16LE with BOM when redirected with `>`) and PowerShell 7 (UTF-8
 * without BOM) write it: an array of objects, a single object (one entry), or PS 5's
 * `{ "value": [...], "Count": n }` wrapper. `PSPath` tells the hive and thus the scope.
 */
import type { CollectorResult } from '../../core/plugin.js';
import type { AppObserved } from '../app-common.js';
import {
  decodeEvidenceText,
  IssueSink,
  jsonElementLines,
  parseJsonWithIssue,
  sortObserved,
} from '../app-common.js';
import type { UninstallFields } from '../windows-reg/uninstall.js';
import { classifyUninstallPath, UNINSTALL_FIELDS, uninstallEntryToApp } from '../windows-reg/uninstall.js';

/** Plugin id. */
export const WINDOWS_UNINSTALL_JSON_ID = 'collectors/windows-uninstall-json';

/** Parses a ConvertTo-Json export into application observations and issues. Never throws. */
export function parseUninstallJson(content: Uint8Array, file: string): CollectorResult {
  const sink = new IssueSink(file, WINDOWS_UNINSTALL_JSON_ID);
  const observations: AppObserved[] = [];
  const decoded = decodeEvidenceText(content, sink);
  if (decoded === null) return { observations, issues: sink.done() };
  const data = parseJsonWithIssue(decoded.text, sink);
  if (data === undefined) return { observations, issues: sink.done() };
  let items: unknown[];
  let lines: number[] = [];
  if (Array.isArray(data)) {
    items = data;
    lines = jsonElementLines(decoded.text);
  } else if (isObject(data) && Array.isArray(data['value']) && 'Count' in data) {
    items = data['value'] as unknown[];
  } else if (isObject(data)) {
    items = [data];
    lines = [1];
  } else {
    sink.add('parse-error', 'expected a JSON array of uninstall entries or one entry object', { line: 1 });
    return { observations, issues: sink.done() };
  }
  if (lines.length !== items.length) lines = [];
  items.forEach((item, idx) => {
    const line = lines[idx];
    if (!isObject(item)) {
      sink.add('invalid-value', `element ${idx} is not an object`, { line: line ?? 1 });
      return;
    }
    const psPath = item['PSPath'];
    const childName = typeof item['PSChildName'] === 'string' ? item['PSChildName'] : undefined;
    let ref = null;
    if (typeof psPath === 'string') {
      ref = classifyUninstallPath(psPath);
      if (ref === null) return; // some other registry key: not an uninstall entry
    }
    const fields: UninstallFields = {};
    for (const f of UNINSTALL_FIELDS) {
      const v = item[f];
      if (v === undefined || v === null) continue;
      if (typeof v === 'string') fields[f] = v;
      else
        sink.add(
          'invalid-value',
          `entry ${JSON.stringify(ref?.keyName ?? childName ?? String(idx))}: ${f} is not a string; ignored`,
          { line: line ?? 1 },
        );
    }
    const app = uninstallEntryToApp(ref, childName, fields, line === undefined ? { file } : { file, line });
    if (app !== null) observations.push(app);
  });
  if (
    observations.length === 0 &&
    items.length > 0 &&
    !items.some((i) => isObject(i) && ('DisplayName' in i || 'PSPath' in i))
  ) {
    sink.add('parse-error', 'no element has DisplayName or PSPath: not a Get-ItemProperty uninstall export', {
      line: 1,
    });
  }
  return { observations: sortObserved(observations), issues: sink.done() };
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
