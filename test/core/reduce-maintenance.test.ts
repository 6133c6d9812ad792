import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { BodyOf, FactKind } from '../../src/core/facts/kinds/index.ts';
import { authorityNamespace, contextNamespace } from '../../src/core/ids.ts';
import {
  activatedUpgrades,
  activeProtocolVersion,
  compareVersions,
  isAdminRetired,
  isCacheValid,
  latestSnapshot,
  maintenanceEpoch,
  maintenanceReducer,
  prunableBefore,
  satisfiesFence,
  snapshotProposal,
  type MaintenanceState,
} from '../../src/core/reduce/maintenance.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const AUTHORITY = 'auth-maintenance';
const NS = authorityNamespace(AUTHORITY);
const T0 = 1_700_000_000_000;
const DEVICES = ['d1', 'd2'] as const;
type Dev = (typeof DEVICES)[number];
const writers = Object.fromEntries(DEVICES.map((d) => [d, new Writer(deviceKey(`maintenance-${d}`), AUTHORITY, NS)])) as Record<Dev, Writer>;

const cache = new Map<string, ValidatedFact>();
function at<K extends FactKind>(dev: Dev, t: number, kind: K, body: BodyOf<K>): ValidatedFact<K> {
  const key = `${dev}|${t}|${kind}|${JSON.stringify(body)}`;
  let f = cache.get(key);
  if (!f) cache.set(key, (f = writers[dev].setWall(T0 + t - 1).fact(kind, body)));
  return f as ValidatedFact<K>;
}

const hex = (c: string) => c.repeat(64);
const proposed = (dev: Dev, t: number, proposalId: string, targetEpoch: number, digest = hex('a')) =>
  at(dev, t, 'maint.snapshotProposed', { proposalId, targetEpoch, digest, cut: { wall: T0, logical: 0 }, blobCid: 'blob-1' });
const completed = (dev: Dev, t: number, proposalId: string, epoch: number, digest = hex('a'), blobCid = 'blob-1') =>
  at(dev, t, 'maint.snapshotCompleted', { proposalId, snapshot: { epoch, digest, blobCid }, thresholdSignature: new Uint8Array([1, 2, 3]) });
const invalidate = (dev: Dev, t: number, keys: string[], epochFloor: number) => at(dev, t, 'maint.cacheInvalidated', { keys, epochFloor });
const upgrade = (dev: Dev, t: number, packageId: string, major: number, minor: number, activationFence: number) =>
  at(dev, t, 'maint.upgradeActivated', { packageId, toVersion: { major, minor, patch: 0 }, activationFence, prestate: hex('0') });
const replace = (dev: Dev, t: number, oldAdmin: string, newAdmin: string, activationEpoch: number) =>
  at(dev, t, 'maint.adminReplacement', { oldAdmin, newAdmin, activationEpoch, prestate: hex('0') });

const reduce = (facts: ValidatedFact[]) => reduceAll(maintenanceReducer, facts);

describe('snapshots', () => {
  it('keeps the first proposal per proposalId by fact order', () => {
    const first = proposed('d2', 1, 'p1', 5, hex('b'));
    const st = reduce([proposed('d1', 2, 'p1', 9), first, proposed('d1', 3, 'p2', 6)]);
    expect(snapshotProposal(st, 'p1')).toEqual(first.fact.body);
    expect(snapshotProposal(st, 'p2')!.targetEpoch).toBe(6);
    expect(snapshotProposal(st, 'p3')).toBeNull();
  });

  it('latest completed snapshot: highest epoch, ties broken by the larger digest', () => {
    expect(latestSnapshot(reduce([]))).toBeNull();
    const high = completed('d1', 1, 'p2', 8, hex('1'));
    const tieBig = completed('d2', 2, 'p3', 8, hex('f'));
    const st = reduce([tieBig, completed('d1', 3, 'p1', 4, hex('9')), high]);
    expect(latestSnapshot(st)).toEqual({ proposalId: 'p3', snapshot: tieBig.fact.body.snapshot, thresholdSignature: new Uint8Array([1, 2, 3]), fact: tieBig.id });
    expect(latestSnapshot(reduce([high, completed('d1', 3, 'p1', 4, hex('f'))]))!.snapshot.epoch).toBe(8);
  });

  it('snapshot epoch drives pruning and the maintenance epoch tuple', () => {
    const empty = reduce([]);
    expect(prunableBefore(empty)).toBeNull();
    expect(maintenanceEpoch(empty, 3)).toEqual({ identityEpoch: 3, snapshotEpoch: 0 });
    const st = reduce([completed('d1', 1, 'p1', 4), completed('d2', 2, 'p2', 7)]);
    expect(prunableBefore(st)).toBe(7);
    expect(maintenanceEpoch(st, 9)).toEqual({ identityEpoch: 9, snapshotEpoch: 7 });
  });
});

describe('cache invalidation', () => {
  it('valid only when the current epoch exceeds the highest floor; never-invalidated keys are valid', () => {
    const st = reduce([invalidate('d1', 1, ['a', 'b'], 5), invalidate('d2', 2, ['a'], 3)]);
    expect(isCacheValid(st, 'a', 5)).toBe(false);
    expect(isCacheValid(st, 'a', 6)).toBe(true);
    expect(isCacheValid(st, 'b', 5)).toBe(false);
    expect(isCacheValid(st, 'b', 6)).toBe(true);
    expect(isCacheValid(st, 'c', 0)).toBe(true);
    expect(isCacheValid(reduce([invalidate('d1', 1, ['a'], 3), invalidate('d2', 2, ['a'], 8)]), 'a', 6)).toBe(false);
  });
});

describe('upgrades', () => {
  it('fences: every activation fence must be reached', () => {
    const st = reduce([upgrade('d1', 1, 'pkg-1', 2, 0, 4), upgrade('d2', 2, 'pkg-2', 3, 0, 10)]);
    expect(satisfiesFence(reduce([]), 0)).toBe(true);
    expect(satisfiesFence(st, 9)).toBe(false);
    expect(satisfiesFence(st, 10)).toBe(true);
  });

  it('active version: the highest whose fence the local epoch has reached', () => {
    const st = reduce([upgrade('d1', 1, 'pkg-1', 2, 0, 4), upgrade('d2', 2, 'pkg-2', 3, 0, 10), upgrade('d1', 3, 'pkg-3', 2, 5, 6)]);
    expect(activeProtocolVersion(st, 3)).toBeNull();
    expect(activeProtocolVersion(st, 4)).toEqual({ major: 2, minor: 0, patch: 0 });
    expect(activeProtocolVersion(st, 6)).toEqual({ major: 2, minor: 5, patch: 0 });
    expect(activeProtocolVersion(st, 50)).toEqual({ major: 3, minor: 0, patch: 0 });
    expect(activatedUpgrades(st).map((u) => u.packageId)).toEqual(['pkg-1', 'pkg-3', 'pkg-2']);
  });
});

describe('admin replacement', () => {
  it('an admin is retired from its activation epoch on, and stays retired', () => {
    const st = reduce([replace('d1', 1, 'auth-old', 'auth-new', 5), replace('d2', 2, 'auth-new', 'auth-old', 9)]);
    expect(isAdminRetired(st, 'auth-old', 4)).toBe(false);
    expect(isAdminRetired(st, 'auth-old', 5)).toBe(true);
    expect(isAdminRetired(st, 'auth-old', 20)).toBe(true);
    expect(isAdminRetired(st, 'auth-new', 8)).toBe(false);
    expect(isAdminRetired(st, 'auth-new', 9)).toBe(true);
    expect(isAdminRetired(st, 'auth-other', 100)).toBe(false);
  });
});

it('ignores facts of other kinds', () => {
  const other = new Writer(deviceKey('maintenance-other'), 'auth-x', contextNamespace('c')).fact('proposal.vote', {
    proposal: completed('d1', 1, 'p', 1).id,
    approve: true,
  });
  const st = reduce([other]);
  expect(encodeCanonical(maintenanceReducer.canonical(st))).toEqual(encodeCanonical(maintenanceReducer.canonical(reduce([]))));
});

// ---- order independence ----

const devArb = fc.constantFrom(...DEVICES);
const factArb: fc.Arbitrary<ValidatedFact> = fc.oneof<fc.Arbitrary<ValidatedFact>[]>(
  fc.record({ dev: devArb, t: fc.nat(10), id: fc.constantFrom('p1', 'p2'), e: fc.nat(6), d: fc.constantFrom('a', 'b') }).map((x) => proposed(x.dev, x.t, x.id, x.e, hex(x.d))),
  fc.record({ dev: devArb, t: fc.nat(10), id: fc.constantFrom('p1', 'p2'), e: fc.nat(6), d: fc.constantFrom('a', 'b'), blob: fc.constantFrom('b1', 'b2') }).map((x) =>
    completed(x.dev, x.t, x.id, x.e, hex(x.d), x.blob),
  ),
  fc.record({ dev: devArb, t: fc.nat(10), keys: fc.subarray(['k1', 'k2', 'k3'], { minLength: 1 }), f: fc.nat(6) }).map((x) => invalidate(x.dev, x.t, x.keys, x.f)),
  fc.record({ dev: devArb, t: fc.nat(10), pkg: fc.constantFrom('u1', 'u2'), major: fc.nat(3), minor: fc.nat(3), fence: fc.nat(6) }).map((x) =>
    upgrade(x.dev, x.t, x.pkg, x.major, x.minor, x.fence),
  ),
  fc.record({ dev: devArb, t: fc.nat(10), from: fc.constantFrom('x', 'y'), to: fc.constantFrom('x', 'y', 'z'), e: fc.nat(6) }).map((x) =>
    replace(x.dev, x.t, x.from, x.to, x.e),
  ),
);
const factsArb = fc.array(factArb, { maxLength: 12 });


const EPOCHS = [0, 1, 2, 3, 4, 5, 6, 7];
/** Canonical state plus every query over a grid of inputs, encoded for byte comparison. */
const snapshot = (st: MaintenanceState) =>
  encodeCanonical({
    canonical: maintenanceReducer.canonical(st),
    proposals: ['p1', 'p2'].map((p) => snapshotProposal(st, p)),
    latest: latestSnapshot(st),
    upgrades: activatedUpgrades(st),
    perEpoch: EPOCHS.map((e) => ({
      cache: ['k1', 'k2', 'k3', 'k4'].map((k) => isCacheValid(st, k, e)),
      fence: satisfiesFence(st, e),
      version: activeProtocolVersion(st, e),
      retired: ['x', 'y', 'z'].map((a) => isAdminRetired(st, a, e)),
      epoch: maintenanceEpoch(st, e),
    })),
    prunable: prunableBefore(st),
  });

describe('order independence', () => {
  it('any permutation of the same facts gives identical state and answers', () => {
    fc.assert(
      fc.property(factsArb, randArb, randArb, (facts, r1, r2) => {
        expect(snapshot(reduce(shuffle(facts, r2)))).toEqual(snapshot(reduce(shuffle(facts, r1))));
      }),
      { numRuns: 250 },
    );
  });

  it('applying facts more than once changes nothing (idempotent)', () => {
    fc.assert(
      fc.property(factsArb, randArb, (facts, r) => {
        expect(snapshot(reduce(shuffle([...facts, ...facts], r)))).toEqual(snapshot(reduce(facts)));
      }),
      { numRuns: 200 },
    );
  });

  it('answers match a direct reading of the facts', () => {
    fc.assert(
      fc.property(factsArb, fc.nat(7), (facts, e) => {
        const st = reduce(facts);
        const of = <K extends FactKind>(k: K) => facts.filter((f) => f.fact.kind === k).map((f) => (f as ValidatedFact<K>).fact.body);
        const epochs = of('maint.snapshotCompleted').map((b) => b.snapshot.epoch);
        expect(prunableBefore(st)).toBe(epochs.length ? Math.max(...epochs) : null);
        for (const k of ['k1', 'k2', 'k3']) {
          const floors = of('maint.cacheInvalidated').filter((b) => b.keys.includes(k)).map((b) => b.epochFloor);
          expect(isCacheValid(st, k, e)).toBe(floors.every((f) => e > f));
        }
        const ups = of('maint.upgradeActivated');
        expect(satisfiesFence(st, e)).toBe(ups.every((u) => u.activationFence <= e));
        const active = ups.filter((u) => u.activationFence <= e).map((u) => u.toVersion).sort(compareVersions);
        expect(activeProtocolVersion(st, e)).toEqual(active.at(-1) ?? null);
      }),
      { numRuns: 200 },
    );
  });
});
