/**
 * The Sigma engine: compiles every Sigma rule of an intel bundle once, routes rules by logsource
 * (channel, EventID) so each event is only tested against the rules for its logsource, and turns
 * matches into findings. Correlations are evaluated in `finish()`.
 */
import type { Evidence, Finding, RuleRef } from '../../core/finding.js';
import type { DetectionRule } from '../../core/intel.js';
import { issue, type Issue } from '../../core/issue.js';
import type { LogEventObservation, NetContactObservation, Observation } from '../../core/observation.js';
import type { PreparedMatcher } from '../../core/plugin.js';
import { isSigmaBody, type SigmaRuleBody } from '../../intel/sigma/types.js';
import { stableId } from '../../util/hash.js';
import { compileDetection, type CompileOptions } from './compile.js';
import type { Pred } from './condition.js';
import { checkCorrelation, evaluateGroup, type CorrEvent, type CountCondition } from './correlation.js';
import { applyAliases, prepareEvent, type SigmaEvent } from './event.js';
import { loadDefaultMapping, type SigmaMapping } from './mapping.js';
import { UnsupportedRule } from './modifiers/types.js';
import { RoutePrefilter, type Need } from './prefilter.js';
import { parseEventTime } from './modifiers/time.js';

/** Plugin id of the Sigma matcher. */
export const SIGMA_MATCHER_ID = 'matchers/sigma';

/** Options for preparing the engine. */
export interface SigmaEngineOptions extends CompileOptions {
  /** Logsource routing and field mappings (default: mappings/sigma/logsources.yml). */
  mapping?: SigmaMapping;
  /** Most base-rule matches kept per correlation rule (memory bound). */
  maxCorrelationEvents?: number;
  /** Use the literal prefilter (default true; false evaluates every routed rule, for testing). */
  prefilter?: boolean;
}

/** A compiled detection rule. */
export interface CompiledRule {
  rule: DetectionRule;
  body: SigmaRuleBody;
  test: Pred<SigmaEvent>;
  fields: Map<string, string>;
  /** Necessary literals for the prefilter (filters make it unknown only if they could add matches: they cannot). */
  need: Need;
  ref: RuleRef;
  /** Emits its own findings (false when only a correlation's building block). */
  emit: boolean;
  correlations: CorrState[];
  /** Detections counted (for stats/bench). */
  hits: number;
}

interface CorrState {
  rule: DetectionRule;
  ref: RuleRef;
  type: string;
  span: number;
  cond: CountCondition;
  groupBy: string[];
  aliases: Record<string, Record<string, string>>;
  refs: string[];
  groups: Map<string, CorrEvent[]>;
  size: number;
  overflow: boolean;
}

/** Engine statistics after preparing. */
export interface SigmaEngineStats {
  total: number;
  compiled: number;
  unsupported: { file: string; id: string; reason: string }[];
  /** Compiled rules whose logsource has no route (never tested against events). */
  unrouted: { file: string; id: string; logsource: string }[];
}

interface Route {
  rules: CompiledRule[];
  prefilter: RoutePrefilter;
}

interface Bucket {
  any: CompiledRule[];
  byEid: Map<string, CompiledRule[]>;
}

function ruleRef(r: DetectionRule, body: SigmaRuleBody): RuleRef {
  const ref: RuleRef = { id: r.id, title: r.title };
  const level = body.level ?? r.level;
  if (level) ref.level = level;
  if (r.status) ref.status = r.status;
  if (r.author) ref.author = r.author;
  if (r.references) ref.references = r.references;
  if (r.tags) ref.tags = r.tags;
  return ref;
}

function lsText(b: SigmaRuleBody): string {
  return `product=${b.logsource.product ?? ''} category=${b.logsource.category ?? ''} service=${b.logsource.service ?? ''}`;
}

/** The prepared engine; also a {@link PreparedMatcher}. */
export class SigmaEngine implements PreparedMatcher {
  readonly issues: Issue[] = [];
  readonly stats: SigmaEngineStats;
  readonly rules: CompiledRule[] = [];
  private readonly routes = new Map<string, Bucket>();
  private readonly routeCache = new Map<string, Map<string, Route>>();
  private readonly correlations: CorrState[] = [];
  private readonly mapping: SigmaMapping;
  private readonly maxCorr: number;
  private readonly prefilter: boolean;

  constructor(intelRules: readonly DetectionRule[], opts: SigmaEngineOptions = {}) {
    this.mapping = opts.mapping ?? loadDefaultMapping();
    this.maxCorr = opts.maxCorrelationEvents ?? 1_000_000;
    this.prefilter = opts.prefilter ?? true;
    const sigma = intelRules.filter((r) => r.format === 'sigma' && isSigmaBody(r.body));
    this.stats = { total: sigma.length, compiled: 0, unsupported: [], unrouted: [] };
    const byRef = new Map<string, CompiledRule[]>();
    const filters: { rule: DetectionRule; body: SigmaRuleBody }[] = [];
    const corrs: { rule: DetectionRule; body: SigmaRuleBody }[] = [];
    const seen = new Set<string>();
    for (const r of sigma) {
      const body = r.body as SigmaRuleBody;
      if (seen.has(r.id)) {
        this.reject(r, `duplicate rule id ${r.id}`, 'duplicate');
        continue;
      }
      seen.add(r.id);
      if (body.type === 'filter') {
        filters.push({ rule: r, body });
        continue;
      }
      if (body.type === 'correlation') {
        corrs.push({ rule: r, body });
        continue;
      }
      try {
        const d = compileDetection(body.detection ?? {}, opts);
        const cr: CompiledRule = {
          rule: r,
          body,
          test: d.test,
          fields: d.fields,
          need: d.need,
          ref: ruleRef(r, body),
          emit: true,
          correlations: [],
          hits: 0,
        };
        this.rules.push(cr);
        for (const key of [r.id, body.name]) {
          if (!key) continue;
          const l = byRef.get(key) ?? [];
          l.push(cr);
          byRef.set(key, l);
        }
      } catch (e) {
        this.reject(r, e);
      }
    }
    // Filters: AND their condition onto the referenced rules.
    for (const { rule, body } of filters) {
      try {
        const f = body.filter!;
        const d = compileDetection(f.detection, opts);
        const targets = f.rules.flatMap((x) => byRef.get(x) ?? []);
        for (const t of targets) {
          const orig = t.test;
          const ft = d.test;
          t.test = (ev) => orig(ev) && ft(ev);
        }
        this.stats.compiled++;
      } catch (e) {
        this.reject(rule, e);
      }
    }
    // Correlations. A rule referenced by correlations emits its own findings only when one of
    // them says `generate: true` (Sigma v2: referenced rules are not output by default).
    const generates = new Map<CompiledRule, boolean>();
    for (const { rule, body } of corrs) {
      try {
        const c = body.correlation!;
        const { span, cond } = checkCorrelation(c);
        const refs = c.rules.map((x) => byRef.get(x));
        const missing = c.rules.filter((_, i) => !refs[i] || refs[i].length === 0);
        if (missing.length)
          throw new UnsupportedRule(
            `correlation references unknown or unsupported rules: ${missing.join(', ')}`,
          );
        const st: CorrState = {
          rule,
          ref: ruleRef(rule, body),
          type: c.type,
          span,
          cond,
          groupBy: c.groupBy,
          aliases: c.aliases,
          refs: c.rules,
          groups: new Map(),
          size: 0,
          overflow: false,
        };
        refs.forEach((list) => {
          for (const cr of list ?? []) {
            cr.correlations.push(st);
            generates.set(cr, (generates.get(cr) ?? false) || c.generate);
          }
        });
        this.correlations.push(st);
        this.stats.compiled++;
      } catch (e) {
        this.reject(rule, e);
      }
    }
    for (const [cr, gen] of generates) cr.emit = gen;
    // Routing.
    for (const cr of this.rules) {
      this.stats.compiled++;
      const sources = this.mapping.route(cr.body.logsource);
      if (!sources) {
        this.stats.unrouted.push({ file: cr.rule.file ?? '', id: cr.rule.id, logsource: lsText(cr.body) });
        continue;
      }
      for (const s of sources) {
        let b = this.routes.get(s.channel);
        if (!b) {
          b = { any: [], byEid: new Map() };
          this.routes.set(s.channel, b);
        }
        if (!s.eventIds) b.any.push(cr);
        else
          for (const id of s.eventIds) {
            const l = b.byEid.get(id) ?? [];
            if (!l.includes(cr)) l.push(cr);
            b.byEid.set(id, l);
          }
      }
    }
  }

  private reject(r: DetectionRule, e: unknown, code: 'unsupported' | 'duplicate' = 'unsupported'): void {
    const reason = typeof e === 'string' ? e : e instanceof Error ? e.message : String(e);
    if (!(typeof e === 'string' || e instanceof UnsupportedRule)) {
      // A bug in the compiler, not in the rule: still skip the rule, but say so.
      this.issues.push(
        issue('internal-error', `rule ${r.id}: ${reason}`, { file: r.file, pluginId: SIGMA_MATCHER_ID }),
      );
    } else {
      this.issues.push(
        issue(code, `rule ${r.id} (${r.title}) skipped: ${reason}`, {
          file: r.file,
          pluginId: SIGMA_MATCHER_ID,
        }),
      );
    }
    this.stats.unsupported.push({ file: r.file ?? '', id: r.id, reason });
  }

  /** The rules routed to a channel and EventID. */
  rulesFor(channel: string, eventId: string): CompiledRule[] {
    return this.route(channel, eventId).rules;
  }

  private route(channel: string, eventId: string): Route {
    let byEid = this.routeCache.get(channel);
    if (!byEid) {
      byEid = new Map();
      if (this.routeCache.size < 10_000) this.routeCache.set(channel, byEid);
    }
    let r = byEid.get(eventId);
    if (r) return r;
    const b = this.routes.get(channel.toLowerCase());
    const rules = b ? [...(b.byEid.get(eventId) ?? []), ...b.any] : [];
    r = { rules, prefilter: new RoutePrefilter(rules.map((x) => x.need)) };
    if (byEid.size < 10_000) byEid.set(eventId, r);
    return r;
  }

  /** Tests a prepared event; returns the rules that matched (in routing order). */
  matchEvent(ev: SigmaEvent): CompiledRule[] {
    const aliases = this.mapping.aliases(ev.channel, ev.eventId);
    if (aliases) applyAliases(ev, aliases);
    const route = this.route(ev.channel, ev.eventId);
    const out: CompiledRule[] = [];
    if (route.rules.length === 0) return out;
    const cands = this.prefilter ? route.prefilter.candidates(ev) : route.rules.map((_, i) => i);
    for (const i of cands) {
      const cr = route.rules[i]!;
      if (cr.test(ev)) {
        cr.hits++;
        out.push(cr);
      }
    }
    return out;
  }

  /** {@link PreparedMatcher.match}: log events and net contacts. */
  match(o: Observation): Finding[] {
    let ev: SigmaEvent;
    if (o.kind === 'log-event') ev = eventFromLog(o);
    else if (o.kind === 'net-contact') ev = eventFromNet(o);
    else return [];
    const hits = this.matchEvent(ev);
    if (hits.length === 0) return [];
    const out: Finding[] = [];
    for (const cr of hits) {
      if (cr.correlations.length) this.record(cr, ev, o);
      if (cr.emit) out.push(this.finding(cr, ev, o));
    }
    return out;
  }

  private finding(cr: CompiledRule, ev: SigmaEvent, o: Observation): Finding {
    const found: Record<string, unknown> = {};
    for (const [k, name] of cr.fields) {
      const fv = ev.fields.get(k);
      if (fv) found[name] = fv.list ? fv.list.map((x) => x.raw) : fv.isNull ? null : fv.raw;
    }
    const subject: Finding['subject'] = { type: 'event' };
    if (ev.time !== undefined) subject.time = ev.time;
    if (ev.channel) subject.channel = ev.channel;
    const eid = Number(ev.eventId);
    if (ev.eventId !== '' && Number.isFinite(eid)) subject.eventId = eid;
    if (ev.recordId !== undefined) subject.recordId = ev.recordId;
    if (ev.computer !== undefined) subject.computer = ev.computer;
    const evidence: Evidence = {
      type: 'sigma-detection',
      searchedBy: {
        ruleId: cr.rule.id,
        file: cr.rule.file,
        logsource: cr.body.logsource,
        condition: cr.body.detection?.['condition'],
      },
      found,
      matcherId: SIGMA_MATCHER_ID,
      confidence: 1,
      location: o.source,
    };
    const f: Finding = {
      id: stableId(
        'sigma',
        cr.rule.id,
        o.host,
        o.source.file,
        o.source.offset ?? o.source.line,
        ev.recordId ?? ev.time,
      ),
      kind: 'sigma',
      severity: cr.rule.level ?? 'medium',
      host: o.host,
      title: cr.rule.title,
      subject,
      rule: cr.ref,
      evidence: [evidence],
    };
    if (o.tenant !== undefined) f.tenant = o.tenant;
    if (cr.rule.references?.length) f.references = cr.rule.references;
    return f;
  }

  private record(cr: CompiledRule, ev: SigmaEvent, o: Observation): void {
    const t = ev.time !== undefined ? parseEventTime(ev.time) : Number.NaN;
    if (Number.isNaN(t)) return;
    for (const st of cr.correlations) {
      if (st.size >= this.maxCorr) {
        if (!st.overflow) {
          st.overflow = true;
          this.issues.push(
            issue(
              'limit-exceeded',
              `correlation ${st.rule.id}: more than ${this.maxCorr} base matches; later ones ignored`,
              { file: st.rule.file, pluginId: SIGMA_MATCHER_ID },
            ),
          );
        }
        continue;
      }
      const idx = st.refs.findIndex((x) => x === cr.rule.id || x === cr.body.name);
      const fieldFor = (f: string): string => {
        const a = st.aliases[f];
        const mapped = a ? (a[cr.body.name ?? ''] ?? a[cr.rule.id]) : undefined;
        return (mapped ?? f).toLowerCase();
      };
      const key = [o.host, ...st.groupBy.map((g) => ev.fields.get(fieldFor(g))?.raw ?? '')].join('\u0000');
      const e: CorrEvent = { t, rule: idx, ref: {} };
      if (st.cond.field !== undefined) {
        const v = ev.fields.get(fieldFor(st.cond.field));
        if (!v) continue;
        e.value = v.raw;
      }
      if (ev.time !== undefined) e.ref.time = ev.time;
      if (ev.recordId !== undefined) e.ref.recordId = ev.recordId;
      e.ref.file = o.source.file;
      const l = st.groups.get(key) ?? [];
      l.push(e);
      st.groups.set(key, l);
      st.size++;
    }
  }

  /** {@link PreparedMatcher.finish}: correlation findings, one per (rule, group, window). */
  finish(): Finding[] {
    const out: Finding[] = [];
    for (const st of this.correlations) {
      for (const [key, evs] of st.groups) {
        const [host = '', ...vals] = key.split('\u0000');
        for (const w of evaluateGroup(st.type, key, evs, st.span, st.cond, st.refs.length)) {
          const first = w.events[0]!;
          const last = w.events[w.events.length - 1]!;
          const group: Record<string, string> = {};
          st.groupBy.forEach((g, i) => (group[g] = vals[i] ?? ''));
          const subject: Finding['subject'] = { type: 'event' };
          if (first.ref.time !== undefined) subject.time = first.ref.time;
          out.push({
            id: stableId('sigma-correlation', st.rule.id, key, first.t),
            kind: 'sigma',
            severity: st.rule.level ?? 'medium',
            host,
            title: st.rule.title,
            subject,
            rule: st.ref,
            evidence: [
              {
                type: 'sigma-correlation',
                searchedBy: {
                  ruleId: st.rule.id,
                  type: st.type,
                  rules: st.refs,
                  groupBy: st.groupBy,
                  timespanMs: st.span,
                  condition: st.cond.text,
                },
                found: {
                  group,
                  value: w.count,
                  matches: w.events.length,
                  first: first.ref.time,
                  last: last.ref.time,
                  events: w.events.slice(0, 50).map((e) => ({ rule: st.refs[e.rule], ...e.ref })),
                },
                matcherId: SIGMA_MATCHER_ID,
                confidence: 1,
              },
            ],
          });
        }
      }
      st.groups.clear();
      st.size = 0;
    }
    return out;
  }
}

const SYSMON = 'Microsoft-Windows-Sysmon/Operational';

/** Prepares the event of a log-event observation (observation fields win over the event's). */
export function eventFromLog(o: LogEventObservation): SigmaEvent {
  const ev = prepareEvent(o.event, {
    channel: o.channel,
    eventId: o.eventId,
    time: o.time,
    computer: o.computer,
    recordId: o.recordId,
  });
  if (!ev.channel) {
    const prov = ev.fields.get('provider_name')?.lower ?? o.provider?.toLowerCase() ?? '';
    if (prov.includes('sysmon')) ev.channel = SYSMON;
  }
  return ev;
}

/** Prepares a net-contact observation as a flat event on channel `net-contact/dns` or `net-contact/proxy`. */
export function eventFromNet(o: NetContactObservation): SigmaEvent {
  const flat: Record<string, unknown> = {};
  for (const k of [
    'time',
    'protocol',
    'src',
    'srcPort',
    'dst',
    'dstPort',
    'fqdn',
    'url',
    'sni',
    'userAgent',
    'bytesOut',
    'bytesIn',
    'logType',
  ] as const) {
    if (o[k] !== undefined) flat[k] = o[k];
  }
  const lt = (o.logType ?? '').toLowerCase();
  const isDns =
    lt.includes('dns') ||
    lt === 'sysmon/22' ||
    (o.url === undefined && o.userAgent === undefined && o.fqdn !== undefined && o.dstPort === 53);
  return prepareEvent(flat, { channel: isDns ? 'net-contact/dns' : 'net-contact/proxy', time: o.time });
}
