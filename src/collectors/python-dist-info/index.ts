import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parsePythonDistInfo, PYTHON_DIST_INFO_ID } from './parse.js';

function inDir(path: string, suffix: string): boolean {
  const p = path.replace(/\\/g, '/').toLowerCase();
  const parts = p.split('/');
  const dir = parts[parts.length - 2] ?? '';
  return dir.endsWith(suffix);
}

/** Reads installed Python distributions (`*.dist-info/METADATA`, `*.egg-info/PKG-INFO`). */
export const pythonDistInfoCollector = {
  id: PYTHON_DIST_INFO_ID,
  version: 1,
  description: 'Installed Python packages (*.dist-info/METADATA, *.egg-info/PKG-INFO)',
  matches: (file) =>
    (file.lowerName === 'metadata' && inDir(file.path, '.dist-info')) ||
    (file.lowerName === 'pkg-info' && inDir(file.path, '.egg-info')),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: PYTHON_DIST_INFO_ID }, () =>
      parsePythonDistInfo(input.content, input.file.path),
    ),
} satisfies Collector;
