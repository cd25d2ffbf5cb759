import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { parsePylockToml, PYLOCK_TOML_ID } from './parse.js';

/** Reads PEP 751 `pylock.toml` / `pylock.*.toml` into PyPI package observations. */
export const pylockTomlCollector = {
  id: PYLOCK_TOML_ID,
  version: 1,
  description: 'Python packages locked in pylock.toml (PEP 751)',
  matches: (file) =>
    file.lowerName === 'pylock.toml' ||
    (file.lowerName.startsWith('pylock.') && file.lowerName.endsWith('.toml')),
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: PYLOCK_TOML_ID }, () =>
      parsePylockToml(input.content, input.file.path),
    ),
} satisfies Collector;
