/**
 * Sysmon network events as contacts: EventID 22 (DNS query: `QueryName`) and EventID 3
 * (network connection: `SourceIp`, `DestinationIp`, `DestinationHostname`, ports). The event is
 * in evtx_dump JSON layout (`Event.System.EventID`, `Event.EventData.*`).
 */
import type { LogEventObservation, NetContactObservation, Observed } from '../../core/observation.js';

/** A contact as emitted (before the runner stamps host and collector). */
export type SysmonContact = Omit<NetContactObservation, 'host' | 'tenant' | 'collectorId'>;

type Obj = Record<string, unknown>;

function obj(v: unknown): Obj | undefined {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : undefined;
}

/** A scalar field, also when the exporter wrapped it as `{ "#text": … }`. */
function text(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return String(v);
  const o = obj(v);
  if (o && '#text' in o) return text(o['#text']);
  return undefined;
}

function port(v: unknown): number | undefined {
  const s = text(v);
  if (s === undefined || !/^\d{1,5}$/.test(s)) return undefined;
  const n = Number(s);
  return n <= 65535 ? n : undefined;
}

/** Sysmon writes times as `2023-03-29 10:11:12.345` in UTC. */
function utcTime(v: unknown): string | undefined {
  const s = text(v);
  if (!s) return undefined;
  const iso = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(\.\d+)?$/.test(s) ? `${s.replace(' ', 'T')}Z` : s;
  const ms = Date.parse(iso);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

function isSysmon(o: LogEventObservation, system: Obj | undefined): boolean {
  const names = [o.provider, o.channel];
  const prov = obj(system?.['Provider']);
  const attrs = obj(prov?.['#attributes']);
  names.push(text(attrs?.['Name']), text(prov?.['Name']), text(system?.['Channel']));
  const known = names.filter((n): n is string => typeof n === 'string');
  // Without provider or channel, trust the event's shape (the caller checked the event id).
  return known.length === 0 || known.some((n) => n.toLowerCase().includes('sysmon'));
}

/**
 * Converts a Sysmon 22 or 3 event into a `net-contact` observation (same source location),
 * or null for any other event.
 *
 * @example contactFromSysmonEvent(obs)?.fqdn // 'akamaicontainer.com'
 */
export function contactFromSysmonEvent(o: LogEventObservation): (Observed & SysmonContact) | null {
  const ev = obj(o.event['Event']) ?? o.event;
  const system = obj(ev['System']);
  const data = obj(ev['EventData']);
  if (!data) return null;
  const idText = text(system?.['EventID']);
  const id = o.eventId ?? (idText !== undefined && /^\d+$/.test(idText) ? Number(idText) : undefined);
  if (id !== 22 && id !== 3) return null;
  if (!isSysmon(o, system)) return null;
  const out: SysmonContact = { kind: 'net-contact', source: o.source, logType: `sysmon/${id}` };
  const time = utcTime(data['UtcTime']) ?? o.time;
  if (time !== undefined) out.time = time;
  if (id === 22) {
    const q = text(data['QueryName'])?.trim().toLowerCase().replace(/\.+$/, '');
    if (!q) return null;
    out.fqdn = q;
    out.protocol = 'dns';
    return out;
  }
  const src = text(data['SourceIp']);
  const dst = text(data['DestinationIp']);
  const host = text(data['DestinationHostname'])?.trim().toLowerCase().replace(/\.+$/, '');
  if (src) out.src = src;
  const sp = port(data['SourcePort']);
  if (sp !== undefined) out.srcPort = sp;
  if (dst) out.dst = dst;
  const dp = port(data['DestinationPort']);
  if (dp !== undefined) out.dstPort = dp;
  if (host && host !== '-') out.fqdn = host;
  const proto = text(data['Protocol']);
  if (proto) out.protocol = proto.toLowerCase();
  if (!out.src && !out.dst && !out.fqdn) return null;
  return out;
}

/** The process image named by a Sysmon event, if any (for evidence). */
export function sysmonImage(o: LogEventObservation): string | undefined {
  const ev = obj(o.event['Event']) ?? o.event;
  return text(obj(ev['EventData'])?.['Image']);
}
