import { describe, expect, it } from 'vitest';
import { parseCondition } from './condition.js';
import { prepareEvent } from './event.js';
import { conditionNeed, needAnd, needOr, RoutePrefilter, type Need } from './prefilter.js';

const a = (field: string, lit: string) => ({ field, lit });

describe('necessary conditions', () => {
  it('AND keeps the most selective known child, OR unions, NOT is unknown', () => {
    const ids = new Map<string, Need>([
      ['sel', [a('image', '\\cmd.exe')]],
      ['cli', [a('commandline', 'x'), a('commandline', 'y')]],
      ['flt', [a('user', 'system')]],
      ['kw', null],
    ]);
    expect(conditionNeed(parseCondition('sel and not flt'), ids)).toEqual([a('image', '\\cmd.exe')]);
    expect(conditionNeed(parseCondition('sel and cli'), ids)).toEqual([a('image', '\\cmd.exe')]);
    expect(conditionNeed(parseCondition('sel or cli'), ids)).toEqual([
      a('image', '\\cmd.exe'),
      a('commandline', 'x'),
      a('commandline', 'y'),
    ]);
    expect(conditionNeed(parseCondition('sel or kw'), ids)).toBeNull();
    expect(conditionNeed(parseCondition('not flt'), ids)).toBeNull();
    expect(conditionNeed(parseCondition('all of them'), ids)).toEqual([a('image', '\\cmd.exe')]);
    expect(needAnd([null, null])).toBeNull();
    expect(needOr([])).toBeNull();
  });

  it('the route scan returns exactly the rules with a literal present (plus unknown ones), ascending', () => {
    const pf = new RoutePrefilter([
      [a('commandline', 'mimikatz')],
      null,
      [a('image', '.exe'), a('commandline', 'ab')],
      [a('commandline', '😀')],
    ]);
    const ev = (d: Record<string, unknown>) => prepareEvent(d, { channel: 'c', eventId: 1 });
    expect(pf.candidates(ev({ CommandLine: 'run MIMIKATZ now' }))).toEqual([0, 1]);
    expect(pf.candidates(ev({ CommandLine: 'xab', Image: 'a.dll' }))).toEqual([1, 2]);
    expect(pf.candidates(ev({ CommandLine: 'hi 😀' }))).toEqual([1, 3]);
    expect(pf.candidates(ev({ CommandLine: ['no', 'mimikatz'] }))).toEqual([0, 1]);
    expect(pf.candidates(ev({}))).toEqual([1]);
    expect(pf.alwaysCount).toBe(1);
  });
});
