/** Pure parser for CycloneDX SBOMs (1.0-1.7; JSON and XML): components become package observations. */
import { XMLParser } from 'fast-xml-parser';
import type { CollectorResult } from '../../core/plugin.js';
import {
  arr,
  decodeInput,
  findJsonMember,
  fromPurl,
  isRecord,
  LineIndex,
  PackageSink,
  parseJsonInput,
  str,
} from '../../util/inventory.js';

/** Plugin id, used on issues. */
export const CYCLONEDX_ID = 'collectors/cyclonedx';

/** cyclonedx-npm marks development dependencies with this property. */
const NPM_DEV = 'cdx:npm:package:development';

/** Deepest component nesting followed (deeper components are reported, not read). */
const MAX_DEPTH = 64;

/** A component in format-neutral form. */
interface Comp {
  type: string | undefined;
  name: string | undefined;
  version: string | undefined;
  purl: string | undefined;
  scope: string | undefined;
  bomRef: string | undefined;
  line: number | undefined;
  /** cyclonedx-npm's `cdx:npm:package:development` property. */
  npmDev: boolean;
}

/** A BOM in format-neutral form. */
interface NeutralBom {
  specVersion: string | undefined;
  rootRef: string | undefined;
  components: Comp[];
  /** ref → refs it depends on */
  dependsOn: Map<string, string[]>;
  tooDeep: number;
}

/** True when the first bytes look like a CycloneDX document (JSON `bomFormat` or the XML namespace). */
export function sniffCycloneDx(head: string): boolean {
  return (
    /"bomFormat"\s*:\s*"CycloneDX"/.test(head) || head.includes('xmlns="http://cyclonedx.org/schema/bom/')
  );
}

function looksXml(text: string): boolean {
  const t = text.trimStart();
  return t.startsWith('<');
}

/**
 * Parses a CycloneDX BOM. Every component (nested ones included) with a purl whose type maps to
 * an OSV ecosystem becomes a package; `metadata.component` (the subject of the BOM) is not one.
 * Scope `optional` → optional; scope `excluded` (test and other non-runtime use) or the cyclonedx-npm
 * property `cdx:npm:package:development=true` → dev. Components
 * the root depends on are direct when the BOM has a dependency graph. Components without a purl
 * or version, or with an unmapped purl type, are counted in one issue per reason.
 */
export function parseCycloneDx(content: Uint8Array, file: string): CollectorResult {
  const sink = new PackageSink({ file, pluginId: CYCLONEDX_ID });
  const text = decodeInput(content, sink);
  if (text === null) return sink.result();
  const bom = looksXml(text) ? readXml(text, sink) : readJson(text, sink);
  if (bom === undefined) return sink.result();
  if (bom.specVersion !== undefined && !/^1\.[0-7]$/.test(bom.specVersion)) {
    sink.issue('unsupported', `specVersion ${bom.specVersion.slice(0, 20)} is not 1.0-1.7; read as 1.6`);
  }
  if (bom.tooDeep > 0)
    sink.issue('limit-exceeded', `${bom.tooDeep} components nested deeper than ${MAX_DEPTH} levels not read`);
  const direct = bom.rootRef !== undefined ? new Set(bom.dependsOn.get(bom.rootRef) ?? []) : undefined;
  const hasGraph = direct !== undefined && bom.dependsOn.has(bom.rootRef!);
  const skipped = new Map<string, string[]>();
  const skip = (reason: string, what: string): void => {
    const l = skipped.get(reason) ?? [];
    l.push(what);
    skipped.set(reason, l);
  };
  for (const c of bom.components) {
    const label = c.name ?? c.bomRef ?? '(unnamed)';
    if (c.purl === undefined || c.purl === '') {
      skip('no purl, so no ecosystem', label);
      continue;
    }
    const p = fromPurl(c.purl);
    if (typeof p === 'string') {
      skip(p, label);
      continue;
    }
    const version = c.version ?? p.version;
    if (version === undefined || version === '') {
      skip('no version', label);
      continue;
    }
    sink.add({
      ecosystem: p.ecosystem,
      name: p.name,
      version,
      purl: c.purl,
      line: c.line,
      direct: hasGraph && c.bomRef !== undefined ? direct.has(c.bomRef) : undefined,
      dev: c.scope === 'excluded' || c.npmDev,
      optional: c.scope === 'optional',
    });
  }
  for (const [reason, names] of [...skipped].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    const shown = names
      .slice(0, 5)
      .map((n) => n.slice(0, 80))
      .join(', ');
    sink.issue(
      'unsupported',
      `${names.length} component(s) not reported: ${reason} (${shown}${names.length > 5 ? ', …' : ''})`,
    );
  }
  return sink.result();
}

function readJson(text: string, sink: PackageSink): NeutralBom | undefined {
  const doc = parseJsonInput(text, sink);
  if (doc === undefined) return undefined;
  if (!isRecord(doc) || doc['bomFormat'] !== 'CycloneDX') {
    sink.issue('invalid-value', 'not a CycloneDX JSON document (bomFormat is not "CycloneDX")');
    return undefined;
  }
  const lines = new LineIndex(text);
  let cursor = 0;
  const bom: NeutralBom = {
    specVersion: str(doc['specVersion']),
    rootRef: undefined,
    components: [],
    dependsOn: new Map(),
    tooDeep: 0,
  };
  const meta = doc['metadata'];
  if (isRecord(meta) && isRecord(meta['component'])) bom.rootRef = str(meta['component']['bom-ref']);
  const stack: { list: unknown[]; depth: number }[] = [{ list: arr(doc['components']), depth: 0 }];
  // depth-first in document order so the line cursor only moves forward
  const walk = (list: unknown[], depth: number): void => {
    for (const c of list) {
      if (!isRecord(c)) continue;
      const purl = str(c['purl']);
      let line: number | undefined;
      if (purl !== undefined) {
        const hit = findJsonMember(lines, 'purl', purl, cursor);
        if (hit) {
          line = hit.line;
          cursor = hit.offset + 1;
        }
      }
      const group = str(c['group']);
      const name = str(c['name']);
      bom.components.push({
        type: str(c['type']),
        name: group ? `${group}/${name ?? ''}` : name,
        version: str(c['version']),
        purl,
        scope: str(c['scope']),
        bomRef: str(c['bom-ref']),
        line,
        npmDev: arr(c['properties']).some(
          (p) => isRecord(p) && p['name'] === NPM_DEV && p['value'] === 'true',
        ),
      });
      const kids = arr(c['components']);
      if (kids.length > 0) {
        if (depth + 1 >= MAX_DEPTH) bom.tooDeep += kids.length;
        else walk(kids, depth + 1);
      }
    }
  };
  for (const s of stack) walk(s.list, s.depth);
  for (const d of arr(doc['dependencies'])) {
    if (!isRecord(d)) continue;
    const ref = str(d['ref']);
    if (ref === undefined) continue;
    const on = arr(d['dependsOn']).filter((x): x is string => typeof x === 'string');
    const prev = bom.dependsOn.get(ref);
    if (prev) for (const x of on) prev.push(x);
    else bom.dependsOn.set(ref, on);
  }
  return bom;
}

const XML_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the five predefined XML entities and numeric references (no DTD entities, ever). */
export function decodeXmlText(s: string): string {
  return s.replace(/&(lt|gt|amp|quot|apos|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (m, e: string) => {
    if (e.startsWith('#x') || e.startsWith('#')) {
      const cp = e.startsWith('#x') ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return XML_ENTITIES[e] ?? m;
  });
}

/** The `xmlns` of the first `<bom>` start tag (searched in the first 64 KiB only, once). */
function bomNamespace(text: string): string {
  const head = text.slice(0, 65536);
  const start = /<(?:[\w.-]+:)?bom[\s>]/.exec(head);
  if (!start) return '';
  const end = head.indexOf('>', start.index);
  const tag = head.slice(start.index, end === -1 ? head.length : end);
  return /\bxmlns(?::[\w.-]+)?\s*=\s*"([^"]*)"/.exec(tag)?.[1]?.slice(0, 200) ?? '';
}

const ARRAY_TAGS = new Set(['component', 'dependency', 'property']);

function xmlText(v: unknown): string | undefined {
  if (typeof v === 'string') return decodeXmlText(v).trim();
  if (isRecord(v) && typeof v['#text'] === 'string') return decodeXmlText(v['#text']).trim();
  return undefined;
}

function readXml(text: string, sink: PackageSink): NeutralBom | undefined {
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@_',
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    removeNSPrefix: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: 256,
    isArray: (tag) => ARRAY_TAGS.has(tag),
  });
  let doc: unknown;
  try {
    doc = parser.parse(text, true);
  } catch (err) {
    const msg = err instanceof Error ? err.message : String(err);
    sink.issue('parse-error', `not well-formed XML: ${msg.slice(0, 200)}`);
    return undefined;
  }
  const root = isRecord(doc) ? doc['bom'] : undefined;
  if (!isRecord(root)) {
    sink.issue('invalid-value', 'not a CycloneDX XML document (no <bom> root)');
    return undefined;
  }
  const ns = bomNamespace(text);
  const specVersion = /cyclonedx\.org\/schema\/bom\/(\d+\.\d+)/.exec(ns)?.[1];
  if (specVersion === undefined)
    sink.issue('invalid-value', `<bom> namespace "${ns.slice(0, 80)}" is not CycloneDX`);
  const bom: NeutralBom = {
    specVersion,
    rootRef: undefined,
    components: [],
    dependsOn: new Map(),
    tooDeep: 0,
  };
  const meta = root['metadata'];
  if (isRecord(meta)) {
    const mc = arr(meta['component'])[0];
    if (isRecord(mc)) bom.rootRef = str(mc['@_bom-ref']);
  }
  const lines = new LineIndex(text);
  let cursor = lines.find('<components')?.offset ?? 0;
  const walk = (container: unknown, depth: number): void => {
    if (!isRecord(container)) return;
    for (const c of arr(container['component'])) {
      if (!isRecord(c)) continue;
      const purl = xmlText(c['purl']);
      let line: number | undefined;
      if (purl !== undefined) {
        const hit = lines.find('<purl>', cursor);
        if (hit) {
          line = hit.line;
          cursor = hit.offset + 1;
        }
      }
      const group = xmlText(c['group']);
      const name = xmlText(c['name']);
      bom.components.push({
        type: str(c['@_type']),
        name: group ? `${group}/${name ?? ''}` : name,
        version: xmlText(c['version']),
        purl,
        scope: xmlText(c['scope']),
        bomRef: str(c['@_bom-ref']),
        line,
        npmDev:
          isRecord(c['properties']) &&
          arr(c['properties']['property']).some(
            (p) => isRecord(p) && p['@_name'] === NPM_DEV && xmlText(p) === 'true',
          ),
      });
      if (isRecord(c['components'])) {
        if (depth + 1 >= MAX_DEPTH) bom.tooDeep += arr(c['components']['component']).length;
        else walk(c['components'], depth + 1);
      }
    }
  };
  walk(root['components'], 0);
  const deps = root['dependencies'];
  if (isRecord(deps)) {
    for (const d of arr(deps['dependency'])) {
      if (!isRecord(d)) continue;
      const ref = str(d['@_ref']);
      if (ref === undefined) continue;
      const on = arr(d['dependency'])
        .map((x) => (isRecord(x) ? str(x['@_ref']) : undefined))
        .filter((x): x is string => x !== undefined);
      const prev = bom.dependsOn.get(ref);
      if (prev) for (const x of on) prev.push(x);
      else bom.dependsOn.set(ref, on);
    }
  }
  return bom;
}
