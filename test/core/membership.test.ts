import { describe, expect, it } from 'vitest';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { contextMembership, MEMBER_BINDING, mayWrite, memberList } from '../../src/core/reduce/membership.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const ctx = 'ctx-members';
const ns = contextNamespace(ctx);
const [alice, bob, mallory] = ['m-alice', 'm-bob', 'm-mallory'].map((l) => deviceKey(l));
const gA = createGenesis(alice!, new Uint8Array(16), { wall: 1, logical: 0 }, 'Alice');
const gB = createGenesis(bob!, new Uint8Array(16), { wall: 1, logical: 0 }, 'Bob');
const A = gA.fact.author;
const B = gB.fact.author;
const wA = new Writer(alice!, A, ns);
const wB = new Writer(bob!, B, ns);
const join = (w: Writer, genesisBytes: Uint8Array, authorities = [w.author]) =>
  w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities, data: genesisBytes });
const members = (...facts: Parameters<typeof reduceAll>[1] extends Iterable<infer F> ? F[] : never) =>
  contextMembership(ctx, reduceAll(namespaceReducer, facts));

describe('context membership', () => {
  it('a self-join carrying the author genesis makes a member writing from that device', () => {
    const m = members(join(wA, gA.bytes), join(wB, gB.bytes));
    expect(memberList(m.view)).toEqual([A, B].sort());
    expect(mayWrite(m, A, alice!.deviceId)).toBe(true);
    expect(mayWrite(m, A, bob!.deviceId)).toBe(false);
  });

  it("joining in another authority's name fails: foreign genesis, foreign device, or naming others", () => {
    const asAliceFromMallory = new Writer(mallory!, A, ns);
    expect(memberList(members(join(asAliceFromMallory, gA.bytes)).view)).toEqual([]);
    expect(memberList(members(join(wB, gA.bytes)).view)).toEqual([]);
    expect(memberList(members(join(wA, gA.bytes, [A, B])).view)).toEqual([]);
    expect(memberList(members(wA.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [A] })).view)).toEqual([]);
  });

  it('a corrupted genesis proof is refused', () => {
    const bad = gA.bytes.slice();
    bad[bad.length - 5]! ^= 1;
    expect(memberList(members(join(wA, bad)).view)).toEqual([]);
  });

  it('channel creators who are members may invite; other members may send', () => {
    const channel = wA.fact('chat.channel', { name: 'general' });
    const m = members(join(wA, gA.bytes), channel, join(wB, gB.bytes));
    expect(m.view.rights.get(A)?.has('member:invite')).toBe(true);
    expect(m.view.rights.get(B)?.has('member:invite')).toBe(false);
    expect(m.view.rights.get(B)?.has('chat:send')).toBe(true);
    const notMember = members(channel);
    expect(notMember.view.rights.size).toBe(0);
  });
});
