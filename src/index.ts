/**
 * chainhunt's library entry point. The CLI (`chainhunt`) is built on the same functions.
 */
export * from './core/index.js';
export {
  comparators,
  comparatorFor,
  compareVersions,
  unsupportedReason,
  UnsupportedEcosystemError,
  InvalidVersionError,
  type Comparator,
} from './versioning/index.js';
export {
  evaluateAffected,
  isAffected,
  nearestFixed,
  type OsvAffected,
  type OsvRange,
  type OsvEvent,
  type AffectedEvaluation,
  type AffectedMatch,
} from './versioning/osv-range.js';
export { runScan, type ScanOptions, type ScanOutcome } from './scan/runner.js';
export { buildReport } from './scan/report.js';
