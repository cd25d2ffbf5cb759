/**
 * The `fieldref` modifier: the value names another field of the same event, whose value is
 * compared (equality, or with `contains`/`startswith`/`endswith`; case-insensitive unless `cased`).
 */
import type { FieldValue, SigmaEvent } from '../event.js';
import { plainText } from './string.js';
import { unsupported, type SigmaValue, type ValueTest } from './types.js';

/** How the referenced value is compared. */
export type FieldrefMode = 'equals' | 'contains' | 'startswith' | 'endswith';

/** Builds a test comparing a field with the field named by the rule value. */
export function compileFieldref(v: SigmaValue, mode: FieldrefMode, cased: boolean): ValueTest {
  if (v.t !== 'str' || !v.parts.every((p) => typeof p === 'string'))
    unsupported('fieldref: value is not a field name');
  const other = plainText(v.parts).toLowerCase();
  const pick = (fv: FieldValue): string => (cased ? fv.raw : fv.lower);
  return (fv: FieldValue, ev: SigmaEvent) => {
    const o = ev.fields.get(other);
    if (!o || o.isNull || fv.isNull) return false;
    const a = pick(fv);
    const b = pick(o);
    switch (mode) {
      case 'equals':
        return a === b;
      case 'contains':
        return a.includes(b);
      case 'startswith':
        return a.startsWith(b);
      case 'endswith':
        return a.endsWith(b);
    }
  };
}
