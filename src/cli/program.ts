/**
 * The `chainhunt` command. Exit codes: 0 = no finding at or above --fail-on (or no --fail-on),
 * 1 = findings at or above --fail-on, 2 = usage or fatal error.
 */
import { Command, CommanderError } from 'commander';
import { ScanError, errorMessage } from '../core/errors.js';
import { TOOL_NAME, TOOL_VERSION } from '../version.js';
import { registerBeaconsCommand } from './commands/beacons.js';
import { registerEventsCommand } from './commands/events.js';
import { registerIntelCommand } from './commands/intel.js';
import { registerInventoryCommand, setBomWriter } from './commands/inventory.js';
import { writeCycloneDxJson } from '../reporters/cyclonedx/index.js';
import { registerPluginsCommand } from './commands/plugins.js';
import { registerScanCommand } from './commands/scan.js';
import { addServeExtension, registerServeCommands } from './commands/serve.js';
import { registerStoreCommands } from './commands/store.js';
import { natsServeExtension, registerWorkerCommand } from './commands/worker.js';

export function buildProgram(): Command {
  addServeExtension(natsServeExtension);
  setBomWriter((packages) =>
    writeCycloneDxJson(packages, { toolName: TOOL_NAME, toolVersion: TOOL_VERSION }),
  );
  const program = new Command('chainhunt')
    .description('Find supply-chain compromises across a fleet and track them until every host is clean.')
    .version(TOOL_VERSION)
    .showHelpAfterError()
    .exitOverride();
  registerScanCommand(program);
  registerInventoryCommand(program);
  registerStoreCommands(program);
  registerIntelCommand(program);
  registerEventsCommand(program);
  registerBeaconsCommand(program);
  registerPluginsCommand(program);
  registerServeCommands(program);
  registerWorkerCommand(program);
  return program;
}

export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof ScanError) {
      process.stderr.write(`chainhunt: ${err.message}\n`);
      return 2;
    }
    process.stderr.write(`chainhunt: fatal: ${errorMessage(err)}\n`);
    if (process.env['CHAINHUNT_DEBUG']) process.stderr.write(`${(err as Error).stack ?? ''}\n`);
    return 2;
  }
}
