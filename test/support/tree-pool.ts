import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import type { TreeOpKind } from '../../src/core/facts/kinds/tree.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { activeDevices, type TreeState } from '../../src/core/reduce/tree/tree-state.ts';
import { currentTree, treeReducer } from '../../src/core/reduce/tree/tree-reducer.ts';
import { deviceKey, Writer } from './fixtures.ts';

/** Small deterministic PRNG so generated pools are the same on every run. */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s;
  };
}

/**
 * A realistic, adversarial history of one authority's tree: every round several devices race on the
 * current head (concurrent ops, one wins by max hash), some fork from older states, some are invalid.
 */
export function treeOpPool(rounds: number, seed = 1, devices = 6): ValidatedFact[] {
  const rnd = lcg(seed);
  const keys = Array.from({ length: devices }, (_, i) => deviceKey(`tree-${i}`));
  const genesis = createGenesis(keys[0]!, new Uint8Array(16).fill(seed & 0xff), { wall: 1_000, logical: 0 });
  const author = genesis.fact.author;
  const writers = new Map(keys.map((k) => [k.deviceId, new Writer(k, author, authorityNamespace(author))]));
  const st = treeReducer.init();
  const facts: ValidatedFact[] = [genesis];
  treeReducer.apply(st, genesis);
  for (let r = 0; r < rounds; r++) {
    const fromOld = rnd() % 12 === 0 && st.chain.length > 1;
    const parent: TreeState = fromOld ? st.chain[rnd() % (st.chain.length - 1)]! : currentTree(st)!;
    const inTree = activeDevices(parent);
    const racers = 1 + (rnd() % 3);
    for (let k = 0; k < racers; k++) {
      const byDevice = rnd() % 10 === 0 ? keys[rnd() % keys.length]!.deviceId : inTree[rnd() % inTree.length]!;
      const op = pickOp(rnd, parent, inTree, keys.map((x) => x.deviceId));
      const f = writers.get(byDevice)!.at(rnd() % 3).fact('tree.op', { parentEpoch: parent.epoch, parentCommitment: parent.commitment, op });
      facts.push(f);
      treeReducer.apply(st, f);
    }
  }
  return facts;
}

function pickOp(rnd: () => number, s: TreeState, inTree: string[], all: string[]): TreeOpKind {
  const outside = all.filter((d) => !inTree.includes(d));
  switch (rnd() % 4) {
    case 0:
      return outside.length ? { type: 'AddLeaf', device: outside[rnd() % outside.length]!, role: 'device' } : { type: 'RotateEpoch' };
    case 1:
      return { type: 'RemoveLeaf', device: inTree[rnd() % inTree.length]! };
    case 2:
      return { type: 'UpdatePolicy', threshold: 1 + (rnd() % (s.leaves.length + 1)) };
    default:
      return { type: 'RotateEpoch' };
  }
}
