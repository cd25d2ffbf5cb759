/**
 * HTML building with escaping by default: every interpolated string goes through {@link escapeHtml}
 * unless it is already {@link Html} built by {@link h} (the only way to get markup in).
 */

/** A fragment of markup that is already safe to insert. */
export interface Html {
  readonly markup: string;
}

/** What {@link h} accepts between `${}`: text is escaped, fragments are inserted as they are. */
export type HtmlValue = string | number | Html | readonly Html[] | undefined | null | false;

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/**
 * Escapes text for element content and double- or single-quoted attribute values. C0 and C1
 * controls (other than tab, newline, carriage return), DEL, U+FFFE and U+FFFF are not allowed in
 * HTML and are replaced by U+FFFD, so a hostile string cannot make the document invalid.
 */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c)
    .replace(/[^\t\n\r\u0020-\u007e\u00a0-\ufffd]/g, '\ufffd');
}

function isHtml(v: unknown): v is Html {
  return typeof v === 'object' && v !== null && typeof (v as { markup?: unknown }).markup === 'string';
}

function part(v: HtmlValue): string {
  if (v === undefined || v === null || v === false) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  if (typeof v === 'string') return escapeHtml(v);
  if (isHtml(v)) return v.markup;
  return v.map((h) => h.markup).join('');
}

/** Tagged template: literal parts are markup, interpolations are escaped text or fragments. */
export function h(strings: TemplateStringsArray, ...values: HtmlValue[]): Html {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) out += part(values[i]) + (strings[i + 1] ?? '');
  return { markup: out };
}

/** Joins fragments (e.g. from `map`); `separator` is markup written by the caller, never report data. */
export function join(parts: readonly Html[], separator = ''): Html {
  return { markup: parts.map((p) => p.markup).join(separator) };
}

/**
 * Markup written by this module itself (constant CSS, computed SVG numbers). Never pass report
 * data: use {@link h}.
 */
export function trusted(markup: string): Html {
  return { markup };
}

/** The URL when it is an absolute http(s) URL, else undefined (so `javascript:` never becomes a link). */
export function safeHref(url: string): string | undefined {
  if (!/^https?:\/\/[^\s]+$/i.test(url)) return undefined;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' || u.protocol === 'https:' ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts text to `max` code points, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  const cps = Array.from(text);
  return cps.length <= max ? text : `${cps.slice(0, Math.max(0, max - 1)).join('')}…`;
}
