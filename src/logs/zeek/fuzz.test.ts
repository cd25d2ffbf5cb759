import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseZeekContacts } from '../../collectors/zeek/parse.js';
import { parseZeekLog } from './parse.js';

const HEADER =
  '#separator \\x09\n#set_separator\t,\n#empty_field\t(empty)\n#unset_field\t-\n#path\tconn\n#fields\tts\tid.orig_h\torig_bytes\ttunnel_parents\n#types\ttime\taddr\tcount\tset[string]\n';

describe('Zeek parsing is total on hostile input', () => {
  it('never throws; every record line is within the input; issues carry lines', () => {
    const cell = fc.oneof(
      fc.string({ maxLength: 8 }),
      fc.constantFrom('-', '(empty)', '\\x41', '1.5', 'T', '{', '#'),
    );
    const line = fc.array(cell, { maxLength: 6 }).map((cs) => cs.join('\t'));
    fc.assert(
      fc.property(fc.array(line, { maxLength: 20 }), fc.boolean(), (lines, withHeader) => {
        const text = (withHeader ? HEADER : '') + lines.join('\n');
        const total = text.split('\n').length;
        const r = parseZeekLog(text, { file: 'f' });
        for (const rec of r.records) expect(rec.line).toBeLessThanOrEqual(total);
        for (const i of r.issues) expect(i.file).toBe('f');
        parseZeekContacts(text, 'f');
      }),
      { numRuns: 300 },
    );
  });
});
