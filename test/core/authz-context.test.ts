import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authz/authorize.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { listChannels } from '../../src/core/reduce/chat.ts';
import { contextMembership, hasRight, MEMBER_BINDING, MEMBER_RIGHTS, memberList, OWNER_RIGHTS, rightsOf } from '../../src/core/reduce/membership.ts';
import { otherDeviceOf, person, reduce, verdictIn } from '../support/authz-world.ts';

const alice = person('alice');
const bob = person('bob');
const mallory = person('mallory');
const unknown = alice.join.id; // a real CID that names no channel, proposal or ceremony
const ok = { ok: true };

/** One fact of every kind a context holds whose rule starts with "the writer is a member from a proven device". */
function everyWriterKind(p: typeof alice): ValidatedFact[] {
  const w = p.w;
  return [
    w.fact('rel.binding', { bindingType: 'contact', authorities: [p.author] }),
    w.fact('rel.flowBudget', { from: p.author, to: alice.author, epoch: 0, limit: 10, spent: 1 }),
    w.fact('amp.checkpoint', { channel: 'c', chanEpoch: 0, generation: 1 }),
    w.fact('amp.proposedBump', { channel: 'c', parentEpoch: 0, newEpoch: 1, bumpId: 'b' }),
    w.fact('amp.committedBump', { channel: 'c', parentEpoch: 0, newEpoch: 1, chosenBumpId: 'b' }),
    w.fact('amp.policy', { channel: 'c', skipWindow: 8 }),
    w.fact('receipt.rendezvous', { envelopeId: new Uint8Array(32), authority: p.author, timestamp: 1, signature: new Uint8Array(64) }),
    w.fact('chat.channel', { name: 'general' }),
    w.fact('chat.message', { channel: unknown, text: 'hi', ack: false }),
    w.fact('chat.reaction', { channel: unknown, message: unknown, emoji: '👍' }),
    w.fact('chat.topic', { channel: unknown, topic: 't' }),
    w.fact('chat.rename', { channel: unknown, name: 'n' }),
    w.fact('profile.name', { name: 'n' }),
    w.fact('proposal.create', { subject: 's', operation: 'op', args: [], rule: { type: 'Any' }, voters: [p.author], expiresAt: 9e12 }),
    w.fact('proposal.vote', { proposal: unknown, approve: true }),
    w.fact('ceremony.start', { ceremonyKind: 'k', participants: [p.author], threshold: 1, prestateHash: '0'.repeat(64) }),
    w.fact('ceremony.response', { ceremony: unknown, accept: true }),
    w.fact('ceremony.abort', { ceremony: unknown, reason: 'r' }),
    w.fact('ceremony.supersede', { ceremony: unknown, by: unknown, reason: 'Timeout' }),
    w.fact('ceremony.commit', { ceremony: unknown, consensusId: 'x' }),
    w.fact('consensus.commit', { consensusId: 'x', prestateHash: '0'.repeat(64), covers: [unknown], signers: ['w'], signature: new Uint8Array(64) }),
  ];
}

describe('who may write in a context', () => {
  it('a member self-join authorizes itself and makes its author a member writing from that device', () => {
    expect(authorize(alice.join, undefined)).toEqual(ok);
    const m = contextMembership('authz-test', reduce([alice.join]));
    expect(memberList(m.view)).toEqual([alice.author]);
  });

  it('every other kind waits until its author is a member writing from a proven device', () => {
    for (const f of everyWriterKind(mallory)) {
      expect(verdictIn([alice.join], f), f.fact.kind).toEqual({ ok: false, wait: waitKey.member(mallory.author, mallory.w.key.deviceId) });
      const joined = verdictIn([alice.join, mallory.join], f);
      expect('wait' in joined && joined.wait.startsWith('member:'), f.fact.kind).toBe(false);
    }
    const fromOtherDevice = otherDeviceOf(alice, 'alice-laptop');
    const msg = fromOtherDevice.fact('chat.message', { channel: unknown, text: 'me too', ack: false });
    expect(verdictIn([alice.join], msg)).toEqual({ ok: false, wait: waitKey.member(alice.author, fromOtherDevice.key.deviceId) });
  });

  it("a 'member' binding that is not a valid self-join is refused, even from a member", () => {
    const inBobsName = alice.w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [bob.author], data: bob.genesis.bytes });
    const naming = alice.w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [alice.author, bob.author], data: alice.genesis.bytes });
    const noProof = alice.w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [alice.author] });
    for (const f of [inBobsName, naming, noProof]) expect(verdictIn([alice.join], f)).toEqual({ ok: false, refuse: 'InvalidMemberBinding' });
  });
});

describe('channel settings', () => {
  const channel = alice.w.fact('chat.channel', { name: 'general' });
  const topicBy = (p: typeof alice) => p.w.fact('chat.topic', { channel: channel.id, topic: `by ${p.author.slice(-4)}` });

  it('a topic waits for its channel, then only the channel creator may set it', () => {
    const members = [alice.join, bob.join];
    expect(verdictIn(members, topicBy(alice))).toEqual({ ok: false, wait: waitKey.channel(channel.id) });
    expect(verdictIn([...members, channel], topicBy(alice))).toEqual(ok);
    expect(verdictIn([...members, channel], topicBy(bob))).toEqual({ ok: false, refuse: 'MissingRight' });
    const st = reduce([...members, channel, topicBy(bob)]);
    expect(st.chat.channels.get(channel.id)!.topic).toBeNull();
    expect(st.chat.topics.size).toBe(0);
  });

  it('setting a topic is an owner right: members hold it only for channels they created', () => {
    expect(MEMBER_RIGHTS).not.toContain('chat:topic');
    expect(OWNER_RIGHTS).toContain('chat:topic');
    const m = contextMembership('authz-test', reduce([alice.join, bob.join, channel]));
    expect(m.view.rights.get(alice.author)?.has('chat:topic')).toBe(true);
    expect(m.view.rights.get(bob.author)?.has('chat:topic')).toBe(false);
  });

  const renameBy = (p: typeof alice, name = `by ${p.author.slice(-4)}`) => p.w.fact('chat.rename', { channel: channel.id, name });

  it('a rename waits for its channel, then only an author with the rename right over it (its creator) counts', () => {
    const members = [alice.join, bob.join];
    expect(verdictIn(members, renameBy(alice))).toEqual({ ok: false, wait: waitKey.channel(channel.id) });
    expect(verdictIn([...members, channel], renameBy(alice))).toEqual(ok);
    expect(verdictIn([...members, channel], renameBy(bob))).toEqual({ ok: false, refuse: 'MissingRight' });
    // Whatever the arrival order, Bob's rename never counts and Alice's does.
    const forged = renameBy(bob, 'hijacked');
    for (const order of [[forged, channel, renameBy(alice, 'lobby')], [renameBy(alice, 'lobby'), channel, forged]]) {
      const st = reduce([...members, ...order]);
      expect(listChannels(st.chat)[0]!.name).toBe('lobby');
      expect(st.authz.refused.get(forged.id)).toBe('MissingRight');
    }
  });

  it('every rights question is rightsOf: the owner holds rename and topic over its own channel only; a non-member holds nothing', () => {
    const other = bob.w.fact('chat.channel', { name: 'bobs' });
    const st = reduce([alice.join, bob.join, channel, other]);
    expect(hasRight(st, alice.author, 'chat:rename', channel.id)).toBe(true);
    expect(hasRight(st, alice.author, 'chat:rename', other.id)).toBe(false);
    expect(hasRight(st, bob.author, 'chat:rename', other.id)).toBe(true);
    expect(hasRight(st, bob.author, 'chat:react', channel.id)).toBe(true);
    expect(rightsOf(st, person('stranger').author, channel.id).size).toBe(0);
    expect(rightsOf(st, alice.author)).toEqual(new Set(OWNER_RIGHTS));
  });
});

describe('proposals', () => {
  const proposal = alice.w.fact('proposal.create', { subject: 'member:x', operation: 'remove', args: [], rule: { type: 'Any' }, voters: [alice.author], expiresAt: 9e12 });
  const voteBy = (p: typeof alice) => p.w.fact('proposal.vote', { proposal: proposal.id, approve: true });

  it('a vote waits for its proposal, then counts only from the voters it lists', () => {
    const members = [alice.join, bob.join];
    expect(verdictIn(members, voteBy(alice))).toEqual({ ok: false, wait: waitKey.proposal(proposal.id) });
    expect(verdictIn([...members, proposal], voteBy(alice))).toEqual(ok);
    expect(verdictIn([...members, proposal], voteBy(bob))).toEqual({ ok: false, refuse: 'NotVoter' });
  });
});
