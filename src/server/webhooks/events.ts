/**
 * Webhook event payloads. Every event is `{id, type, createdAt, tenant, data}`; `data` depends on
 * `type`. Builders clip free text so a payload stays small whatever a user typed as a reason.
 */
import { randomUUID } from 'node:crypto';

/** Event types a webhook may subscribe to. */
export const WEBHOOK_EVENT_TYPES = ['finding.new_critical', 'case.state_changed'] as const;

/** One of {@link WEBHOOK_EVENT_TYPES}. */
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** Longest free-text field (titles, reasons) in a payload, in characters. */
export const MAX_TEXT_LENGTH = 2000;

/** Most finding ids listed in an evidence summary. */
export const MAX_SUMMARY_FINDINGS = 20;

/** Fields shared by every event. */
export interface WebhookEventBase<T extends string, D> {
  /** Unique per event (`evt_…`); the same event sent to two endpoints keeps its id. */
  id: string;
  type: T;
  /** ISO 8601 time the event was created. */
  createdAt: string;
  tenant: string;
  data: D;
}

/** The advisory a finding cites. */
export interface AdvisoryRefPayload {
  id: string;
  aliases: string[];
  source: string;
}

/** The indicator a finding matched. */
export interface IndicatorRefPayload {
  type: string;
  value: string;
  source: string;
}

/** The detection rule a finding matched. */
export interface RuleRefPayload {
  id: string;
  title: string;
}

/** `data` of `finding.new_critical`. */
export interface NewCriticalFindingData {
  host: string;
  findingId: string;
  title: string;
  severity: string;
  /** Finding kind (`app`, `file`, `network`, …) when known. */
  kind: string | null;
  advisory: AdvisoryRefPayload | null;
  indicator: IndicatorRefPayload | null;
  rule: RuleRefPayload | null;
  /** The remediation case the finding was filed under, when known. */
  caseId: string | null;
}

/** A short account of the evidence behind a state change. */
export interface EvidenceSummary {
  /** The bundle that showed the change, when one did. */
  bundleId: string | null;
  /** When that bundle was collected (ISO 8601). */
  collectedAt: string | null;
  /** Findings behind the change (at most {@link MAX_SUMMARY_FINDINGS}). */
  findingIds: string[];
  /** How many findings there were in all. */
  findingCount: number;
  /** What the evidence shows, in words (e.g. "3CXDesktopApp 18.12.422"). */
  observed: string | null;
}

/** `data` of `case.state_changed`. */
export interface CaseStateChangedData {
  caseId: string;
  host: string;
  /** The case key (`advisory:<id>`, `indicator:<type>:<value>`, …). */
  key: string;
  /** Previous state; null when the case was just opened. */
  from: string | null;
  to: string;
  /** Who changed it: a user, or `system` when evidence did. */
  actor: string;
  reason: string;
  /** ISO 8601 time of the change. */
  at: string;
  evidence: EvidenceSummary;
}

/** `finding.new_critical`: a critical finding not seen before for this host. */
export type NewCriticalFindingEvent = WebhookEventBase<'finding.new_critical', NewCriticalFindingData>;

/** `case.state_changed`: a remediation case moved between states. */
export type CaseStateChangedEvent = WebhookEventBase<'case.state_changed', CaseStateChangedData>;

/** Any event the dispatcher can send. */
export type WebhookEvent = NewCriticalFindingEvent | CaseStateChangedEvent;

/** Overrides for the generated envelope fields (tests, replays). */
export interface EventEnvelopeOptions {
  /** Event id (default `evt_<uuid>`). */
  id?: string;
  /** Creation time (default now). */
  createdAt?: string;
}

/** Input of {@link buildNewCriticalFindingEvent}. */
export interface NewCriticalFindingInput {
  tenant: string;
  host: string;
  findingId: string;
  title: string;
  severity: string;
  kind?: string | null;
  advisory?: AdvisoryRefPayload | null;
  indicator?: IndicatorRefPayload | null;
  rule?: RuleRefPayload | null;
  caseId?: string | null;
}

/** Input of {@link buildCaseStateChangedEvent}. */
export interface CaseStateChangedInput {
  tenant: string;
  caseId: string;
  host: string;
  key: string;
  from: string | null;
  to: string;
  actor: string;
  reason: string;
  at: string;
  /** Raw evidence as stored with the case event; summarised by {@link summarizeEvidence}. */
  evidence?: unknown;
}

/** A new event id: `evt_` and a random UUID. */
export function newEventId(): string {
  return `evt_${randomUUID()}`;
}

/** Builds a `finding.new_critical` event. Throws a TypeError when a required field is empty. */
export function buildNewCriticalFindingEvent(
  input: NewCriticalFindingInput,
  options: EventEnvelopeOptions = {},
): NewCriticalFindingEvent {
  required(input, ['tenant', 'host', 'findingId', 'title', 'severity'], 'finding.new_critical');
  return {
    id: options.id ?? newEventId(),
    type: 'finding.new_critical',
    createdAt: options.createdAt ?? new Date().toISOString(),
    tenant: input.tenant,
    data: {
      host: clip(input.host),
      findingId: input.findingId,
      title: clip(input.title),
      severity: input.severity,
      kind: input.kind ?? null,
      advisory: input.advisory
        ? {
            id: clip(input.advisory.id),
            aliases: input.advisory.aliases.slice(0, 20).map((a) => clip(a)),
            source: clip(input.advisory.source),
          }
        : null,
      indicator: input.indicator
        ? {
            type: input.indicator.type,
            value: clip(input.indicator.value),
            source: clip(input.indicator.source),
          }
        : null,
      rule: input.rule ? { id: clip(input.rule.id), title: clip(input.rule.title) } : null,
      caseId: input.caseId ?? null,
    },
  };
}

/** Builds a `case.state_changed` event. Throws a TypeError when a required field is empty. */
export function buildCaseStateChangedEvent(
  input: CaseStateChangedInput,
  options: EventEnvelopeOptions = {},
): CaseStateChangedEvent {
  required(input, ['tenant', 'caseId', 'host', 'key', 'to', 'actor', 'at'], 'case.state_changed');
  return {
    id: options.id ?? newEventId(),
    type: 'case.state_changed',
    createdAt: options.createdAt ?? new Date().toISOString(),
    tenant: input.tenant,
    data: {
      caseId: input.caseId,
      host: clip(input.host),
      key: clip(input.key),
      from: input.from,
      to: input.to,
      actor: clip(input.actor),
      reason: clip(input.reason),
      at: input.at,
      evidence: summarizeEvidence(input.evidence),
    },
  };
}

/**
 * Summarises the evidence stored with a case event (`{bundleId, collectedAt, findings: [{id}],
 * observed}` as the case engine writes it). Anything else yields an empty summary, never an error.
 */
export function summarizeEvidence(evidence: unknown): EvidenceSummary {
  const e = isRecord(evidence) ? evidence : {};
  const findings = Array.isArray(e['findings']) ? (e['findings'] as unknown[]) : [];
  const ids: string[] = [];
  for (const f of findings) {
    if (ids.length >= MAX_SUMMARY_FINDINGS) break;
    const id = typeof f === 'string' ? f : isRecord(f) ? f['id'] : undefined;
    if (typeof id === 'string' && id.length > 0) ids.push(clip(id, 200));
  }
  return {
    bundleId: stringOrNull(e['bundleId']),
    collectedAt: stringOrNull(e['collectedAt']),
    findingIds: ids,
    findingCount: findings.length,
    observed: stringOrNull(e['observed']),
  };
}

/**
 * The server's internal event (as emitted through `ServerContext.emit`), structurally. The
 * finding is a stored finding record, read defensively.
 */
export type ServerEventLike =
  | { type: 'finding.new_critical'; tenant: string; finding: Record<string, unknown>; caseId?: string | null }
  | {
      type: 'case.state_changed';
      tenant: string;
      caseId: string;
      host: string;
      key: string;
      from: string | null;
      to: string;
      actor: string;
      reason: string;
      at: string;
      evidence: unknown;
    };

/**
 * Turns a server event into a webhook event. Returns null for a `finding.new_critical` whose
 * finding record lacks an id, host or title (nothing useful to send).
 */
export function toWebhookEvent(e: ServerEventLike, options: EventEnvelopeOptions = {}): WebhookEvent | null {
  if (e.type === 'case.state_changed') {
    return buildCaseStateChangedEvent(
      {
        tenant: e.tenant,
        caseId: e.caseId,
        host: e.host,
        key: e.key,
        from: e.from,
        to: e.to,
        actor: e.actor,
        reason: e.reason,
        at: e.at,
        evidence: e.evidence,
      },
      options,
    );
  }
  const f = e.finding;
  const findingId = stringOrNull(f['id']);
  const host = stringOrNull(f['host']);
  const title = stringOrNull(f['title']);
  if (!findingId || !host || !title || !e.tenant) return null;
  const adv = isRecord(f['advisory']) ? f['advisory'] : null;
  const ind = isRecord(f['indicator']) ? f['indicator'] : null;
  const rule = isRecord(f['rule']) ? f['rule'] : null;
  return buildNewCriticalFindingEvent(
    {
      tenant: e.tenant,
      host,
      findingId,
      title,
      severity: stringOrNull(f['severity']) ?? 'critical',
      kind: stringOrNull(f['kind']),
      advisory:
        adv && typeof adv['id'] === 'string'
          ? {
              id: adv['id'],
              aliases: Array.isArray(adv['aliases'])
                ? adv['aliases'].filter((a): a is string => typeof a === 'string')
                : [],
              source: stringOrNull(adv['source']) ?? '',
            }
          : null,
      indicator:
        ind && typeof ind['type'] === 'string' && typeof ind['value'] === 'string'
          ? { type: ind['type'], value: ind['value'], source: stringOrNull(ind['source']) ?? '' }
          : null,
      rule:
        rule && typeof rule['id'] === 'string'
          ? { id: rule['id'], title: stringOrNull(rule['title']) ?? '' }
          : null,
      caseId: e.caseId ?? null,
    },
    options,
  );
}

function required<T extends object>(input: T, keys: readonly (keyof T & string)[], type: string): void {
  for (const k of keys) {
    const v = input[k];
    if (typeof v !== 'string' || v.length === 0)
      throw new TypeError(`${type} event: field "${k}" must be a non-empty string`);
  }
}

function clip(s: string, max = MAX_TEXT_LENGTH): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

function stringOrNull(v: unknown): string | null {
  return typeof v === 'string' && v.length > 0 ? clip(v) : null;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
