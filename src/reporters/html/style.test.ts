import { describe, expect, it } from 'vitest';
import { SEVERITIES } from '../../core/severity.js';
import { CLEAN, contrastRatio, CSS, LINK, PAGE, SEVERITY_COLOR } from './style.js';

describe('palette', () => {
  it('computes WCAG contrast ratios', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#ffffff', '#ffffff')).toBeCloseTo(1, 5);
    expect(contrastRatio('#777777', '#ffffff')).toBeCloseTo(4.48, 2);
    expect(() => contrastRatio('red', '#ffffff')).toThrow(/rrggbb/);
  });

  it('keeps every text colour at 4.5:1 or more on the backgrounds it is used on', () => {
    for (const bg of [PAGE.background, PAGE.panel]) {
      expect(contrastRatio(PAGE.text, bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(PAGE.muted, bg)).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(LINK, bg)).toBeGreaterThanOrEqual(4.5);
    }
    // Badges: white text on the severity / clean fill; status text in severity colours on white.
    for (const s of SEVERITIES) {
      expect(contrastRatio('#ffffff', SEVERITY_COLOR[s]), s).toBeGreaterThanOrEqual(4.5);
      expect(contrastRatio(SEVERITY_COLOR[s], PAGE.panel), s).toBeGreaterThanOrEqual(4.5);
    }
    expect(contrastRatio('#ffffff', CLEAN)).toBeGreaterThanOrEqual(4.5);
  });

  it('loads nothing: no url(), @import or @font-face in the stylesheet', () => {
    expect(CSS).not.toMatch(/url\(|@import|@font-face|https?:/i);
  });
});
