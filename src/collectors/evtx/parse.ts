/**
 * Windows event logs → `log-event` observations. The format is chosen by content: EVTX
 * (`ElfFile`/`ElfChnk` signature), evtx_dump JSON, or a Windows XML event export. Every event keeps
 * the evtx_dump JSON layout in `event`; time, channel, provider, event id, computer and record id
 * are lifted out for indexing.
 */
import { issue } from '../../core/issue.js';
import type { Issue } from '../../core/issue.js';
import type { LogEventObservation, Observed } from '../../core/observation.js';
import type { CollectorResult } from '../../core/plugin.js';
import { parseEvtx } from '../../logs/evtx/parse.js';
import { parseEvtxJson, sniffEvtxJson } from '../../logs/evtx-json/parse.js';
import { parseEvtxXml, sniffEvtxXml } from '../../logs/evtx-xml/parse.js';
import type { LogRecord } from '../../logs/types.js';

/** Plugin id of the collector. */
export const EVTX_COLLECTOR_ID = 'collectors/evtx';

/** Which reader a file needs, by its first bytes. */
export type EventFileKind = 'evtx' | 'evtx-json' | 'evtx-xml';

/** Detects the event file format from its first bytes; null when it is none of them. */
export function sniffEventFile(head: Uint8Array): EventFileKind | null {
  if (head.length >= 8) {
    const magic = Buffer.from(head.buffer, head.byteOffset, 8).toString('latin1');
    if (magic === 'ElfFile\0' || magic === 'ElfChnk\0') return 'evtx';
  }
  if (sniffEvtxJson(head)) return 'evtx-json';
  if (sniffEvtxXml(head)) return 'evtx-xml';
  return null;
}

function obj(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

function attr(el: unknown, name: string): unknown {
  return obj(obj(el)?.['#attributes'])?.[name];
}

/** Builds the observation for one evtx_dump-layout event. */
export function toObservation(rec: LogRecord, file: string): Observed {
  const sys = obj(obj(rec.event['Event'])?.['System']);
  const out: Omit<LogEventObservation, 'host' | 'tenant' | 'collectorId'> = {
    kind: 'log-event',
    source:
      rec.offset !== undefined
        ? { file, offset: rec.offset }
        : rec.line !== undefined
          ? { file, line: rec.line }
          : { file },
    event: rec.event,
  };
  if (sys) {
    const time = attr(sys['TimeCreated'], 'SystemTime');
    if (typeof time === 'string') out.time = time;
    if (typeof sys['Channel'] === 'string') out.channel = sys['Channel'];
    const provider = attr(sys['Provider'], 'Name');
    if (typeof provider === 'string') out.provider = provider;
    let id = sys['EventID'];
    if (obj(id)) id = obj(id)?.['#text'];
    const idNum =
      typeof id === 'number' ? id : typeof id === 'string' && /^\d{1,10}$/.test(id) ? Number(id) : undefined;
    if (idNum !== undefined) out.eventId = idNum;
    if (typeof sys['Computer'] === 'string') out.computer = sys['Computer'];
    const rid = sys['EventRecordID'];
    if (typeof rid === 'number') out.recordId = rid;
  }
  return out;
}

/** Reads every event of an event file (any of the three formats). Never throws for bad input. */
export function collectEvents(content: Buffer, file: string, signal?: AbortSignal): CollectorResult {
  const observations: Observed[] = [];
  const issues: Issue[] = [];
  const onIssue = (i: Issue): void => {
    issues.push({
      ...i,
      pluginId: EVTX_COLLECTOR_ID,
      message: i.pluginId ? `${i.pluginId}: ${i.message}` : i.message,
    });
  };
  const kind = sniffEventFile(content.subarray(0, 4096));
  if (kind === null) {
    issues.push(
      issue('unsupported', 'not an EVTX file, evtx_dump JSON or Windows XML event export', {
        file,
        pluginId: EVTX_COLLECTOR_ID,
      }),
    );
    return { observations, issues };
  }
  let records: Iterable<LogRecord>;
  if (kind === 'evtx') {
    records = (function* () {
      for (const e of parseEvtx(content, { file, onIssue })) yield { event: e.event, offset: e.offset };
    })();
  } else if (kind === 'evtx-json') records = parseEvtxJson(content, { file, onIssue });
  else records = parseEvtxXml(content, { file, onIssue });
  try {
    for (const rec of records) {
      if (signal?.aborted) {
        issues.push(
          issue('limit-exceeded', 'aborted before the end of the file', {
            file,
            pluginId: EVTX_COLLECTOR_ID,
          }),
        );
        break;
      }
      observations.push(toObservation(rec, file));
    }
  } catch (e) {
    // Readers report bad input as issues; this only guards against reader bugs.
    issues.push(
      issue('internal-error', `reader failed: ${e instanceof Error ? e.message : String(e)}`, {
        file,
        pluginId: EVTX_COLLECTOR_ID,
      }),
    );
  }
  return { observations, issues };
}
