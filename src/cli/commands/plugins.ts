/** `chainhunt plugins`: every registered plugin with its id and version. */
import type { Command } from 'commander';
import { collectors } from '../../collectors/index.js';
import { importers } from '../../intel/index.js';
import { matchers } from '../../matchers/index.js';
import { reporters } from '../../reporters/index.js';

export function registerPluginsCommand(program: Command): void {
  program
    .command('plugins')
    .description('list collectors, importers, matchers and reporters')
    .option('--format <format>', 'table or json', 'table')
    .action((o: { format: string }) => {
      const all = [
        ...collectors.map((p) => ({
          kind: 'collector',
          id: p.id,
          version: p.version,
          description: p.description,
        })),
        ...importers.map((p) => ({
          kind: 'importer',
          id: p.id,
          version: p.version,
          description: p.description,
        })),
        ...matchers.map((p) => ({
          kind: 'matcher',
          id: p.id,
          version: p.version,
          description: p.description,
        })),
        ...reporters.map((p) => ({
          kind: 'reporter',
          id: p.id,
          version: p.version,
          description: p.description,
        })),
      ];
      if (o.format === 'json') process.stdout.write(`${JSON.stringify(all, null, 2)}\n`);
      else
        for (const p of all)
          process.stdout.write(
            `${p.kind.padEnd(10)} ${`${p.id}@${p.version}`.padEnd(36)} ${p.description}\n`,
          );
    });
}
