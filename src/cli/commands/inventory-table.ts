/** Plain-text rendering of an inventory. */
import type { InventoryDoc } from '../../scan/inventory.js';

export function renderInventoryTable(doc: InventoryDoc): string {
  const lines: string[] = [];
  for (const h of doc.hosts) {
    lines.push(`${h.tenant ? `${h.tenant} / ` : ''}${h.id}${h.os ? ` [${h.os}]` : ''}`);
    for (const a of doc.apps.filter((x) => x.host === h.id && x.tenant === h.tenant)) {
      lines.push(
        `  app      ${a.name} ${a.version ?? '?'}  ${a.publisher ?? ''}  (${a.platform}, ${a.scope})`,
      );
    }
    for (const p of doc.packages.filter((x) => x.host === h.id && x.tenant === h.tenant)) {
      lines.push(
        `  package  ${p.ecosystem} ${p.name}@${p.version}${p.dev ? ' (dev)' : ''}${p.optional ? ' (optional)' : ''}`,
      );
    }
    const files = doc.files.filter((x) => x.host === h.id && x.tenant === h.tenant).length;
    const contacts = doc.netContacts.filter((x) => x.host === h.id && x.tenant === h.tenant).length;
    const events = doc.logEvents
      .filter((x) => x.host === h.id && x.tenant === h.tenant)
      .reduce((n, e) => n + e.count, 0);
    lines.push(`  ${files} files, ${contacts} network contacts, ${events} log events`);
    lines.push('');
  }
  if (doc.issues.length) lines.push(`${doc.issues.length} input issues (see --format json)`);
  return `${lines.join('\n')}\n`;
}
