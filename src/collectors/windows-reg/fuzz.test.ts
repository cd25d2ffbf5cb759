import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { collectRegUninstall } from './index.js';

const fx = (...p: string[]): string =>
  path.join(path.dirname(fileURLToPath(import.meta.url)), '__fixtures__', ...p);
const REG = readFileSync(fx('uninstall-export.reg'));
const TEXT = REG.subarray(2).toString('utf16le');

describe('.reg mutation fuzzing', () => {
  it('character-level mutations of a real export never throw and issues carry positions', () => {
    const alphabet = ['"', '\\', '[', ']', '=', ',', '\r\n', '-', '@', 'hex(2):', 'dword:', '\u0000', 'é'];
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...alphabet), fc.nat({ max: 4 })), {
          minLength: 1,
          maxLength: 6,
        }),
        (edits) => {
          let t = TEXT;
          for (const [at, ins, del] of edits) {
            const k = at % (t.length + 1);
            t = t.slice(0, k) + ins + t.slice(k + del);
          }
          const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(t, 'utf16le')]);
          const r = collectRegUninstall(buf, 'm.reg');
          for (const i of r.issues) {
            expect(i.file).toBe('m.reg');
            expect(i.line !== undefined || i.offset !== undefined || i.code === 'limit-exceeded').toBe(true);
          }
          // Mutations can only lose or alter entries, never multiply them.
          expect(r.observations.length).toBeLessThanOrEqual(7 + edits.length);
        },
      ),
      { numRuns: 300, seed: 7 },
    );
  });
});
