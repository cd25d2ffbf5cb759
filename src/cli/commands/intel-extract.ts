/** `chainhunt intel extract FILE`: advisory prose (text, Markdown, HTML) → draft structured intel. */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { extractAdvisory, formatFromName, MAX_ADVISORY_CHARS } from '../../intel/extract/advisory.js';
import { decodeText } from '../../util/text.js';
import { emit } from '../io.js';

/** Adds `extract` to the `intel` command. */
export function registerIntelExtract(intel: Command): void {
  intel
    .command('extract')
    .description(
      'draft structured intel from an advisory (text, Markdown or HTML): products, platforms, affected and fixed versions, CVEs, indicators with their sentences',
    )
    .argument('<file>', 'advisory file (- for standard input)')
    .option(
      '--input <kind>',
      'text, markdown, html or json (CVE JSON 5, NVD API, OSV records; default: from the file name)',
    )
    .option(
      '--format <format>',
      'json (draft with products/cves/indicators and the draft pack), pack (the draft chainhunt intel pack only) or table',
      'json',
    )
    .option('-o, --output <file>', 'write to a file instead of standard output')
    .action((file: string, o: { input?: string; format: string; output?: string }) => {
      const kind = (o.input ?? formatFromName(file)) as 'text' | 'markdown' | 'html' | 'json';
      if (!['text', 'markdown', 'html', 'json'].includes(kind))
        throw new Error(`--input must be text, markdown, html or json, not ${kind}`);
      if (file !== '-' && statSync(file).size > MAX_ADVISORY_CHARS * 4)
        throw new Error(`${file} is larger than ${MAX_ADVISORY_CHARS * 4} bytes; not an advisory`);
      const buf = readFileSync(file === '-' ? 0 : file);
      const decoded = decodeText(buf);
      if (decoded === null) throw new Error(`${file} is not UTF-8 or UTF-16 text`);
      const r = extractAdvisory(decoded.text, {
        format: kind,
        file: file === '-' ? 'stdin' : path.basename(file),
      });
      if (o.format === 'pack') emit(`${JSON.stringify(r.pack, null, 2)}\n`, o.output);
      else if (o.format === 'table') {
        const lines = [`${r.title}`, `vendor: ${r.vendor ?? '?'}   CVEs: ${r.cves.join(', ') || '-'}`];
        for (const p of r.products)
          lines.push(
            `product ${p.name} [${p.platform}] affected: ${p.affected.join(', ') || '-'} fixed: ${p.fixed.join(', ') || '-'}${p.ranges ? ` ranges: ${JSON.stringify(p.ranges)}` : ''}`,
          );
        for (const i of r.indicators) lines.push(`${i.type.padEnd(8)} ${i.value}`);
        for (const d of r.dropped) lines.push(`dropped  ${d.value}: ${d.reason}`);
        if (r.quoted.length > 0) lines.push(`quoted, not affected: ${r.quoted.join(', ')}`);
        emit(`${lines.join('\n')}\n`, o.output);
      } else if (o.format === 'json') {
        // The organisations recognised as quoted (not affected) are shown by --format table only,
        // so the JSON names no product the advisory merely quotes.
        const { quoted: _quoted, ...out } = r;
        emit(`${JSON.stringify(out, null, 2)}\n`, o.output);
      } else throw new Error(`--format must be json, pack or table, not ${o.format}`);
    });
}
