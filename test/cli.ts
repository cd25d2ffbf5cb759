/** Runs the built CLI (dist/, built by `npm test`'s pretest) as a user would. */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './fixtures.js';

export const cliPath = path.join(repoRoot, 'dist', 'cli', 'main.js');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

export function runCli(args: string[], opts: { cwd?: string; env?: Record<string, string> } = {}): CliRun {
  if (!existsSync(cliPath))
    throw new Error(`${cliPath} is missing: run \`npm run build\` first (npm test does it)`);
  const r = spawnSync(process.execPath, [cliPath, ...args], {
    cwd: opts.cwd ?? repoRoot,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI and parses stdout as JSON. */
export function runJson<T = Record<string, unknown>>(
  args: string[],
  opts: { cwd?: string } = {},
): { code: number; doc: T; stderr: string } {
  const r = runCli(args, opts);
  let doc: T;
  try {
    doc = JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(
      `CLI did not print JSON (exit ${r.code}): ${r.stderr.slice(0, 2000)}\n${r.stdout.slice(0, 2000)}`,
    );
  }
  return { code: r.code, doc, stderr: r.stderr };
}
