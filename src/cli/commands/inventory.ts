/** `chainhunt inventory`: observations only, no matching. */
import { Option, type Command } from 'commander';
import { ScanError } from '../../core/errors.js';
import type { PackageObservation } from '../../core/observation.js';
import { buildInventory } from '../../scan/inventory.js';
import { runScan } from '../../scan/runner.js';
import { clearProgress, emit, progressReporter } from '../io.js';
import { addWalkOptions, type CommonScanFlags } from './scan.js';
import { renderInventoryTable } from './inventory-table.js';

/** Renders packages as a CycloneDX BOM when that reporter is available. */
export type BomWriter = (packages: PackageObservation[]) => string;
let bomWriter: BomWriter | undefined;
/** Installed by the CycloneDX module so the CLI does not depend on it directly. */
export function setBomWriter(w: BomWriter): void {
  bomWriter = w;
}

export function registerInventoryCommand(program: Command): void {
  const cmd = program
    .command('inventory')
    .description('list what the evidence shows (packages, applications, files, contacts), without matching')
    .argument('<paths...>', 'evidence paths')
    .addOption(
      new Option('--format <format>', 'output format')
        .choices(['json', 'table', 'cyclonedx'])
        .default(undefined),
    )
    .option('-o, --output <file>', 'write to a file')
    .option('--exclude-dev', 'leave out development dependencies')
    .option('--exclude-optional', 'leave out optional dependencies');
  addWalkOptions(cmd);
  cmd.action(
    async (
      paths: string[],
      o: CommonScanFlags & {
        format?: string;
        output?: string;
        excludeDev?: boolean;
        excludeOptional?: boolean;
      },
    ) => {
      const format = o.format ?? (process.stdout.isTTY && !o.output ? 'table' : 'json');
      const outcome = await runScan({
        paths,
        match: false,
        keepObservations: true,
        limits: {
          excludes: o.exclude,
          ...(o.maxFileSize !== undefined ? { maxFileSize: o.maxFileSize } : {}),
        },
        onProgress: progressReporter(o.quiet ?? false),
      });
      clearProgress(o.quiet ?? false);
      const doc = buildInventory(outcome, {
        excludeDev: o.excludeDev ?? false,
        excludeOptional: o.excludeOptional ?? false,
      });
      if (format === 'json') emit(`${JSON.stringify(doc, null, 2)}\n`, o.output);
      else if (format === 'table') emit(renderInventoryTable(doc), o.output);
      else {
        if (!bomWriter) throw new ScanError('config', 'CycloneDX output is not available in this build');
        emit(bomWriter(doc.packages), o.output);
      }
    },
  );
}
