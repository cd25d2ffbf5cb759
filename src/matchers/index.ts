/** The matcher registry. */
import type { Matcher } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';

export const matchers: readonly Matcher[] = defineRegistry<Matcher>('matcher', []);
