/**
 * Network indicator matcher: `net-contact` observations (Zeek, Squid, CSV/JSONL logs) and Sysmon
 * 22/3 `log-event` observations against domain, ip, cidr, url and url-pattern indicators.
 */
import type { Finding } from '../../core/finding.js';
import type { Matcher, PreparedMatcher } from '../../core/plugin.js';
import { buildNetworkIndex, matchContact, NETWORK_MATCHER_ID } from './match.js';
import { contactFromSysmonEvent, sysmonImage } from './sysmon.js';

/** Matches network contacts against network indicators. */
export const networkMatcher = {
  id: NETWORK_MATCHER_ID,
  version: 1,
  description:
    'Network contacts (Zeek, proxy, DNS, Sysmon 3/22) against domain, IP/CIDR, URL and URL-pattern indicators',
  accepts: ['net-contact', 'log-event'],
  prepare(intel): PreparedMatcher | null {
    const { index, issues } = buildNetworkIndex(intel);
    if (index.size === 0) return issues.length > 0 ? { match: () => [], issues } : null;
    return {
      issues,
      match(o): Finding[] {
        if (o.kind === 'net-contact') return matchContact(index, o, { host: o.host, tenant: o.tenant });
        if (o.kind === 'log-event') {
          const c = contactFromSysmonEvent(o);
          if (!c) return [];
          const image = sysmonImage(o);
          const extra: Record<string, unknown> = { eventId: o.eventId ?? Number(c.logType?.split('/')[1]) };
          if (image !== undefined) extra['image'] = image;
          if (o.recordId !== undefined) extra['recordId'] = o.recordId;
          return matchContact(index, c, { host: o.host, tenant: o.tenant, extra });
        }
        return [];
      },
    };
  },
} satisfies Matcher;
