import { describe, expect, it } from 'vitest';
import { escapeHtml, h, join, safeHref, truncate } from './escape.js';

describe('escapeHtml', () => {
  it('escapes markup characters and both quotes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
  });

  it('replaces characters HTML does not allow, keeps tab, newline and astral characters', () => {
    expect(escapeHtml('a\u0000b\u0007c\u007fd\u0085e\uffff')).toBe('a\ufffdb\ufffdc\ufffdd\ufffde\ufffd');
    expect(escapeHtml('x\ty\nz\r😀é')).toBe('x\ty\nz\r😀é');
  });
});

describe('h', () => {
  it('escapes interpolated text but not fragments', () => {
    const inner = h`<b>${'<i>'}</b>`;
    expect(h`<p title="${'"onload="x'}">${inner}${'&'}</p>`.markup).toBe(
      '<p title="&quot;onload=&quot;x"><b>&lt;i&gt;</b>&amp;</p>',
    );
  });

  it('drops undefined, null and false, prints finite numbers and joins arrays of fragments', () => {
    expect(h`${undefined}${null}${false}${0}${Number.NaN}${[h`a`, h`b`]}`.markup).toBe('0ab');
    expect(join([h`a`, h`b`], ', ').markup).toBe('a, b');
  });

  it('treats every string as text, even one shaped like a fragment', () => {
    expect(h`${'{"markup":"<x>"}'}`.markup).toBe('{&quot;markup&quot;:&quot;&lt;x&gt;&quot;}');
  });
});

describe('safeHref', () => {
  it('accepts absolute http(s) URLs only', () => {
    expect(safeHref('https://example.org/a?b=c')).toBe('https://example.org/a?b=c');
    expect(safeHref('http://example.org')).toBe('http://example.org');
    for (const bad of [
      'javascript:alert(1)',
      'JAVASCRIPT:alert(1)',
      'data:text/html,<script>',
      '//example.org',
      'file:///etc/passwd',
      ' https://example.org',
      'https://exa mple.org',
      'vbscript:x',
    ])
      expect(safeHref(bad), bad).toBeUndefined();
  });
});

describe('truncate', () => {
  it('cuts by code point with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abc', 4)).toBe('abc');
    expect(truncate('😀😀😀😀😀', 3)).toBe('😀😀…');
  });
});
