/** Pure parser for Gradle dependency lock files (`gradle.lockfile`, `gradle/dependency-locks/*.lockfile`). */
import type { CollectorResult } from '../../core/plugin.js';
import { decodeInput, PackageSink } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const GRADLE_LOCKFILE_ID = 'collectors/gradle-lockfile';

/**
 * Parses a Gradle lockfile: `group:artifact:version=conf1,conf2` lines become Maven packages.
 * A package whose configurations are all test ones (names starting with `test`) is dev.
 * `empty=` lines and `#` comments are skipped; malformed lines are issues.
 */
export function parseGradleLockfile(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: GRADLE_LOCKFILE_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!.trim();
    if (l === '' || l.startsWith('#')) continue;
    if (l.startsWith('empty=')) continue;
    const eq = l.indexOf('=');
    const coord = eq === -1 ? l : l.slice(0, eq);
    const parts = coord.split(':');
    if (parts.length !== 3 || parts.some((p) => p === '' || /\s/.test(p))) {
      sink.issue('parse-error', `not "group:artifact:version=configurations": "${l.slice(0, 80)}"`, i + 1);
      continue;
    }
    const confs =
      eq === -1
        ? []
        : l
            .slice(eq + 1)
            .split(',')
            .map((c) => c.trim())
            .filter((c) => c !== '');
    const dev = confs.length > 0 && confs.every((c) => /^test/i.test(c));
    sink.add({ ecosystem: 'Maven', name: `${parts[0]}:${parts[1]}`, version: parts[2]!, line: i + 1, dev });
  }
  return sink.result();
}
