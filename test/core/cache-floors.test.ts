import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { cacheFloor, cacheStamp, isEntryValid } from '../../src/core/reduce/cache-floors.ts';
import { maintenanceReducer, type MaintenanceState } from '../../src/core/reduce/maintenance.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const AUTHORITY = 'auth-cache-floors';
const writers = ['a', 'b'].map((d) => new Writer(deviceKey(`cache-floors-${d}`), AUTHORITY, authorityNamespace(AUTHORITY)));
const KEYS = ['acks/summaries', 'sync/reached', 'k3'];

const memo = new Map<string, ValidatedFact>();
function invalidation(w: number, keys: string[], epochFloor: number): ValidatedFact {
  const k = `${w}|${keys.join(',')}|${epochFloor}`;
  let f = memo.get(k);
  if (!f) memo.set(k, (f = writers[w]!.fact('maint.cacheInvalidated', { keys, epochFloor })));
  return f;
}

const factArb = fc
  .record({ w: fc.nat(1), keys: fc.subarray(KEYS, { minLength: 1 }), floor: fc.nat(9) })
  .map(({ w, keys, floor }) => invalidation(w, keys, floor));
const factsArb = fc.array(factArb, { maxLength: 16 });

const reduce = (fs: readonly ValidatedFact[]): MaintenanceState => reduceAll(maintenanceReducer, fs);
const bytes = (st: MaintenanceState) => encodeCanonical(maintenanceReducer.canonical(st));
/** The floor a direct reading of the facts gives: the max over those naming the key. */
const maxFloor = (fs: readonly ValidatedFact[], key: string): number | null => {
  const floors = fs.map((f) => (f as ValidatedFact<'maint.cacheInvalidated'>).fact.body).filter((b) => b.keys.includes(key)).map((b) => b.epochFloor);
  return floors.length === 0 ? null : Math.max(...floors);
};

describe('cache floors are a semilattice (join = max per key)', () => {
  it('each key’s floor is the max of the floors naming it, in any order, repeated or not', () => {
    fc.assert(
      fc.property(factsArb, randArb, (fs, r) => {
        const st = reduce(shuffle([...fs, ...fs], r));
        for (const k of KEYS) expect(cacheFloor(st, k)).toBe(maxFloor(fs, k));
        expect(bytes(st)).toEqual(bytes(reduce(fs)));
      }),
      { numRuns: 300 },
    );
  });

  it('two replicas that saw any split of the facts agree once merged (union), and a floor never goes down', () => {
    fc.assert(
      fc.property(factsArb, factsArb, randArb, (xs, ys, r) => {
        const merged = reduce(shuffle([...ys, ...xs], r));
        expect(bytes(merged)).toEqual(bytes(reduce([...xs, ...ys])));
        const left = reduce(xs);
        for (const k of KEYS) expect(cacheFloor(merged, k) ?? -1).toBeGreaterThanOrEqual(cacheFloor(left, k) ?? -1);
      }),
      { numRuns: 300 },
    );
  });

  it('an entry is valid only when its stamp exceeds the floor; what is stamped now survives every floor up to the tree epoch, none beyond', () => {
    fc.assert(
      fc.property(factsArb, fc.nat(12), fc.nat(12), (fs, stamp, treeEpoch) => {
        const st = reduce(fs);
        for (const k of KEYS) {
          const floor = maxFloor(fs, k);
          expect(isEntryValid(st, k, stamp)).toBe(floor === null || stamp > floor);
          const now = cacheStamp(st, k, treeEpoch);
          expect(now).toBeGreaterThanOrEqual(treeEpoch);
          expect(isEntryValid(st, k, now)).toBe(floor === null || floor <= treeEpoch);
        }
      }),
      { numRuns: 300 },
    );
  });
});
