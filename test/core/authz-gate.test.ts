import { describe, expect, it } from 'vitest';
import { enabledKinds, isEnabledKind } from '../../src/core/authz/authorize.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { KINDS } from '../../src/core/facts/kinds/index.ts';
import { channelMessages, channelOf } from '../../src/core/reduce/chat.ts';
import { namespaceReducer, type NamespaceState } from '../../src/core/reduce/namespace-reducer.ts';
import { person, reduce } from '../support/authz-world.ts';

const alice = person('alice');
const bob = person('bob');
const channel = alice.w.fact('chat.channel', { name: 'general' });
const hello = bob.w.fact('chat.message', { channel: channel.id, text: 'hello', ack: false });
const topic = alice.w.fact('chat.topic', { channel: channel.id, topic: 'welcome' });
const hijack = bob.w.fact('chat.topic', { channel: channel.id, topic: 'hijacked' });

function applyAll(facts: readonly ValidatedFact[]): NamespaceState {
  const st = namespaceReducer.init();
  for (const f of facts) namespaceReducer.apply(st, f);
  return st;
}
const canonicalHex = (st: NamespaceState) => toHex(encodeCanonical(namespaceReducer.canonical(st)));

describe('the authorization gate in the namespace reducer', () => {
  it('holds a fact under what it waits for and applies it when a counted fact releases that key', () => {
    const st = applyAll([hello, topic, alice.join]);
    expect([...st.authz.held.keys()].sort()).toEqual([waitKey.channel(channel.id), waitKey.member(bob.author, bob.w.key.deviceId)].sort());
    expect(st.chat.topics.size).toBe(0);
    namespaceReducer.apply(st, channel);
    expect(channelOf(st.chat, channel.id)!.topic).toBe('welcome');
    expect(channelMessages(st.chat, channel.id)).toEqual([]);
    namespaceReducer.apply(st, bob.join);
    expect(channelMessages(st.chat, channel.id).map((m) => m.text)).toEqual(['hello']);
    expect(st.authz.held.size).toBe(0);
    expect(canonicalHex(st)).toBe(canonicalHex(applyAll([alice.join, bob.join, channel, topic, hello])));
  });

  it('a release cascades: one join can release a channel, which releases its topic', () => {
    const st = applyAll([topic, channel]);
    expect(st.chat.channels.size).toBe(0);
    namespaceReducer.apply(st, alice.join);
    expect(channelOf(st.chat, channel.id)!.topic).toBe('welcome');
    expect(st.authz.held.size).toBe(0);
  });

  it('records refused facts by id with their code, sorted, and never applies them', () => {
    const vote = bob.w.fact('proposal.vote', { proposal: channel.id, approve: true });
    const cert = bob.w.fact('consensus.cert', { certId: 'c', covers: [hello.id], witnesses: ['w'] });
    const st = applyAll([alice.join, bob.join, channel, hijack, cert, hijack, vote]);
    const expected = [
      [hijack.id, 'MissingRight'],
      [cert.id, 'UnverifiableCertificate'],
    ].sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
    expect(namespaceReducer.canonical(st).authz.refused).toEqual(expected);
    expect(namespaceReducer.canonical(st).authz.held).toEqual([[vote.id, waitKey.proposal(channel.id)]]);
    expect(channelOf(st.chat, channel.id)!.topic).toBeNull();
  });

  it('unauthorized facts change no query: only the record of what was held and refused differs', () => {
    const mallory = person('mallory');
    const honest = [alice.join, bob.join, channel, topic, hello];
    const hostile = [hijack, mallory.w.fact('chat.message', { channel: channel.id, text: 'spam', ack: false }), mallory.w.fact('chat.channel', { name: 'spam' })];
    const a = namespaceReducer.canonical(reduce(honest));
    const b = namespaceReducer.canonical(reduce([...hostile, ...honest]));
    expect(toHex(encodeCanonical({ ...b, authz: null }))).toBe(toHex(encodeCanonical({ ...a, authz: null })));
    expect(b.authz.held.length + b.authz.refused.length).toBe(hostile.length);
  });
});

describe('kinds with a protocol today', () => {
  it('are exactly genesis, tree ops, bindings, the five chat kinds, display names, consensus commits, groups, proposals, guardians and recovery, snapshots, upgrade activations, admin replacements and forwarding receipts; admission refuses every other kind', () => {
    expect([...enabledKinds].sort()).toEqual(['authority.genesis', 'chat.channel', 'chat.message', 'chat.reaction', 'chat.rename', 'chat.topic', 'consensus.commit', 'group.create', 'group.invitation', 'group.rekey', 'group.response', 'guardian.answer', 'guardian.key', 'guardian.ready', 'guardian.request', 'maint.adminReplacement', 'maint.cacheInvalidated', 'maint.snapshotCompleted', 'maint.snapshotProposed', 'maint.upgradeActivated', 'profile.name', 'proposal.create', 'proposal.vote', 'receipt.forward', 'recovery.approve', 'recovery.cancel', 'recovery.reshare', 'rel.binding', 'tree.op']);
    for (const k of Object.keys(KINDS)) expect(isEnabledKind(k), k).toBe(enabledKinds.has(k as never));
    expect(isEnabledKind('consensus.cert')).toBe(false);
    expect(isEnabledKind('no.such')).toBe(false);
  });
});
