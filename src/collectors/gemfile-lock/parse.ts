/** Pure parser for Bundler's `Gemfile.lock` (and `gems.locked`). */
import type { CollectorResult } from '../../core/plugin.js';
import { decodeInput, PackageSink } from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const GEMFILE_LOCK_ID = 'collectors/gemfile-lock';

const SOURCE_SECTIONS = new Set(['GEM', 'GIT', 'PATH', 'PLUGIN SOURCE']);
const KNOWN_SECTIONS = new Set([
  ...SOURCE_SECTIONS,
  'PLATFORMS',
  'DEPENDENCIES',
  'RUBY VERSION',
  'BUNDLED WITH',
  'CHECKSUMS',
]);
const SPEC = /^([^\s()!]+) \(([^()\s]+)\)$/;

/**
 * Parses a Gemfile.lock. Specs (4-space indented `name (version)` lines under `specs:` of GEM, GIT,
 * PATH and PLUGIN SOURCE) become RubyGems packages; gems named under `DEPENDENCIES` are direct.
 * A platform suffix (`1.13.3-x86_64-linux`) is split off into the purl `platform` qualifier.
 */
export function parseGemfileLock(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: GEMFILE_LOCK_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const specs: { name: string; version: string; platform?: string; line: number; section: string }[] = [];
  const direct = new Set<string>();
  let section = '';
  let inSpecs = false;
  const lines = text.split(/\r\n|\n|\r/);
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const lineNo = i + 1;
    if (l.trim() === '') continue;
    if (!l.startsWith(' ')) {
      section = l.trim();
      inSpecs = false;
      if (!KNOWN_SECTIONS.has(section))
        sink.issue('unsupported', `unknown section "${section.slice(0, 60)}"`, lineNo);
      continue;
    }
    if (SOURCE_SECTIONS.has(section)) {
      if (/^ {2}\S/.test(l)) {
        inSpecs = l.trim() === 'specs:';
        continue;
      }
      if (!inSpecs || !/^ {4}\S/.test(l)) continue; // 6-space lines are a spec's own dependencies
      const m = SPEC.exec(l.slice(4));
      if (!m) {
        sink.issue('parse-error', `spec line "${l.trim().slice(0, 80)}" is not "name (version)"`, lineNo);
        continue;
      }
      const raw = m[2]!;
      const dash = raw.indexOf('-');
      const spec: (typeof specs)[number] = {
        name: m[1]!,
        version: dash === -1 ? raw : raw.slice(0, dash),
        line: lineNo,
        section,
      };
      if (dash !== -1) spec.platform = raw.slice(dash + 1);
      specs.push(spec);
    } else if (section === 'DEPENDENCIES' && /^ {2}\S/.test(l)) {
      const name = /^ {2}([^\s!(]+)/.exec(l)?.[1];
      if (name) direct.add(name);
    }
  }
  if (section === '' && specs.length === 0) sink.issue('parse-error', 'no Gemfile.lock sections found');
  for (const s of specs) {
    sink.add({
      ecosystem: 'RubyGems',
      name: s.name,
      version: s.version,
      line: s.line,
      direct: direct.size > 0 ? direct.has(s.name) : undefined,
      qualifiers: s.platform !== undefined ? { platform: s.platform } : undefined,
    });
  }
  return sink.result();
}
