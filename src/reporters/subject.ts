/** Short human descriptions shared by the text reporters. */
import type { Finding } from '../core/finding.js';

/** "3CX Desktop App 18.12.416 (windows)", a file path, "npm lodash 4.17.20", … */
export function describeSubject(f: Finding): string {
  const s = f.subject;
  switch (s.type) {
    case 'app':
      return `${s.name} ${s.version} (${s.platform}${s.scope ? `, ${s.scope}` : ''})`;
    case 'file':
      return s.path;
    case 'package':
      return `${s.ecosystem} ${s.name}@${s.version}`;
    case 'network':
      return [s.time, s.src && `${s.src} →`, s.fqdn ?? s.url ?? s.dst].filter(Boolean).join(' ');
    case 'event':
      return [s.time, s.channel, s.eventId !== undefined ? `EventID ${s.eventId}` : undefined, s.computer]
        .filter(Boolean)
        .join(' ');
  }
}

/** The id of what matched: advisory, indicator or rule. */
export function matchedId(f: Finding): string {
  if (f.advisory) return f.advisory.id;
  if (f.rule) return f.rule.id;
  if (f.indicator) return `${f.indicator.type}:${f.indicator.value}`;
  return f.kind;
}

/** Where the intel came from. */
export function matchedSource(f: Finding): string {
  return f.advisory?.source ?? f.indicator?.source ?? (f.rule ? 'rule' : '');
}
