import { describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { encodeDeviceProof, MAX_PROOF_FACTS, provenAuthority, provesDevice } from '../../src/core/reduce/tree/device-proof.ts';
import { currentTree, treeReducer } from '../../src/core/reduce/tree/tree-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const [d0, d1, d2, outsider] = ['p0', 'p1', 'p2', 'px'].map((l) => deviceKey(l));
const genesis = createGenesis(d0!, new Uint8Array(16), { wall: 1, logical: 0 });
const author = genesis.fact.author;
const ns = authorityNamespace(author);
const w0 = new Writer(d0!, author, ns);
const add = (w: Writer, parent: Parameters<typeof reduceAll>[1], device: string, role: 'device' | 'guardian' = 'device') => {
  const head = currentTree(reduceAll(treeReducer, parent))!;
  return w.fact('tree.op', { parentEpoch: head.epoch, parentCommitment: head.commitment, op: { type: 'AddLeaf', device, role } });
};

describe('device proofs (member bindings of added devices)', () => {
  it('the genesis alone proves the genesis device, and only it', () => {
    expect(provesDevice(encodeDeviceProof(genesis, []), author, d0!.deviceId)).toBe(true);
    expect(provesDevice(encodeDeviceProof(genesis, []), author, d1!.deviceId)).toBe(false);
  });

  it('genesis + the AddLeaf chain proves each added device; a device added then removed does not', () => {
    const a1 = add(w0, [genesis], d1!.deviceId);
    const a2 = add(new Writer(d1!, author, ns), [genesis, a1], d2!.deviceId);
    expect(provesDevice(encodeDeviceProof(genesis, [a1]), author, d1!.deviceId)).toBe(true);
    expect(provesDevice(encodeDeviceProof(genesis, [a1, a2]), author, d2!.deviceId)).toBe(true);
    const head = currentTree(reduceAll(treeReducer, [genesis, a1, a2]))!;
    const rm = w0.fact('tree.op', { parentEpoch: head.epoch, parentCommitment: head.commitment, op: { type: 'RemoveLeaf', device: d2!.deviceId } });
    expect(provesDevice(encodeDeviceProof(genesis, [a1, a2, rm]), author, d2!.deviceId)).toBe(false);
  });

  it('provenAuthority names the authority and display name a proof shows for a device, or null (wrong device, junk)', () => {
    const named = createGenesis(d0!, new Uint8Array(16).fill(1), { wall: 1, logical: 0 }, 'Dora');
    expect(provenAuthority(encodeDeviceProof(named, []), d0!.deviceId)).toEqual({ authority: named.fact.author, name: 'Dora' });
    const a1 = add(w0, [genesis], d1!.deviceId);
    expect(provenAuthority(encodeDeviceProof(genesis, [a1]), d1!.deviceId)).toEqual({ authority: author, name: '' });
    expect(provenAuthority(encodeDeviceProof(genesis, [a1]), outsider!.deviceId)).toBeNull();
    for (const junk of [new Uint8Array([0xff]), encodeCanonical([genesis.bytes, 7]), a1.bytes]) expect(provenAuthority(junk, d1!.deviceId)).toBeNull();
  });

  it('refuses an AddLeaf signed by a device that is not in the tree (self-enrollment)', () => {
    const forged = add(new Writer(outsider!, author, ns), [genesis], outsider!.deviceId);
    expect(provesDevice(encodeDeviceProof(genesis, [forged]), author, outsider!.deviceId)).toBe(false);
  });

  it('refuses a guardian leaf, another authority, a chain in the wrong namespace and a chain without its genesis first', () => {
    const g = add(w0, [genesis], d1!.deviceId, 'guardian');
    expect(provesDevice(encodeDeviceProof(genesis, [g]), author, d1!.deviceId)).toBe(false);
    const other = createGenesis(outsider!, new Uint8Array(16), { wall: 1, logical: 0 });
    const a1 = add(w0, [genesis], d1!.deviceId);
    expect(provesDevice(encodeDeviceProof(genesis, [a1]), other.fact.author, d1!.deviceId)).toBe(false);
    expect(provesDevice(encodeCanonical([a1.bytes, genesis.bytes]), author, d1!.deviceId)).toBe(false);
    const foreignOp = new Writer(d0!, other.fact.author, authorityNamespace(other.fact.author)).fact('tree.op', a1.fact.body);
    expect(provesDevice(encodeDeviceProof(genesis, [foreignOp]), author, d1!.deviceId)).toBe(false);
  });

  it('hostile bytes are false, never a throw: junk, tampered facts, non-bytes lists, oversized chains', () => {
    const a1 = add(w0, [genesis], d1!.deviceId);
    const tampered = a1.bytes.slice();
    tampered[tampered.length - 1]! ^= 1;
    const cases = [
      new Uint8Array([0xff, 0x00]),
      new Uint8Array(0),
      encodeCanonical([genesis.bytes, tampered]),
      encodeCanonical([genesis.bytes, 7]),
      encodeCanonical([genesis.bytes]),
      encodeCanonical(Array.from({ length: MAX_PROOF_FACTS + 1 }, () => a1.bytes)),
      encodeCanonical({ a: [[[[[]]]]] }),
    ];
    for (const c of cases) expect(provesDevice(c, author, d1!.deviceId)).toBe(false);
  });
});
