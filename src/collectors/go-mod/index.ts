import type { Collector } from '../../core/plugin.js';
import { guarded } from '../../util/inventory.js';
import { GO_MOD_ID, parseGoMod } from './parse.js';

/** Reads Go's `go.mod` into Go module observations. */
export const goModCollector = {
  id: GO_MOD_ID,
  version: 1,
  description: 'Go modules required in go.mod',
  matches: (file) => file.lowerName === 'go.mod',
  collect: (input) =>
    guarded({ file: input.file.path, pluginId: GO_MOD_ID }, () => parseGoMod(input.content, input.file.path)),
} satisfies Collector;
