/** Pure parser for SPDX documents: 2.2/2.3 (JSON, YAML, tag-value) and 3.0 (JSON-LD). */
import { parse as parseYaml } from 'yaml';
import type { CollectorResult } from '../../core/plugin.js';
import {
  arr,
  decodeInput,
  fromPurl,
  isRecord,
  LineIndex,
  PackageSink,
  parseJsonInput,
  str,
} from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const SPDX_ID = 'collectors/spdx';

interface SpdxPackage {
  id: string | undefined;
  name: string | undefined;
  version: string | undefined;
  purls: string[];
  line: number | undefined;
}
interface Rel {
  from: string;
  type: string;
  to: string;
  /** SPDX 3 lifecycle scope. */
  scope?: string;
}
interface NeutralDoc {
  version: string | undefined;
  packages: SpdxPackage[];
  rels: Rel[];
  roots: string[];
}

/** Deepest `[`/`{` nesting read from YAML (the yaml library recurses per level). */
const MAX_YAML_FLOW_DEPTH = 128;

/** Upper bound of flow-collection nesting: counts brackets, ignoring quoting (cheap and linear). */
function flowDepth(text: string): number {
  let d = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5b || c === 0x7b) {
      d++;
      if (d > max) max = d;
    } else if ((c === 0x5d || c === 0x7d) && d > 0) d--;
  }
  return max;
}

/** True when the first bytes look like an SPDX document in any supported serialisation. */
export function sniffSpdx(head: string): boolean {
  return (
    /"spdxVersion"\s*:\s*"SPDX-/.test(head) ||
    (head.includes('"@context"') && /spdx\.org\/rdf\/3/.test(head)) ||
    /^SPDXVersion:\s*SPDX-/m.test(head) ||
    /^spdxVersion:\s*["']?SPDX-/m.test(head)
  );
}

/**
 * Parses an SPDX document. Packages with a `purl` (2.x `externalRefs` PACKAGE-MANAGER purl, 3.x
 * `software_packageUrl` or a packageUrl external identifier) whose type maps to an OSV ecosystem
 * become packages; others are counted in one issue per reason. Packages the described root
 * depends on are direct (when the document has such relationships); packages only reached through
 * dev/test relationships are dev, through optional ones optional.
 */
export function parseSpdx(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: SPDX_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const t = text.trimStart();
  let doc: NeutralDoc | undefined;
  if (t.startsWith('{')) {
    const json = parseJsonInput(text, sink);
    if (json === undefined) return sink.result();
    if (isRecord(json) && ('@graph' in json || '@context' in json)) doc = readSpdx3(json, text, sink);
    else doc = readSpdx2(json, text, sink);
  } else if (/^SPDXVersion:/m.test(text)) {
    doc = readTagValue(text, sink);
  } else {
    const depth = flowDepth(text);
    if (depth > MAX_YAML_FLOW_DEPTH) {
      sink.issue(
        'limit-exceeded',
        `YAML flow collections nested ${depth} deep (limit ${MAX_YAML_FLOW_DEPTH}); not parsed`,
      );
      return sink.result();
    }
    let y: unknown;
    try {
      y = parseYaml(text, { maxAliasCount: 100, prettyErrors: false });
    } catch (err) {
      const line =
        err && typeof err === 'object' && 'linePos' in err
          ? (err as { linePos?: { line: number }[] }).linePos?.[0]?.line
          : undefined;
      sink.issue(
        'parse-error',
        `not valid YAML: ${(err instanceof Error ? err.message : String(err)).split('\n')[0]}`,
        line,
      );
      return sink.result();
    }
    doc = readSpdx2(y, text, sink);
  }
  if (doc === undefined) return sink.result();
  emit(doc, sink);
  return sink.result();
}

const DEV_2 = new Set([
  'DEV_DEPENDENCY_OF',
  'TEST_DEPENDENCY_OF',
  'DEV_TOOL_OF',
  'TEST_TOOL_OF',
  'BUILD_DEPENDENCY_OF',
  'TEST_OF',
]);
const OPT_2 = new Set(['OPTIONAL_DEPENDENCY_OF', 'OPTIONAL_COMPONENT_OF']);
const DEP_2 = new Set([
  'DEPENDS_ON',
  'DEPENDENCY_OF',
  'RUNTIME_DEPENDENCY_OF',
  'PROVIDED_DEPENDENCY_OF',
  'CONTAINS',
  'CONTAINED_BY',
]);

function emit(doc: NeutralDoc, sink: PackageSink): void {
  if (doc.version !== undefined && !/^SPDX-2\.[0-3]$|^3\.0(\.\d+)?$/.test(doc.version)) {
    sink.issue('unsupported', `SPDX version ${doc.version.slice(0, 20)} is not 2.2/2.3/3.0; read anyway`);
  }
  // normalise to parent → child edges with a kind
  const edges: { parent: string; child: string; kind: 'dep' | 'dev' | 'opt' }[] = [];
  for (const r of doc.rels) {
    const t = r.type.toUpperCase();
    if (t === 'DEPENDS_ON' || t === 'CONTAINS') {
      const kind = r.scope === 'development' || r.scope === 'test' || r.scope === 'build' ? 'dev' : 'dep';
      edges.push({ parent: r.from, child: r.to, kind });
    } else if (t === 'DEPENDSON') {
      const kind = r.scope === 'development' || r.scope === 'test' || r.scope === 'build' ? 'dev' : 'dep';
      edges.push({ parent: r.from, child: r.to, kind });
    } else if (DEP_2.has(t)) {
      edges.push({ parent: r.to, child: r.from, kind: 'dep' });
    } else if (DEV_2.has(t)) {
      edges.push({ parent: r.to, child: r.from, kind: 'dev' });
    } else if (OPT_2.has(t)) {
      edges.push({ parent: r.to, child: r.from, kind: 'opt' });
    }
  }
  const roots = new Set(doc.roots);
  const directIds = new Set(edges.filter((e) => roots.has(e.parent) && e.kind === 'dep').map((e) => e.child));
  const hasRootEdges = edges.some((e) => roots.has(e.parent));
  const children = new Map<string, { child: string; kind: string }[]>();
  for (const e of edges) {
    const l = children.get(e.parent);
    if (l) l.push(e);
    else children.set(e.parent, [e]);
  }
  const reach = (kinds: Set<string>, startKinds: Set<string>): Set<string> => {
    const seen = new Set<string>();
    const stack: string[] = [];
    for (const r of roots)
      for (const e of children.get(r) ?? []) if (startKinds.has(e.kind)) stack.push(e.child);
    while (stack.length > 0) {
      const n = stack.pop()!;
      if (seen.has(n)) continue;
      seen.add(n);
      for (const e of children.get(n) ?? []) if (kinds.has(e.kind)) stack.push(e.child);
    }
    return seen;
  };
  const prod = reach(new Set(['dep']), new Set(['dep']));
  const devSet = reach(new Set(['dep', 'dev']), new Set(['dev']));
  const optSet = reach(new Set(['dep', 'opt']), new Set(['opt']));

  const skipped = new Map<string, string[]>();
  const skip = (reason: string, what: string): void => {
    const l = skipped.get(reason);
    if (l) l.push(what);
    else skipped.set(reason, [what]);
  };
  for (const p of doc.packages) {
    const label = p.name ?? p.id ?? '(unnamed)';
    if (p.purls.length === 0) {
      skip('no purl, so no ecosystem', label);
      continue;
    }
    for (const purl of p.purls) {
      const r = fromPurl(purl);
      if (typeof r === 'string') {
        skip(r, label);
        continue;
      }
      const version = r.version ?? (p.version !== 'NOASSERTION' ? p.version : undefined);
      if (version === undefined || version === '') {
        skip('no version', label);
        continue;
      }
      const id = p.id ?? '';
      const inProd = prod.has(id);
      sink.add({
        ecosystem: r.ecosystem,
        name: r.name,
        version,
        purl,
        line: p.line,
        direct: hasRootEdges ? directIds.has(id) : undefined,
        dev: hasRootEdges && !inProd && devSet.has(id),
        optional: hasRootEdges && !inProd && !devSet.has(id) && optSet.has(id),
      });
    }
  }
  for (const [reason, names] of [...skipped].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const shown = names
      .slice(0, 5)
      .map((n) => n.slice(0, 80))
      .join(', ');
    sink.issue(
      'unsupported',
      `${names.length} package(s) not reported: ${reason} (${shown}${names.length > 5 ? ', …' : ''})`,
    );
  }
}

function readSpdx2(doc: unknown, text: string, sink: PackageSink): NeutralDoc | undefined {
  if (!isRecord(doc) || typeof doc['spdxVersion'] !== 'string') {
    sink.issue('invalid-value', 'not an SPDX 2 document (no spdxVersion)');
    return undefined;
  }
  const lines = new LineIndex(text);
  let cursor = 0;
  const out: NeutralDoc = { version: doc['spdxVersion'], packages: [], rels: [], roots: [] };
  for (const p of arr(doc['packages'])) {
    if (!isRecord(p)) continue;
    const id = str(p['SPDXID']);
    let line: number | undefined;
    if (id !== undefined) {
      const hit = lines.find(id, cursor);
      if (hit) {
        line = hit.line;
        cursor = hit.offset + 1;
      }
    }
    const purls: string[] = [];
    for (const r of arr(p['externalRefs'])) {
      if (!isRecord(r)) continue;
      const cat = (str(r['referenceCategory']) ?? '').replace('_', '-').toUpperCase();
      if (cat === 'PACKAGE-MANAGER' && str(r['referenceType']) === 'purl') {
        const loc = str(r['referenceLocator']);
        if (loc) purls.push(loc);
      }
    }
    out.packages.push({ id, name: str(p['name']), version: str(p['versionInfo']), purls, line });
  }
  for (const r of arr(doc['relationships'])) {
    if (!isRecord(r)) continue;
    const from = str(r['spdxElementId']);
    const type = str(r['relationshipType']);
    const to = str(r['relatedSpdxElement']);
    if (from && type && to) out.rels.push({ from, type, to });
  }
  out.roots = arr(doc['documentDescribes']).filter((x): x is string => typeof x === 'string');
  const docId = str(doc['SPDXID']) ?? 'SPDXRef-DOCUMENT';
  for (const r of out.rels)
    if (r.from === docId && r.type.toUpperCase() === 'DESCRIBES') out.roots.push(r.to);
  return out;
}

/** Tag-value: `Tag: value` lines; `<text>…</text>` values may span lines. */
function readTagValue(text: string, sink: PackageSink): NeutralDoc {
  const out: NeutralDoc = { version: undefined, packages: [], rels: [], roots: [] };
  const lines = text.split(/\r\n|\n|\r/);
  let cur: SpdxPackage | undefined;
  let docId = 'SPDXRef-DOCUMENT';
  let inDocHeader = true;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '' || l.startsWith('#')) continue;
    const c = l.indexOf(':');
    if (c <= 0) {
      sink.issue('parse-error', `not a "Tag: value" line: "${l.slice(0, 60)}"`, i + 1);
      continue;
    }
    const tag = l.slice(0, c).trim();
    let value = l.slice(c + 1).trim();
    if (value.startsWith('<text>')) {
      // skip to </text>, possibly lines later
      let j = i;
      let acc = value;
      while (!acc.includes('</text>') && j + 1 < lines.length) acc += '\n' + lines[++j]!;
      if (!acc.includes('</text>'))
        sink.issue('truncated', `<text> opened at line ${i + 1} is never closed`, i + 1);
      value = acc.slice(6, acc.includes('</text>') ? acc.indexOf('</text>') : undefined);
      i = j;
    }
    switch (tag) {
      case 'SPDXVersion':
        out.version = value;
        break;
      case 'PackageName':
        inDocHeader = false;
        cur = { id: undefined, name: value, version: undefined, purls: [], line: i + 1 };
        out.packages.push(cur);
        break;
      case 'SPDXID':
        if (cur) cur.id = value;
        else if (inDocHeader) docId = value;
        break;
      case 'FileName':
      case 'SnippetSPDXID':
      case 'LicenseID':
        inDocHeader = false;
        cur = undefined;
        break;
      case 'PackageVersion':
        if (cur) cur.version = value;
        break;
      case 'ExternalRef': {
        const parts = value.split(/\s+/);
        if (
          cur &&
          parts.length >= 3 &&
          parts[0]!.replace('_', '-').toUpperCase() === 'PACKAGE-MANAGER' &&
          parts[1] === 'purl'
        ) {
          cur.purls.push(parts[2]!);
        }
        break;
      }
      case 'Relationship': {
        const parts = value.split(/\s+/);
        if (parts.length >= 3) out.rels.push({ from: parts[0]!, type: parts[1]!, to: parts[2]! });
        else sink.issue('parse-error', 'Relationship needs "A TYPE B"', i + 1);
        break;
      }
      default:
        break;
    }
  }
  if (out.version === undefined) sink.issue('invalid-value', 'no SPDXVersion tag');
  for (const r of out.rels)
    if (r.from === docId && r.type.toUpperCase() === 'DESCRIBES') out.roots.push(r.to);
  return out;
}

function typeName(v: unknown): string {
  const t = str(v) ?? '';
  // accept `software_Package`, `software:Package`, `Package`, full IRIs
  return t.replace(/^.*[/#]/, '').replace(/^software[_:]/, '');
}

function readSpdx3(doc: Record<string, unknown>, text: string, sink: PackageSink): NeutralDoc | undefined {
  const ctx = JSON.stringify(doc['@context'] ?? '');
  if (!/spdx\.org\/rdf\/3/.test(ctx)) {
    sink.issue('invalid-value', 'JSON-LD document whose @context is not SPDX 3');
    return undefined;
  }
  const graph = Array.isArray(doc['@graph']) ? doc['@graph'] : [doc];
  const lines = new LineIndex(text);
  let cursor = 0;
  const out: NeutralDoc = { version: undefined, packages: [], rels: [], roots: [] };
  for (const el of graph) {
    if (!isRecord(el)) continue;
    const type = typeName(el['type'] ?? el['@type']);
    const id = str(el['spdxId']) ?? str(el['@id']);
    if (type === 'CreationInfo') {
      out.version ??= str(el['specVersion']);
    } else if (type === 'SpdxDocument' || type === 'Sbom') {
      for (const r of arr(el['rootElement'])) if (typeof r === 'string') out.roots.push(r);
    } else if (type === 'Package') {
      let line: number | undefined;
      if (id !== undefined) {
        const hit = lines.find(JSON.stringify(id), cursor);
        if (hit) {
          line = hit.line;
          cursor = hit.offset + 1;
        }
      }
      const purls: string[] = [];
      const direct = str(el['software_packageUrl']) ?? str(el['packageUrl']);
      if (direct) purls.push(direct);
      for (const x of arr(el['externalIdentifier'])) {
        if (!isRecord(x)) continue;
        if (str(x['externalIdentifierType']) === 'packageUrl') {
          const v = str(x['identifier']);
          if (v && !purls.includes(v)) purls.push(v);
        }
      }
      out.packages.push({
        id,
        name: str(el['name']),
        version: str(el['software_packageVersion']) ?? str(el['packageVersion']),
        purls,
        line,
      });
    } else if (type === 'Relationship' || type === 'LifecycleScopedRelationship') {
      const from = str(el['from']);
      const rtype = str(el['relationshipType']);
      if (!from || !rtype) continue;
      const scope = str(el['scope']);
      for (const to of arr(el['to'])) {
        if (typeof to !== 'string') continue;
        const rel: Rel = { from, type: rtype, to };
        if (scope !== undefined) rel.scope = scope.replace(/^.*[/#]/, '');
        out.rels.push(rel);
      }
    }
  }
  return out;
}
