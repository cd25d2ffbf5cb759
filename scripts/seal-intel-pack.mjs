#!/usr/bin/env node
/**
 * Seals chainhunt intel packs: computes `checksum` = `sha256:` + hex SHA-256 of the pack's
 * canonical JSON without `checksum` (RFC 8785 style: keys sorted by UTF-16 code units, no
 * whitespace) and writes the pack back pretty-printed with the checksum as its last member.
 *
 *   npx tsx scripts/seal-intel-pack.mjs PACK.chainhunt.json...        seal in place
 *   npx tsx scripts/seal-intel-pack.mjs --verify PACK.chainhunt.json... exit 1 unless every checksum matches
 *
 * Uses the importer's own canonicalisation (src/intel/chainhunt-pack/checksum.ts), so a sealed
 * pack verifies on import by construction.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { packChecksum, sealPack } from '../src/intel/chainhunt-pack/checksum.ts';

const args = process.argv.slice(2);
const verify = args.includes('--verify');
const files = args.filter((a) => a !== '--verify');
if (files.length === 0) {
  console.error('usage: npx tsx scripts/seal-intel-pack.mjs [--verify] PACK.chainhunt.json...');
  process.exit(2);
}
let failed = 0;
for (const file of files) {
  let pack;
  try {
    pack = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (e) {
    console.error(`${file}: not readable JSON: ${e.message}`);
    failed++;
    continue;
  }
  if (typeof pack !== 'object' || pack === null || Array.isArray(pack)) {
    console.error(`${file}: not a JSON object`);
    failed++;
    continue;
  }
  if (verify) {
    const actual = packChecksum(pack);
    if (pack.checksum === actual) console.log(`${file}: ok ${actual}`);
    else {
      console.error(`${file}: checksum mismatch (declared ${pack.checksum ?? 'none'}, computed ${actual})`);
      failed++;
    }
    continue;
  }
  const sealed = sealPack(pack);
  writeFileSync(file, JSON.stringify(sealed, null, 2) + '\n');
  console.log(`${file}: ${sealed.checksum}`);
}
process.exit(failed > 0 ? 1 : 0);
