// Version comparisons per second, per ecosystem, on the shared osv-semantic orderings.
// Side by side in the same run: npm with the `semver` package, PyPI with `@renovatebot/pep440`,
// both on exactly the same (a, b) pairs as ours. "ours" is compareVersions() through the registry
// (with its bounded parse cache); "ours, no cache" parses both strings on every call.
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import * as pep440 from '@renovatebot/pep440';
import { opsPerSecond, peakRssMiB, sharedData, writeResults } from '../lib.mjs';
import { compareVersions } from '../../dist/versioning/index.js';
import { compareSemver, parseSemver } from '../../dist/versioning/semver/parse.js';
import { comparePep440, parsePep440 } from '../../dist/versioning/pep440/parse.js';

const dir = path.join(sharedData, 'osv-semantic');

/** All (a, b) pairs of the files whose name starts with `prefix`. */
function pairsOf(prefix) {
  const out = [];
  for (const f of readdirSync(dir).filter((x) => x.startsWith(prefix) && x.endsWith('.txt'))) {
    for (const line of readFileSync(path.join(dir, f), 'utf8').split('\n')) {
      if (line === '' || line.startsWith('# ') || line.startsWith('// ')) continue;
      const p = line.split(' ');
      if (p.length === 3) out.push([p[0], p[2]]);
    }
  }
  return out;
}

/** Every pair from every file (used to find more inputs valid for a scheme). */
function allPairs() {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.txt'))
    .flatMap((f) => pairsOf(f.replace(/\.txt$/, '')));
}

/** One timed pass over all pairs; returns comparisons per second. */
function pass(pairs, compare, minMs) {
  // start every pass from a collected heap so one contender's garbage is not billed to the next
  if (typeof globalThis.gc === 'function') globalThis.gc();
  return opsPerSecond(() => {
    let sink = 0;
    for (const [a, b] of pairs) sink += compare(a, b);
    if (sink === 0.5) console.log('never');
    return pairs.length;
  }, minMs);
}

const median = (xs) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];

/**
 * Measures several functions on the same pairs fairly on a shared machine: each is warmed up
 * (JIT) first, then they run in alternating rounds and each gets the median of its rounds.
 */
function compareSideBySide(pairs, fns, rounds = 7, roundMs = 300) {
  for (const fn of fns) pass(pairs, fn, 300);
  const results = fns.map(() => []);
  for (let r = 0; r < rounds; r++) fns.forEach((fn, i) => results[i].push(pass(pairs, fn, roundMs)));
  return results.map(median);
}

const fmt = (n) => Math.round(n);
const ratio = (a, b) => (a / b).toFixed(2);
const rows = [];

// npm: pairs where both sides are strict SemVer for the `semver` package (it rejects the lenient forms).
const npmPairs = allPairs().filter(([a, b]) => semver.valid(a) && semver.valid(b));
{
  const [ours, cold, peer] = compareSideBySide(npmPairs, [
    (a, b) => compareVersions('npm', a, b),
    (a, b) => compareSemver(parseSemver(a), parseSemver(b)),
    (a, b) => semver.compare(a, b),
  ]);
  rows.push({
    ecosystem: 'npm',
    pairs: npmPairs.length,
    ours: fmt(ours),
    'ours, no cache': fmt(cold),
    peer: 'semver',
    'peer ops/s': fmt(peer),
    'ours/peer': ratio(ours, peer),
    'no cache/peer': ratio(cold, peer),
  });
}

// PyPI: pairs from the PyPI files that @renovatebot/pep440 accepts (it rejects legacy versions).
const pypiPairs = pairsOf('pypi-').filter(([a, b]) => pep440.valid(a) && pep440.valid(b));
{
  const [ours, cold, peer] = compareSideBySide(pypiPairs, [
    (a, b) => compareVersions('PyPI', a, b),
    (a, b) => comparePep440(parsePep440(a), parsePep440(b)),
    (a, b) => pep440.compare(a, b),
  ]);
  rows.push({
    ecosystem: 'PyPI',
    pairs: pypiPairs.length,
    ours: fmt(ours),
    'ours, no cache': fmt(cold),
    peer: '@renovatebot/pep440',
    'peer ops/s': fmt(peer),
    'ours/peer': ratio(ours, peer),
    'no cache/peer': ratio(cold, peer),
  });
}

// The other ecosystems: ours only (no peer library in the dependencies).
const others = [
  ['Maven', 'maven-'],
  ['NuGet', 'nuget-'],
  ['RubyGems', 'rubygems-'],
  ['Packagist', 'packagist-'],
  ['Debian', 'debian-'],
  ['Red Hat', 'redhat-'],
  ['Alpine', 'alpine-'],
  ['CRAN', 'cran-'],
  ['Hackage', 'hackage-'],
  ['Pub', 'pub-'],
  ['Go', 'semver-'],
];
for (const [eco, prefix] of others) {
  const pairs = pairsOf(prefix);
  const [ours] = compareSideBySide(pairs, [(a, b) => compareVersions(eco, a, b)], 3, 300);
  rows.push({
    ecosystem: eco,
    pairs: pairs.length,
    ours: fmt(ours),
    'ours, no cache': '',
    peer: '',
    'peer ops/s': '',
    'ours/peer': '',
    'no cache/peer': '',
  });
}

// OSV evaluation: every affected entry of the shared malicious-package records against a version.
{
  const { isAffected } = await import('../../dist/versioning/osv-range.js');
  const entries = [];
  const walk = (d) => {
    for (const f of readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, f.name);
      if (f.isDirectory()) walk(p);
      else if (f.name.endsWith('.json'))
        entries.push(...(JSON.parse(readFileSync(p, 'utf8')).affected ?? []));
    }
  };
  walk(path.join(sharedData, 'malicious-packages', 'ossf-osv'));
  const probes = entries.map((a, i) => [a, a.versions?.[0] ?? `1.${i % 7}.0`]);
  const [ops] = compareSideBySide(probes, [(a, v) => (isAffected(a, v) ? 1 : 0)], 3, 300);
  rows.push({
    ecosystem: 'OSV isAffected (malicious-packages entries)',
    pairs: probes.length,
    ours: fmt(ops),
    'ours, no cache': '',
    peer: '',
    'peer ops/s': '',
    'ours/peer': '',
    'no cache/peer': '',
  });
}

const slower = rows.filter((r) => r['ours/peer'] !== '' && Number(r['ours/peer']) < 1);
writeResults('versioning', rows, {
  unit: 'comparisons per second',
  inputs: 'shared/data/osv-semantic/*.txt line pairs',
  peakRssMiB: peakRssMiB(),
  targetMet: slower.length === 0,
});
if (slower.length) console.log(`target missed for: ${slower.map((r) => r.ecosystem).join(', ')}`);
