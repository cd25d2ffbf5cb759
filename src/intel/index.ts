/** The importer registry: every intel importer, explicitly listed. */
import type { Importer } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';

export const importers: readonly Importer[] = defineRegistry<Importer>('importer', []);
