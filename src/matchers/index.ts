/** The matcher registry. */
import type { Matcher } from '../core/plugin.js';
import { defineRegistry } from '../core/registry.js';
import { fileHashMatcher } from './file-hash/index.js';
import { filenameMatcher } from './filename/index.js';
import { networkMatcher } from './network/index.js';
import { packageOsvMatcher } from './package-osv/index.js';
import { peAnomalyMatcher } from './pe-anomaly/index.js';
import { sigmaMatcher } from './sigma/index.js';
import { vendorAppMatcher } from './vendor-app/index.js';
import { yaraMatcher } from './yara/index.js';

export const matchers: readonly Matcher[] = defineRegistry<Matcher>('matcher', [
  vendorAppMatcher,
  fileHashMatcher,
  filenameMatcher,
  sigmaMatcher,
  packageOsvMatcher,
  networkMatcher,
  yaraMatcher,
  peAnomalyMatcher,
]);
