import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authz/authorize.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { cidOf } from '../../src/core/encoding/cid.ts';
import { compareHlc, type Hlc } from '../../src/core/facts/hlc.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { latestSnapshot } from '../../src/core/reduce/maintenance.ts';
import { namespaceReducer, type NamespaceState } from '../../src/core/reduce/namespace-reducer.ts';
import { encodeWitnessKey, WITNESS_KEY_BINDING } from '../../src/core/reduce/witness-keys.ts';
import { decodeSnapshot, encodeSnapshot, SnapshotError, snapshotConsensusId, snapshotDigest, type SnapshotBlob } from '../../src/core/snapshot/blob.ts';
import { buildSnapshot, coveredIds } from '../../src/core/snapshot/build.ts';
import { hydrateSnapshot } from '../../src/core/snapshot/hydrate.ts';
import { authority, CTX, person, reduce } from '../support/authz-world.ts';
import { signedCommit, witnessGroup } from '../support/frost-group.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const alice = person('snap-alice');
const bob = person('snap-bob');
const carol = person('snap-carol'); // never joins: her messages wait forever (held), never in a snapshot
const T0 = 1_700_000_000_000;
const channel = alice.w.setWall(T0).fact('chat.channel', { name: 'general' });
const EMOJI = ['👍', '🎉'];

type Op = { readonly by: 0 | 1 | 2; readonly kind: 0 | 1 | 2 | 3; readonly value: number; readonly wall: number };
const opArb: fc.Arbitrary<Op> = fc.record({
  by: fc.constantFrom(0 as const, 1 as const, 2 as const),
  kind: fc.constantFrom(0 as const, 0 as const, 1 as const, 2 as const, 3 as const),
  value: fc.nat({ max: 3 }),
  // Clocks disagree, and facts are written before their channel or after the cut: any order time.
  wall: fc.integer({ min: T0 - 20, max: T0 + 100 }),
});

const people = [alice, bob, carol];
function factsOf(ops: readonly Op[]): ValidatedFact[] {
  const out: ValidatedFact[] = [alice.join, bob.join, channel];
  for (const op of ops) {
    const p = people[op.by]!;
    p.w.setWall(op.wall);
    if (op.kind === 0) out.push(p.w.fact('chat.message', { channel: channel.id, text: `m ${op.by}-${op.value}-${op.wall}`, ack: op.value % 2 === 0 }));
    else if (op.kind === 1) out.push(p.w.fact('chat.rename', { channel: channel.id, name: `n ${op.value}` }));
    else if (op.kind === 2) out.push(p.w.fact('chat.topic', { channel: channel.id, topic: `t ${op.value}` }));
    else {
      const target = out.filter((f) => f.fact.kind === 'chat.message')[op.value];
      if (target) out.push(p.w.fact('chat.reaction', { channel: channel.id, message: target.id, emoji: EMOJI[op.value % 2]! }));
    }
  }
  return out;
}

const bytesOf = (st: NamespaceState) => encodeCanonical(namespaceReducer.canonical(st));
const snapshotAt = (facts: readonly ValidatedFact[], cut: Hlc, st = reduce(facts)) => buildSnapshot(CTX, 1, cut, facts, st);

/** What a node holds after pruning: the snapshot's state, then every fact it does not cover, in any order. */
function replayTail(blob: SnapshotBlob, facts: readonly ValidatedFact[], rand: readonly number[]): NamespaceState {
  const covered = new Set(coveredIds(blob));
  const { state } = hydrateSnapshot(decodeSnapshot(encodeSnapshot(blob).bytes, encodeSnapshot(blob).blobCid));
  for (const f of shuffle(facts.filter((f) => !covered.has(f.id)), rand)) namespaceReducer.apply(state, f);
  return state;
}

const cutArb = fc.record({ wall: fc.integer({ min: T0 - 25, max: T0 + 105 }), logical: fc.nat({ max: 2 }) });

describe('snapshots (spec 004 §2)', () => {
  it('a snapshot plus its tail reduces to the same state as the full fact set, in any order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 24 }), cutArb, randArb, (ops, cut, rand) => {
        const facts = factsOf(ops);
        const full = reduce(facts);
        expect(bytesOf(replayTail(snapshotAt(facts, cut, full), facts, rand))).toEqual(bytesOf(full));
      }),
      { numRuns: 150 },
    );
  });

  it('pruning never removes a fact above the cut, nor one the gate holds or refused', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 24 }), cutArb, (ops, cut) => {
        const facts = factsOf(ops);
        const st = reduce(facts);
        const covered = new Set(coveredIds(snapshotAt(facts, cut, st)));
        const held = new Set([...st.authz.held.values()].flatMap((m) => [...m.keys()]));
        for (const f of facts) {
          const below = compareHlc(f.fact.time, cut) <= 0;
          const counted = !held.has(f.id) && !st.authz.refused.has(f.id);
          expect(covered.has(f.id), `${f.fact.kind} at ${f.fact.time.wall}`).toBe(below && counted);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('the same bytes on every replica: from the full set, from an earlier snapshot plus tail, in any order', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 20 }), cutArb, cutArb, randArb, (ops, c1, c2, rand) => {
        const [early, late] = compareHlc(c1, c2) <= 0 ? [c1, c2] : [c2, c1];
        const facts = factsOf(ops);
        const reference = encodeSnapshot(snapshotAt(facts, late)).bytes;
        expect(encodeSnapshot(snapshotAt(shuffle(facts, rand), late)).bytes).toEqual(reference);
        // A replica that pruned at the earlier cut holds no fact objects for those messages.
        const blob = snapshotAt(facts, early);
        const covered = new Set(coveredIds(blob));
        const state = replayTail(blob, facts, rand);
        const held = [...hydrateSnapshot(blob).facts, ...facts.filter((f) => !covered.has(f.id))];
        expect(encodeSnapshot(buildSnapshot(CTX, 1, late, held, state)).bytes).toEqual(reference);
      }),
      { numRuns: 100 },
    );
  });
});

describe('a snapshot blob is hostile input', () => {
  const facts = factsOf([{ by: 0, kind: 0, value: 1, wall: T0 + 1 }, { by: 1, kind: 0, value: 2, wall: T0 + 2 }]);
  const blob = snapshotAt(facts, { wall: T0 + 50, logical: 0 });
  const { bytes, blobCid } = encodeSnapshot(blob);
  const code = (f: () => unknown) => {
    try {
      f();
    } catch (e) {
      return e instanceof SnapshotError ? e.code : `untyped ${String(e)}`;
    }
    return 'accepted';
  };

  it('decodes what was encoded, at any size (far more messages than a fact list holds)', () => {
    expect(decodeSnapshot(bytes, blobCid)).toEqual(blob);
    expect(blob.messages).toHaveLength(2);
    const many = factsOf(Array.from({ length: 1_000 }, (_, i) => ({ by: (i % 2) as 0 | 1, kind: 0 as const, value: i % 4, wall: T0 + i })));
    const big = snapshotAt(many, { wall: T0 + 2_000, logical: 0 });
    const enc = encodeSnapshot(big);
    expect(decodeSnapshot(enc.bytes, enc.blobCid).messages).toHaveLength(1_000);
  });

  it('bytes other than the ones the digest names are refused: flipped, truncated, another blob', () => {
    for (const i of [0, 7, bytes.length >> 1, bytes.length - 1]) {
      const flipped = bytes.slice();
      flipped[i]! ^= 1;
      expect(code(() => decodeSnapshot(flipped, blobCid))).toBe('BadDigest');
    }
    expect(code(() => decodeSnapshot(bytes.subarray(0, bytes.length - 3), blobCid))).toBe('BadDigest');
    expect(code(() => decodeSnapshot(bytes, cidOf(new Uint8Array([1]))))).toBe('BadDigest');
  });

  it('well-addressed bytes that break the schema are Malformed, never an untyped throw', () => {
    const bad = (value: unknown) => {
      const b = encodeCanonical(value);
      return code(() => decodeSnapshot(b, cidOf(b)));
    };
    expect(bad({ ...blob, v: 2 })).toBe('Malformed');
    expect(bad({ ...blob, messages: [[...blob.messages[0]!.slice(0, 1), 99, 0, 0, T0, 0, 'x', 0]] })).toBe('Malformed');
    expect(bad({ ...blob, messages: [[blob.messages[0]![0], 0, 0, 0, T0 + 99, 0, 'after the cut', 0]] })).toBe('Malformed');
    expect(bad({ ...blob, messages: [[1, 2, 3]] })).toBe('Malformed');
    expect(bad([1, 2, 3])).toBe('Malformed');
    const wrongNs = { ...blob, ns: contextNamespace('elsewhere') };
    const b = encodeCanonical(wrongNs);
    expect(code(() => hydrateSnapshot(decodeSnapshot(b, cidOf(b))))).toBe('Malformed');
  });
});

describe('a snapshot completes only with its witnesses’ threshold signature over its digest', () => {
  const group = witnessGroup('snapshot-witnesses');
  const other = witnessGroup('snapshot-other');
  const participants = [alice.w.key.deviceId, bob.w.key.deviceId].sort();
  const data = encodeWitnessKey({ groupKey: group.groupKey, threshold: 2, participants });
  const endorse = (p: typeof alice) => p.w.fact('rel.binding', { bindingType: WITNESS_KEY_BINDING, authorities: [p.author], data });
  const base = [alice.join, bob.join, channel, endorse(alice), endorse(bob)];
  const blob = snapshotAt(base, { wall: T0 + 1_000, logical: 0 });
  const { blobCid, digest } = encodeSnapshot(blob);
  alice.w.setWall(T0 + 2_000);
  const proposal = alice.w.fact('maint.snapshotProposed', { proposalId: 'p1', targetEpoch: 1, digest, cut: blob.cut, blobCid });
  const commitBy = (g: typeof group, prestateHash = digest) =>
    alice.w.fact('consensus.commit', signedCommit(g, CTX, { consensusId: snapshotConsensusId('p1'), prestateHash, covers: [proposal.id], signers: ['a', 'b'] }));
  const completed = (d = digest, cid = blobCid) => bob.w.fact('maint.snapshotCompleted', { proposalId: 'p1', snapshot: { epoch: 1, digest: d, blobCid: cid }, thresholdSignature: new Uint8Array(64) });

  it('counts with a verified commit over its digest, in any arrival order', () => {
    const all = [...base, proposal, commitBy(group), completed()];
    fc.assert(
      fc.property(randArb, (rand) => {
        const st = reduce(shuffle(all, rand));
        expect(latestSnapshot(st.maintenance)?.snapshot).toEqual({ epoch: 1, digest, blobCid });
      }),
      { numRuns: 30 },
    );
  });

  it('a commit under another key (a bad threshold signature) completes nothing: the completion waits', () => {
    const st = reduce([...base, proposal, commitBy(other), completed()]);
    expect(latestSnapshot(st.maintenance)).toBeNull();
    expect(authorize(completed(), st)).toEqual({ ok: false, wait: `consensus:${snapshotConsensusId('p1')}` });
  });

  it('a digest that is not the blob’s, or a commit over another digest, is refused or never counts', () => {
    const st = reduce([...base, proposal, commitBy(group)]);
    expect(authorize(completed('f'.repeat(64)), st)).toEqual({ ok: false, refuse: 'BadSnapshotDigest' });
    const otherCid = cidOf(new Uint8Array([9]));
    expect(authorize(completed(digest, otherCid), st)).toEqual({ ok: false, refuse: 'BadSnapshotDigest' });
    const forgedDigest = snapshotDigest(CTX, 1, otherCid);
    const st2 = reduce([...base, proposal, commitBy(group)]);
    expect(authorize(completed(forgedDigest, otherCid), st2).ok).toBe(false);
    const bad = alice.w.fact('maint.snapshotProposed', { proposalId: 'p2', targetEpoch: 1, digest: 'e'.repeat(64), cut: blob.cut, blobCid });
    expect(authorize(bad, st)).toEqual({ ok: false, refuse: 'BadSnapshotDigest' });
  });

  it('an authority journal has no snapshot witnesses yet: its snapshot facts are refused', () => {
    const a = authority('snapshot-authority', 1);
    const w = a.writers[0]!;
    const p = w.fact('maint.snapshotProposed', { proposalId: 'p', targetEpoch: 1, digest: snapshotDigest(w.ns, 1, blobCid), cut: blob.cut, blobCid });
    expect(authorize(p, reduce([a.genesis]))).toEqual({ ok: false, refuse: 'NoSnapshotWitnesses' });
  });
});
