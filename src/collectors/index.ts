/**
 * The collector registry: every collector, explicitly listed. Add a new one here (see
 * docs/adding-a-collector.md); src/collectors/registry.test.ts checks every folder is listed.
 */
import type { Collector } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';

export const collectors: readonly Collector[] = defineRegistry<Collector>('collector', [
  // installed applications
  // packages
  // logs
]);
