import { authorize } from '../../src/core/authz/authorize.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace, contextNamespace, type AuthorityId, type Namespace } from '../../src/core/ids.ts';
import { MEMBER_BINDING } from '../../src/core/reduce/membership.ts';
import { namespaceReducer, type NamespaceState } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { currentTree } from '../../src/core/reduce/tree/tree-reducer.ts';
import { deviceKey, Writer } from './fixtures.ts';

export const CTX = contextNamespace('authz-test');

/** An authority with one device, writing into `ns`; `join` is its self-join when `ns` is a context. */
export interface Person {
  readonly author: AuthorityId;
  readonly genesis: ValidatedFact<'authority.genesis'>;
  readonly w: Writer;
  readonly join: ValidatedFact<'rel.binding'>;
}

export function person(label: string, ns: Namespace = CTX): Person {
  const key = deviceKey(`authz-${label}`);
  const genesis = createGenesis(key, new Uint8Array(16), { wall: 1, logical: 0 }, label);
  const w = new Writer(key, genesis.fact.author, ns);
  const join = w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [genesis.fact.author], data: genesis.bytes });
  return { author: genesis.fact.author, genesis, w, join };
}

/** Another device claiming to be `p`'s, never proved by a self-join. */
export function otherDeviceOf(p: Person, label: string): Writer {
  return new Writer(deviceKey(`authz-${label}`), p.author, p.w.ns);
}

/** A person writing into namespace `ns` from `wall` on, with a self-join that proves its device. */
export function joinedWriter(p: Person, ns: Namespace, wall: number) {
  const w = new Writer(p.w.key, p.author, ns).setWall(wall);
  return { author: p.author, w, join: w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [p.author], data: p.genesis.bytes }) };
}

export const reduce = (facts: readonly ValidatedFact[]): NamespaceState => reduceAll(namespaceReducer, facts);
export const verdictIn = (facts: readonly ValidatedFact[], f: ValidatedFact) => authorize(f, reduce(facts));

/** An authority journal: its genesis and a writer per device label (device 0 is the genesis device). */
export function authority(label: string, devices = 3) {
  const keys = Array.from({ length: devices }, (_, i) => deviceKey(`authz-${label}-${i}`));
  const genesis = createGenesis(keys[0]!, new Uint8Array(16), { wall: 1, logical: 0 });
  const ns = authorityNamespace(genesis.fact.author);
  const writers = keys.map((k) => new Writer(k, genesis.fact.author, ns));
  /** A tree op by `by` on the current head of `facts`. */
  const op = (facts: readonly ValidatedFact[], by: number, o: ValidatedFact<'tree.op'>['fact']['body']['op']) => {
    const head = currentTree(reduce(facts).tree)!;
    return writers[by]!.fact('tree.op', { parentEpoch: head.epoch, parentCommitment: head.commitment, op: o });
  };
  const add = (facts: readonly ValidatedFact[], by: number, device: number, role: 'device' | 'guardian' = 'device') =>
    op(facts, by, { type: 'AddLeaf', device: keys[device]!.deviceId, role });
  return { genesis, ns, keys, writers, op, add };
}
