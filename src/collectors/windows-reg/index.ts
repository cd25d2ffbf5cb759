/** Collector for regedit `.reg` exports of the Windows Uninstall keys (HKLM, WOW6432Node, HKU, HKCU). */
import type { Collector, CollectorInput, CollectorResult, FileRef } from '../../core/plugin.js';
import type { AppObserved } from '../app-common.js';
import { IssueSink, headText, sortObserved } from '../app-common.js';
import { mergeSections, parseRegFile, REGEDIT4_HEADER, REGEDIT5_HEADER, stringValue } from './parse.js';
import type { UninstallFields } from './uninstall.js';
import {
  classifyUninstallPath,
  reportNonString,
  UNINSTALL_FIELDS,
  uninstallEntryToApp,
} from './uninstall.js';

/** Plugin id. */
export const WINDOWS_REG_ID = 'collectors/windows-reg';

/**
 * Turns a parsed `.reg` file into application observations: one per direct subkey of an
 * Uninstall key that has a DisplayName. Pure.
 */
export function collectRegUninstall(
  content: Uint8Array,
  file: string,
  signal?: AbortSignal,
): CollectorResult {
  const parsed = parseRegFile(
    content,
    file,
    signal === undefined ? { pluginId: WINDOWS_REG_ID } : { pluginId: WINDOWS_REG_ID, signal },
  );
  const sink = new IssueSink(file, WINDOWS_REG_ID);
  const observations: AppObserved[] = [];
  if (parsed.document !== null) {
    for (const key of mergeSections(parsed.document).values()) {
      const ref = classifyUninstallPath(key.path);
      if (ref === null) continue;
      const fields: UninstallFields = {};
      for (const f of UNINSTALL_FIELDS) {
        const v = key.values.get(f.toLowerCase());
        if (v === undefined) continue;
        const s = stringValue(v);
        if (s === undefined) reportNonString(sink, ref.keyName, f, v.line);
        else fields[f] = s;
      }
      const app = uninstallEntryToApp(ref, ref.keyName, fields, { file, line: key.line });
      if (app !== null) observations.push(app);
    }
  }
  return { observations: sortObserved(observations), issues: [...parsed.issues, ...sink.done()] };
}

/** `.reg` export collector (regedit 5 UTF-16LE and REGEDIT4 ANSI). */
export const windowsRegCollector = {
  id: WINDOWS_REG_ID,
  version: 1,
  description:
    'Windows .reg exports (regedit 5 / REGEDIT4) of the Uninstall keys under HKLM, WOW6432Node, HKU and HKCU',
  matches(file: FileRef): boolean {
    return file.lowerName.endsWith('.reg');
  },
  sniff(head: Buffer): boolean {
    const t = headText(head.subarray(0, 256))
      .replace(/^\uFEFF/, '')
      .trimStart();
    return t.startsWith(REGEDIT5_HEADER) || t.startsWith(REGEDIT4_HEADER);
  },
  collect(input: CollectorInput): CollectorResult {
    return collectRegUninstall(input.content, input.file.path, input.signal);
  },
} satisfies Collector;
