/** The Sigma matcher plugin: compiles every Sigma rule once in `prepare`, matches log events. */
import type { IntelBundle } from '../../core/intel.js';
import type { Matcher } from '../../core/plugin.js';
import { SIGMA_MATCHER_ID, SigmaEngine } from './engine.js';

export { SigmaEngine, SIGMA_MATCHER_ID, eventFromLog, eventFromNet } from './engine.js';
export type { SigmaEngineOptions, SigmaEngineStats, CompiledRule } from './engine.js';
export { sigmaTimeline, timelineCsv, timelineJsonl } from './timeline.js';
export type { TimelineRow } from './timeline.js';
export { compileStats, formatCompileStats, loadSigmaRules } from './stats.js';
export type { CompileStats } from './stats.js';
export { prepareEvent } from './event.js';

/** Sigma detection over log events (and net contacts for proxy/dns rules). */
export const sigmaMatcher = {
  id: SIGMA_MATCHER_ID,
  version: 1,
  description: 'Sigma rules (detection, filter and correlation) over Windows event logs and network logs',
  accepts: ['log-event', 'net-contact'],
  prepare(intel: IntelBundle) {
    if (!intel.rules.some((r) => r.format === 'sigma')) return null;
    return new SigmaEngine(intel.rules);
  },
} satisfies Matcher;
