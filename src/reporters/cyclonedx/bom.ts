/** Pure CycloneDX 1.6 JSON writer for package observations. */
import { createHash } from 'node:crypto';
import { cmp } from '../../core/issue.js';
import type { PackageObservation } from '../../core/observation.js';
import { purlFor } from '../../util/inventory.js';

/** Facts about the BOM itself. */
export interface CycloneDxMeta {
  /** ISO 8601 time written to `metadata.timestamp`; defaults to now. Inject it for reproducible output. */
  timestamp?: string;
  toolName?: string;
  toolVersion?: string;
  /** What the BOM describes (becomes `metadata.component`). */
  subject?: { name: string; version?: string };
}

/** A CycloneDX property. */
interface Property {
  name: string;
  value: string;
}

/** A CycloneDX 1.6 component as written. */
export interface CdxComponent {
  type: 'library';
  'bom-ref': string;
  group?: string;
  name: string;
  version: string;
  scope?: 'optional' | 'excluded';
  purl?: string;
  properties?: Property[];
}

function splitName(ecosystem: string, name: string): { group?: string; name: string } {
  if (ecosystem === 'Maven') {
    const i = name.indexOf(':');
    if (i > 0) return { group: name.slice(0, i), name: name.slice(i + 1) };
  }
  if ((ecosystem === 'npm' && name.startsWith('@')) || ecosystem === 'Packagist') {
    const i = name.indexOf('/');
    if (i > 0) return { group: name.slice(0, i), name: name.slice(i + 1) };
  }
  return { name };
}

/** A name-based RFC 4122 UUID (version 5 layout) from a SHA-256 of `data`. */
function uuidFrom(data: string): string {
  const h = createHash('sha256').update(data).digest();
  h[6] = (h[6]! & 0x0f) | 0x50;
  h[8] = (h[8]! & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

/**
 * Builds a CycloneDX 1.6 JSON BOM from package observations. Packages are merged by purl (or
 * ecosystem, name and version when there is none): a package is `excluded` (CycloneDX's scope
 * for test and other non-runtime use) only if every occurrence is dev, `optional` only if every
 * occurrence is optional. Components are sorted; `serialNumber` is derived from the content, so
 * the same observations and meta always give the same bytes.
 *
 * @example
 * const bom = toCycloneDx(packages, { timestamp: '2026-01-01T00:00:00Z', toolVersion: '0.1.0' });
 * writeFileSync('bom.cdx.json', JSON.stringify(bom, null, 2));
 */
export function toCycloneDx(
  observations: readonly PackageObservation[],
  meta: CycloneDxMeta = {},
): Record<string, unknown> {
  interface Acc {
    o: PackageObservation;
    purl: string | undefined;
    allDev: boolean;
    allOptional: boolean;
    locations: Set<string>;
    hosts: Set<string>;
    ecosystems: Set<string>;
  }
  const byRef = new Map<string, Acc>();
  for (const o of observations) {
    if (o.kind !== 'package') continue;
    const purl = o.purl ?? purlFor(o.ecosystem, o.name, o.version);
    const ref = purl ?? `${o.ecosystem}:${o.name}@${o.version}`;
    let acc = byRef.get(ref);
    if (!acc) {
      acc = {
        o,
        purl,
        allDev: true,
        allOptional: true,
        locations: new Set(),
        hosts: new Set(),
        ecosystems: new Set(),
      };
      byRef.set(ref, acc);
    }
    acc.allDev &&= o.dev === true;
    acc.allOptional &&= o.optional === true;
    for (const l of o.locations.length > 0 ? o.locations : [o.source])
      acc.locations.add(l.line !== undefined ? `${l.file}:${l.line}` : l.file);
    if (o.host) acc.hosts.add(o.host);
    acc.ecosystems.add(o.ecosystem);
  }
  const components: CdxComponent[] = [];
  for (const [ref, acc] of byRef) {
    const { group, name } = splitName(acc.o.ecosystem, acc.o.name);
    const c: CdxComponent = { type: 'library', 'bom-ref': ref, name, version: acc.o.version };
    if (group !== undefined) c.group = group;
    if (acc.allDev) c.scope = 'excluded';
    else if (acc.allOptional) c.scope = 'optional';
    if (acc.purl !== undefined) c.purl = acc.purl;
    const props: Property[] = [
      ...[...acc.ecosystems].sort(cmp).map((v) => ({ name: 'chainhunt:ecosystem', value: v })),
      ...[...acc.hosts].sort(cmp).map((v) => ({ name: 'chainhunt:host', value: v })),
      ...[...acc.locations].sort(cmp).map((v) => ({ name: 'chainhunt:location', value: v })),
    ];
    if (props.length > 0) c.properties = props;
    components.push(c);
  }
  components.sort((a, b) => cmp(a['bom-ref'], b['bom-ref']));

  const toolName = meta.toolName ?? 'chainhunt';
  const metadata: Record<string, unknown> = {
    timestamp: meta.timestamp ?? new Date().toISOString(),
    tools: {
      components: [
        {
          type: 'application',
          name: toolName,
          ...(meta.toolVersion !== undefined ? { version: meta.toolVersion } : {}),
        },
      ],
    },
  };
  if (meta.subject) {
    metadata['component'] = {
      type: 'application',
      'bom-ref': `chainhunt:subject:${meta.subject.name}`,
      name: meta.subject.name,
      ...(meta.subject.version !== undefined ? { version: meta.subject.version } : {}),
    };
  }
  const identity = JSON.stringify({
    components,
    tool: toolName,
    toolVersion: meta.toolVersion,
    subject: meta.subject,
  });
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.6.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.6',
    serialNumber: `urn:uuid:${uuidFrom(identity)}`,
    version: 1,
    metadata,
    components,
  };
}
