/** Deterministic ordering of findings and observations. */
import type { Finding } from '../core/finding.js';
import { cmp } from '../core/issue.js';
import type { Observation } from '../core/observation.js';
import { severityRank } from '../core/severity.js';

/** Host, then most severe first, then kind, title, id. */
export function sortFindings(list: Finding[]): Finding[] {
  return list.sort(
    (a, b) =>
      cmp(a.tenant ?? '', b.tenant ?? '') ||
      cmp(a.host, b.host) ||
      severityRank(b.severity) - severityRank(a.severity) ||
      cmp(a.kind, b.kind) ||
      cmp(a.title, b.title) ||
      cmp(a.id, b.id),
  );
}

function obsKey(o: Observation): string {
  switch (o.kind) {
    case 'package':
      return `${o.ecosystem}\u0000${o.name}\u0000${o.version}`;
    case 'app':
      return `${o.name}\u0000${o.version ?? ''}\u0000${o.installLocation ?? ''}`;
    case 'file':
      return o.path;
    case 'log-event':
      return `${o.time ?? ''}\u0000${o.recordId ?? 0}`;
    case 'net-contact':
      return `${o.time ?? ''}\u0000${o.src ?? ''}\u0000${o.dst ?? ''}`;
  }
}

export function sortObservations(list: Observation[]): Observation[] {
  return list.sort(
    (a, b) =>
      cmp(a.tenant ?? '', b.tenant ?? '') ||
      cmp(a.host, b.host) ||
      cmp(a.kind, b.kind) ||
      cmp(obsKey(a), obsKey(b)) ||
      cmp(a.source.file, b.source.file) ||
      (a.source.line ?? 0) - (b.source.line ?? 0) ||
      (a.source.offset ?? 0) - (b.source.offset ?? 0),
  );
}
