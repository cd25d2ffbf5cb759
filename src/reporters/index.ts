/** The reporter registry. */
import type { Reporter } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';

export const reporters: readonly Reporter[] = defineRegistry<Reporter>('reporter', []);
