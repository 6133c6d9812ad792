import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { contextNamespace } from '../../src/core/ids.ts';
import { Journal, JournalMergeError } from '../../src/core/journal/journal.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ns = contextNamespace('journal-laws');
const writers = [0, 1, 2].map((i) => new Writer(deviceKey(i), `author-${i}`, ns));
const POOL = Array.from({ length: 40 }, (_, i) => writers[i % 3]!.fact('chat.channel', { name: `c${i}` }));
const journalArb = fc.subarray(POOL).map((fs) => Journal.of(ns, fs));

describe('journal merge is a semilattice (set union)', () => {
  it('is commutative', () => {
    fc.assert(fc.property(journalArb, journalArb, (a, b) => a.merge(b).equals(b.merge(a))), { numRuns: 300 });
  });
  it('is associative', () => {
    fc.assert(
      fc.property(journalArb, journalArb, journalArb, (a, b, c) => a.merge(b).merge(c).equals(a.merge(b.merge(c)))),
      { numRuns: 300 },
    );
  });
  it('is idempotent', () => {
    fc.assert(fc.property(journalArb, (a) => a.merge(a).equals(a)), { numRuns: 300 });
  });
  it('is the union: every fact of either side, nothing else, and never loses a fact', () => {
    fc.assert(
      fc.property(journalArb, journalArb, (a, b) => {
        const m = a.merge(b);
        const expected = new Set([...a.ids(), ...b.ids()]);
        expect(m.ids()).toEqual([...expected].sort());
        expect(a.missingFrom(b).every((f) => !a.has(f.id) && b.has(f.id))).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});

describe('journal boundaries', () => {
  it('insert is idempotent', () => {
    const j = Journal.empty(ns);
    expect(j.insert(POOL[0]!)).toBe(true);
    expect(j.insert(POOL[0]!)).toBe(false);
    expect(j.size).toBe(1);
  });
  it('refuses facts and journals of another namespace', () => {
    const other = new Writer(deviceKey(9), 'x', contextNamespace('elsewhere')).fact('chat.channel', { name: 'n' });
    expect(() => Journal.empty(ns).insert(other)).toThrow(JournalMergeError);
    expect(() => Journal.empty(ns).merge(Journal.empty(contextNamespace('elsewhere')))).toThrow(JournalMergeError);
  });
});
