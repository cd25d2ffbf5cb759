import type { PackageObservation } from '../../core/observation.js';
import type { Reporter } from '../../core/plugin.js';
import { toCycloneDx, type CycloneDxMeta } from './bom.js';

/**
 * Writes the package observations of an `inventory` report as a CycloneDX 1.6 JSON BOM.
 * The BOM's timestamp is the report's `generatedAt`, so the output depends only on the report.
 */
export const cyclonedxReporter = {
  id: 'reporters/cyclonedx',
  version: 1,
  description: 'CycloneDX 1.6 JSON BOM of the packages an inventory found',
  format: 'cyclonedx',
  mediaType: 'application/vnd.cyclonedx+json; version=1.6',
  render: (report, _options) => {
    const packages = (report.observations ?? []).filter((o): o is PackageObservation => o.kind === 'package');
    const bom = toCycloneDx(packages, {
      timestamp: report.generatedAt,
      toolName: report.tool.name,
      toolVersion: report.tool.version,
    });
    return JSON.stringify(bom, null, 2) + '\n';
  },
} satisfies Reporter;

/**
 * Renders packages as CycloneDX 1.6 JSON text; fits the CLI's `setBomWriter` hook
 * (`chainhunt inventory --format cyclonedx`).
 *
 * @example
 * setBomWriter((packages) => writeCycloneDxJson(packages, { toolVersion: TOOL_VERSION }));
 */
export function writeCycloneDxJson(
  packages: readonly PackageObservation[],
  meta: CycloneDxMeta = {},
): string {
  return JSON.stringify(toCycloneDx(packages, meta), null, 2) + '\n';
}
