/** Types shared by the modifier families. */
import type { FieldValue, SigmaEvent } from '../event.js';

/** `*` in a Sigma string. */
export const ANY = 0;
/** `?` in a Sigma string. */
export const ONE = 1;
/** A set of alternative characters at one position (used by `windash`). */
export interface CharClass {
  cls: string;
}
/** One part of a Sigma string: literal text, a wildcard, or a character class. */
export type Part = string | typeof ANY | typeof ONE | CharClass;

/** A value flowing through the modifier chain. */
export type SigmaValue =
  { t: 'str'; parts: Part[] } | { t: 'bytes'; bytes: Uint8Array } | { t: 'null' } | { t: 'bool'; v: boolean };

/** Tests one field value of an event. */
export type ValueTest = (fv: FieldValue, ev: SigmaEvent) => boolean;

/** Thrown at compile time (never per event) when a rule uses something we do not support. */
export class UnsupportedRule extends Error {
  override readonly name = 'UnsupportedRule';
}

/** Throws {@link UnsupportedRule}. */
export function unsupported(reason: string): never {
  throw new UnsupportedRule(reason);
}
