#!/usr/bin/env node
// Runs every benchmark suite in bench/suites/ (or those named on the command line) in its own
// process, so peak memory is per suite. Each suite writes bench/results/<suite>.json and .md.
import { spawnSync } from 'node:child_process';
import { readdirSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
mkdirSync(path.join(here, 'results'), { recursive: true });
const wanted = process.argv.slice(2);
const allNames = readdirSync(path.join(here, 'suites'))
  .filter((f) => f.endsWith('.mjs'))
  .map((f) => f.replace(/\.mjs$/, ''));
const suites = readdirSync(path.join(here, 'suites'))
  .filter((f) => f.endsWith('.mjs'))
  // A name selects the suite of that name (`files` is not `lockfiles`); else any containing it.
  .filter((f) => {
    if (wanted.length === 0) return true;
    const name = f.replace(/\.mjs$/, '');
    return wanted.some((w) => name === w || (!allNames.includes(w) && name.includes(w)));
  })
  .sort();
let failed = 0;
for (const s of suites) {
  console.log(`\n=== bench ${s}`);
  const r = spawnSync(process.execPath, ['--expose-gc', path.join(here, 'suites', s)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    console.log(`bench ${s} failed with status ${r.status}`);
  }
}
process.exit(failed ? 1 : 0);
