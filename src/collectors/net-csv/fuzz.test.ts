import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseSquidAccessLog } from '../squid/parse.js';
import { BUILTIN_MAPPINGS } from './index.js';
import { parseCsv, parseNetLog } from './parse.js';

describe('CSV/JSONL and Squid parsing are total on hostile input', () => {
  it('never throws', () => {
    const chunk = fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('"', '""', ',', '\n', '\r\n', '{', '}', 'timestamp,client_ip,query\n', '{"query":1}\n'),
    );
    fc.assert(
      fc.property(fc.array(chunk, { maxLength: 30 }), (parts) => {
        const text = parts.join('');
        parseNetLog(text, 'dns.csv', BUILTIN_MAPPINGS);
        parseSquidAccessLog(text, 'access.log');
      }),
      { numRuns: 300 },
    );
  });

  it('CSV round trip: quoted cells come back unchanged', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.string({ maxLength: 6 }), { minLength: 2, maxLength: 4 }), {
          minLength: 1,
          maxLength: 5,
        }),
        (rows) => {
          const text =
            rows.map((r) => r.map((c) => `"${c.replaceAll('"', '""')}"`).join(',')).join('\n') + '\n';
          const got: string[][] = [];
          parseCsv(text, ',', (cells) => got.push(cells));
          expect(got).toEqual(rows);
        },
      ),
      { numRuns: 200 },
    );
  });
});
