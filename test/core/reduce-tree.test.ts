import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashValue } from '../../src/core/crypto/hash.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { applyTreeOp } from '../../src/core/reduce/tree/apply-op.ts';
import { buildTree, setLeaf } from '../../src/core/reduce/tree/commitment.ts';
import { currentTree, treeReducer } from '../../src/core/reduce/tree/tree-reducer.ts';
import { summarize, type Leaf } from '../../src/core/reduce/tree/tree-state.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { treeOpPool } from '../support/tree-pool.ts';

const [d0, d1, d2, d3] = [0, 1, 2, 3].map((i) => deviceKey(`t${i}`));
const genesis = createGenesis(d0!, new Uint8Array(16), { wall: 1, logical: 0 });
const author = genesis.fact.author;
const ns = authorityNamespace(author);
const w0 = new Writer(d0!, author, ns);
const w1 = new Writer(d1!, author, ns);
const canon = (facts: Parameters<typeof reduceAll>[1]) => toHex(encodeCanonical(treeReducer.canonical(reduceAll(treeReducer, facts))));

function head(facts: Parameters<typeof reduceAll>[1]) {
  return currentTree(reduceAll(treeReducer, facts))!;
}

describe('commitment tree reduction', () => {
  it('genesis: epoch 0, threshold 1, one device', () => {
    const s = summarize(head([genesis]));
    expect(s).toMatchObject({ epoch: 0, threshold: 1, deviceCount: 1 });
    expect(s.commitment).toMatch(/^[0-9a-f]{64}$/);
  });

  it('AddLeaf on the current commitment adds a device and changes the commitment; a wrong parent is ignored', () => {
    const g = head([genesis]);
    const add = w0.fact('tree.op', { parentEpoch: 0, parentCommitment: g.commitment, op: { type: 'AddLeaf', device: d1!.deviceId, role: 'device' } });
    const stray = w0.fact('tree.op', { parentEpoch: 0, parentCommitment: 'f'.repeat(64), op: { type: 'AddLeaf', device: d2!.deviceId, role: 'device' } });
    const s = summarize(head([genesis, add, stray]));
    expect(s.deviceCount).toBe(2);
    expect(s.commitment).not.toBe(g.commitment);
  });

  it('concurrent ops on one parent: the max-hash op wins, whatever the order', () => {
    const g = head([genesis]);
    const ops = [d1, d2, d3].map((d) =>
      w0.fact('tree.op', { parentEpoch: 0, parentCommitment: g.commitment, op: { type: 'AddLeaf', device: d!.deviceId, role: 'device' } }),
    );
    const winner = [...ops].sort((a, b) => (hashValue('aura/tree/op', a.fact.body) < hashValue('aura/tree/op', b.fact.body) ? 1 : -1))[0]!;
    for (const order of [ops, [...ops].reverse(), [ops[1]!, ops[0]!, ops[2]!]]) {
      const st = reduceAll(treeReducer, [genesis, ...order]);
      expect(st.applied).toEqual([winner.id]);
    }
  });

  it('an op by a device outside the tree never wins, even with the larger hash', () => {
    const g = head([genesis]);
    const byOutsider = w1.fact('tree.op', { parentEpoch: 0, parentCommitment: g.commitment, op: { type: 'RotateEpoch' } });
    expect(applyTreeOp(g, d1!.deviceId, { type: 'RotateEpoch' })).toBe('NotADevice');
    expect(reduceAll(treeReducer, [genesis, byOutsider]).applied).toEqual([]);
  });

  it('rejects policies above the device count and removing the last device', () => {
    const g = head([genesis]);
    expect(applyTreeOp(g, d0!.deviceId, { type: 'UpdatePolicy', threshold: 2 })).toBe('ThresholdTooHigh');
    expect(applyTreeOp(g, d0!.deviceId, { type: 'RemoveLeaf', device: d0!.deviceId })).toBe('LastDevice');
    expect(applyTreeOp(g, d0!.deviceId, { type: 'RemoveLeaf', device: d3!.deviceId })).toBe('UnknownDevice');
    expect(applyTreeOp(g, d0!.deviceId, { type: 'AddLeaf', device: d0!.deviceId, role: 'device' })).toBe('AlreadyADevice');
  });

  it('RotateEpoch increments the epoch and rebinds every node', () => {
    const g = head([genesis]);
    const r = applyTreeOp(g, d0!.deviceId, { type: 'RotateEpoch' });
    if (typeof r === 'string') throw new Error(r);
    expect(r.epoch).toBe(1);
    for (let i = 1; i < r.nodes.length; i++) expect(r.nodes[i]).not.toBe(g.nodes[i]);
  });

  it('path recomputation equals a full rebuild', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 1, maxLength: 20 }), fc.nat(), (present, pick) => {
        const leaves = present.map((p, i): Leaf | null => (p ? { device: `dev-${i}`, role: 'device' } : null));
        const base = buildTree('p', 3, leaves);
        const i = pick % leaves.length;
        const leaf: Leaf = { device: `new-${pick}`, role: 'guardian' };
        const incremental = setLeaf(base, i, leaf);
        const changed = leaves.slice();
        changed[i] = leaf;
        expect(incremental.nodes).toEqual(buildTree('p', 3, changed).nodes);
      }),
      { numRuns: 200 },
    );
  });

  it('a late op that beats an applied winner re-roots the chain from its parent', () => {
    const g = head([genesis]);
    const adds = [d1, d2, d3].map((d) =>
      w0.fact('tree.op', { parentEpoch: 0, parentCommitment: g.commitment, op: { type: 'AddLeaf', device: d!.deviceId, role: 'device' } }),
    );
    const byHash = [...adds].sort((a, b) => (hashValue('aura/tree/op', a.fact.body) < hashValue('aura/tree/op', b.fact.body) ? -1 : 1));
    const [loser, , best] = byHash as [typeof adds[0], unknown, typeof adds[0]];
    const st = reduceAll(treeReducer, [genesis, loser]);
    const afterLoser = currentTree(st)!;
    const child = w0.fact('tree.op', { parentEpoch: 0, parentCommitment: afterLoser.commitment, op: { type: 'RotateEpoch' } });
    treeReducer.apply(st, child);
    expect(st.applied).toEqual([loser.id, child.id]);
    treeReducer.apply(st, best);
    expect(st.applied).toEqual([best.id]);
    expect(canon([genesis, loser, child, best])).toBe(canon([best, child, genesis, loser]));
  });

  it('order independence: any permutation of a history reduces to byte-identical state', () => {
    const pools = [treeOpPool(25, 1), treeOpPool(25, 2), treeOpPool(40, 3)];
    const expected = pools.map(canon);
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 }).chain((p) => fc.tuple(fc.constant(p), fc.shuffledSubarray(pools[p]!, { minLength: pools[p]!.length }))), ([p, order]) => {
        expect(canon(order)).toBe(expected[p]);
      }),
      { numRuns: 300 },
    );
  });
});
