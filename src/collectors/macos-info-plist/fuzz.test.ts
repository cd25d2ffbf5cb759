import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectInfoPlist } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const BIN = readFileSync(fx('3CX Desktop App.app', 'Contents', 'Info.plist'));
const XML = readFileSync(fx('xml', '3CX Desktop App.app', 'Contents', 'Info.plist'));
const P = 'h/X.app/Contents/Info.plist';

/** Applies byte overwrites to a copy of `buf`. */
function mutate(buf: Buffer, edits: [number, number][]): Buffer {
  const out = Buffer.from(buf);
  for (const [at, v] of edits) out[at % out.length] = v;
  return out;
}

describe('Info.plist mutation fuzzing', () => {
  for (const [label, sample] of [
    ['binary', BIN],
    ['xml', XML],
  ] as const) {
    it(`${label}: byte mutations never throw; issues stay inside the file`, () => {
      fc.assert(
        fc.property(
          fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
          (edits) => {
            const content = mutate(sample, edits);
            const r = collectInfoPlist(content, P, { root: 'h' });
            for (const i of r.issues) {
              expect(i.file).toBe(P);
              if (i.offset !== undefined) expect(i.offset).toBeLessThanOrEqual(content.length);
              expect(i.line !== undefined || i.offset !== undefined || i.code === 'limit-exceeded').toBe(
                true,
              );
            }
            expect(r.observations.length).toBeLessThanOrEqual(1);
          },
        ),
        { numRuns: 400, seed: 99 },
      );
    });
  }

  it('binary: mutating only the object area keeps the trailer checks from being bypassed', () => {
    // Every single-byte change in the object area either still parses or is reported; the
    // reference sanity checks mean no object is read from outside the file.
    const objectsEnd = Number(BIN.readBigUInt64BE(BIN.length - 8));
    for (let at = 8; at < objectsEnd; at += 7) {
      const r = collectInfoPlist(mutate(BIN, [[at, 0xff]]), P, { root: 'h' });
      for (const i of r.issues) if (i.offset !== undefined) expect(i.offset).toBeLessThan(BIN.length);
    }
  });
});
