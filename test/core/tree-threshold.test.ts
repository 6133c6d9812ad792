import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { currentTree } from '../../src/core/reduce/tree/tree-reducer.ts';
import { applyTreeOp } from '../../src/core/reduce/tree/apply-op.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { signedCommit, singleKeyGroup, witnessGroup } from '../support/frost-group.ts';
import fc from 'fast-check';
import { randArb, shuffle } from '../support/shuffle.ts';

const [d0, d1, d2] = ['th0', 'th1', 'th2'].map((l) => deviceKey(l));
const genesis = createGenesis(d0!, new Uint8Array(16), { wall: 1, logical: 0 });
const author = genesis.fact.author;
const ns = authorityNamespace(author);
const w0 = new Writer(d0!, author, ns);
const w1 = new Writer(d1!, author, ns);
const group = witnessGroup('tree-threshold');
const head = (facts: readonly ValidatedFact[]) => currentTree(reduceAll(namespaceReducer, facts).tree)!;
const opOn = (w: Writer, facts: readonly ValidatedFact[], op: Parameters<typeof applyTreeOp>[2]) => {
  const h = head(facts);
  return w.fact('tree.op', { parentEpoch: h.epoch, parentCommitment: h.commitment, op });
};

// Genesis, add d1 (t = 1), then 2-of-2 with the group key of the devices' DKG.
const add1 = opOn(w0, [genesis], { type: 'AddLeaf', device: d1!.deviceId, role: 'device' });
const policy = opOn(w0, [genesis, add1], { type: 'UpdatePolicy', threshold: 2, groupKey: toHex(group.groupKey) });
const base = [genesis, add1, policy];
const add2 = opOn(w1, base, { type: 'AddLeaf', device: d2!.deviceId, role: 'device' });
const attest = (g = group, covers = [add2.id], prestate = head(base).commitment) =>
  w0.fact('consensus.commit', signedCommit(g, ns, { consensusId: `tree:${covers[0]}`, prestateHash: prestate, covers, signers: ['a', 'b'] }));

describe('tree ops at a threshold of 2 or more (attested by the devices\' FROST group)', () => {
  it('UpdatePolicy to t ≥ 2 needs a group key, and t = 1 must not carry one', () => {
    const h = head([genesis, add1]);
    expect(applyTreeOp(h, d0!.deviceId, { type: 'UpdatePolicy', threshold: 2 })).toBe('GroupKeyMismatch');
    expect(applyTreeOp(h, d0!.deviceId, { type: 'UpdatePolicy', threshold: 1, groupKey: 'ab'.repeat(32) })).toBe('GroupKeyMismatch');
    expect(head(base)).toMatchObject({ threshold: 2, groupKey: toHex(group.groupKey) });
  });

  it('an op signed by one device waits (PendingEpoch) until a commit under the group key covers it', () => {
    expect(head([...base, add2]).commitment).toBe(head(base).commitment);
    const done = head([...base, add2, attest()]);
    expect(done.leaves.map((l) => l?.device)).toContain(d2!.deviceId);
  });

  it('a commit under another key, over another prestate, or covering another op attests nothing; the bad signature is refused', () => {
    const forged = attest(singleKeyGroup('not-the-group'));
    const st = reduceAll(namespaceReducer, [...base, add2, forged]);
    expect(currentTree(st.tree)!.commitment).toBe(head(base).commitment);
    expect(st.authz.refused.get(forged.id)).toBe('BadThresholdSignature');
    const wrongPrestate = attest(group, [add2.id], head([genesis, add1]).commitment);
    expect(head([...base, add2, wrongPrestate]).commitment).toBe(head(base).commitment);
    const other = attest(group, [policy.id]);
    expect(head([...base, add2, other]).commitment).toBe(head(base).commitment);
  });

  it('a commit at threshold 1 (no group key) is refused; one over an unknown state waits', () => {
    const early = w0.fact('consensus.commit', signedCommit(group, ns, { consensusId: 'c', prestateHash: head([genesis]).commitment, covers: [add1.id], signers: ['a'] }));
    expect(reduceAll(namespaceReducer, [genesis, early]).authz.refused.get(early.id)).toBe('NoGroupKey');
    const unknown = attest(group, [add2.id], 'cd'.repeat(32));
    expect(reduceAll(namespaceReducer, [...base, unknown]).authz.held.size).toBe(1);
  });

  it('order-independent: any arrival order of genesis, ops and the attestation gives the same state', () => {
    const facts = [...base, add2, attest(), attest(singleKeyGroup('x'))];
    const ref = toHex(encodeCanonical(namespaceReducer.canonical(reduceAll(namespaceReducer, facts))));
    fc.assert(
      fc.property(randArb, (rand) => {
        expect(toHex(encodeCanonical(namespaceReducer.canonical(reduceAll(namespaceReducer, shuffle(facts, rand)))))).toBe(ref);
      }),
      { numRuns: 60 },
    );
  });
});
