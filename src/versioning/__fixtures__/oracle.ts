/** Runs a native tool as a comparison oracle: pairs go in as JSON on stdin, signs come back as JSON. */
import { spawnSync } from 'node:child_process';

/**
 * Returns the native sign (-1, 0, 1) of each pair. Throws a clear error when the tool is missing
 * (CI installs it from scripts/apt-packages.txt). Arguments are fixed; inputs travel on stdin only.
 */
export function oracle(tool: string, install: string, args: string[], pairs: [string, string][]): number[] {
  const r = spawnSync(tool, args, { input: JSON.stringify(pairs), encoding: 'utf8', maxBuffer: 64 << 20 });
  if (r.error) throw new Error(`${tool} is required for this test (apt-get install ${install}): ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${tool} failed (apt-get install ${install}?): ${r.stderr.slice(0, 500)}`);
  return (JSON.parse(r.stdout) as number[]).map((n) => Math.sign(n));
}
