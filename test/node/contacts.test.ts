import { describe, expect, it } from 'vitest';
import { encodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import type { InvitationCeremony } from '../../src/core/rendezvous/invitation.ts';
import { NodeError } from '../../src/node/api.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { Profile } from '../support/adversary.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const ceremonyOf = (p: Pick<TestPeer, 'node'>, id: string): InvitationCeremony | undefined => p.node.contacts.ceremonies().find((c) => c.id === id);
const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);

/** Alice invites, Bob enters the code and is shown who invites. */
async function invited(bus = new MemoryBus(), bobDeps: Partial<NodeDeps> = {}) {
  const alice = await peerOn(bus, 'alice');
  const bob = await peerOn(bus, 'bob', bobDeps);
  const started = alice.node.contacts.invite();
  expect(started).toMatchObject({ role: 'inviter', state: { type: 'Preparing' } });
  expect(started.code).toMatch(/^aura-rdv:/);
  const joined = bob.node.contacts.acceptCode(started.code!);
  expect(joined.id).toBe(started.id);
  await until(() => ceremonyOf(bob, started.id)?.presented === true, 'bob is shown the invitation', 20_000);
  return { bus, alice, bob, id: started.id };
}

describe('contacts: the invitation ceremony over the memory bus', () => {
  it('accepted: both commit, list each other with the same fingerprint, and talk in the pairwise channel', async () => {
    const { alice, bob, id } = await invited();
    const [a, b] = [alice.node.identity()!, bob.node.identity()!];
    // Bob sees who invites, as Alice's device proof shows it; Alice waits for a person (no timeout).
    expect(ceremonyOf(bob, id)).toMatchObject({ other: { authority: a.authorityId, name: 'alice' }, deadline: null, state: { type: 'PendingEpoch', receivedResponses: 0 } });
    await until(() => ceremonyOf(alice, id)?.presented === true, 'alice knows bob is deciding');
    await bob.node.contacts.accept(id);
    await until(() => ceremonyOf(alice, id)?.state.type === 'Committed' && ceremonyOf(bob, id)?.state.type === 'Committed', 'both committed', 20_000);
    expect(ceremonyOf(alice, id)?.other).toEqual({ authority: b.authorityId, name: 'bob' });
    await until(() => alice.node.contacts.contacts()[0]?.channel != null && bob.node.contacts.contacts()[0]?.channel != null, 'both see the channel');
    const [ac, bc] = [alice.node.contacts.contacts(), bob.node.contacts.contacts()];
    expect(ac).toHaveLength(1);
    expect(ac[0]).toMatchObject({ authority: b.authorityId, displayName: 'bob', petname: null });
    expect(bc[0]).toMatchObject({ authority: a.authorityId, displayName: 'alice', context: ac[0]!.context, channel: ac[0]!.channel, fingerprint: ac[0]!.fingerprint });
    // Each lists the other's device, as its binding in the pairwise context proves it.
    expect([ac[0]!.devices, bc[0]!.devices]).toEqual([[b.deviceId], [a.deviceId]]);
    const ch = ac[0]!.channel!;
    await bob.node.sendMessage(ch, 'hi alice');
    await until(() => texts(alice, ch).includes('hi alice'), 'alice gets bob\'s message');
    await alice.node.sendMessage(ch, 'hi bob');
    await until(() => texts(bob, ch).includes('hi bob'), 'bob gets alice\'s message');
    // Petnames stay local: Alice's name for Bob changes nothing on Bob's side.
    await alice.node.contacts.setPetname(b.authorityId, 'Bobby');
    expect(alice.node.contacts.contacts()[0]?.petname).toBe('Bobby');
    expect(bob.node.contacts.contacts()[0]?.petname).toBeNull();
    await alice.node.contacts.setPetname(b.authorityId, '');
    expect(alice.node.contacts.contacts()[0]?.petname).toBeNull();
    await expect(alice.node.contacts.setPetname(a.authorityId, 'me')).rejects.toMatchObject({ code: 'InvalidInput' });
    // A display name Bob changes later is the one his contact shows (stated in their pairwise context).
    await bob.node.names.setDisplayName('Robert');
    await until(() => alice.node.contacts.contacts()[0]?.displayName === 'Robert', 'alice lists bob by his new name');
  }, 60_000);

  it('declined: Aborted (declined) on both sides; nobody is a contact, no context is held', async () => {
    const { alice, bob, id } = await invited();
    const held = (p: TestPeer) => p.node.channels().data.length;
    bob.node.contacts.decline(id);
    expect(ceremonyOf(bob, id)?.state).toMatchObject({ type: 'Aborted', reason: 'declined' });
    await until(() => ceremonyOf(alice, id)?.state.type === 'Aborted', 'alice hears the decline');
    expect(ceremonyOf(alice, id)?.state).toMatchObject({ type: 'Aborted', reason: 'declined' });
    expect(alice.node.contacts.contacts()).toEqual([]);
    expect(bob.node.contacts.contacts()).toEqual([]);
    expect([held(alice), held(bob)]).toEqual([0, 0]);
    // A finished invitation takes no answer.
    await expect(bob.node.contacts.accept(id)).rejects.toMatchObject({ code: 'InvalidInput' });
  }, 60_000);

  it('cancelled while the invitee decides: the invitation is withdrawn and the invitee stops at once; accepting then does nothing', async () => {
    const { alice, bob, id } = await invited();
    await until(() => ceremonyOf(alice, id)?.presented === true, 'alice knows bob is deciding');
    alice.node.contacts.cancel(id);
    expect(ceremonyOf(alice, id)?.state).toMatchObject({ type: 'Aborted', reason: 'cancelled' });
    await until(() => ceremonyOf(bob, id)?.state.type === 'Aborted', 'bob hears the withdrawal');
    expect(ceremonyOf(bob, id)?.state).toMatchObject({ reason: 'the inviter cancelled' });
    await expect(bob.node.contacts.accept(id)).rejects.toMatchObject({ code: 'InvalidInput' });
    expect([alice.node.contacts.contacts(), bob.node.contacts.contacts()]).toEqual([[], []]);
  }, 30_000);

  it('superseded while the invitee decides: the older invitation is withdrawn too', async () => {
    const { alice, bob, id } = await invited();
    await until(() => ceremonyOf(alice, id)?.presented === true, 'alice knows bob is deciding');
    const newer = alice.node.contacts.invite();
    expect(ceremonyOf(alice, id)?.state).toEqual({ type: 'Superseded', by: newer.id, reason: 'NewerRequest' });
    await until(() => ceremonyOf(bob, id)?.state.type === 'Aborted', 'bob hears the withdrawal');
    expect(ceremonyOf(bob, id)?.state).toMatchObject({ reason: 'the inviter cancelled' });
  }, 30_000);

  it('an inviter gone after the accept: the invitee never commits alone, and times out 20 s after its accept', async () => {
    const bus = new MemoryBus();
    let skew = 0;
    const { alice, bob, id } = await invited(bus, { now: () => Date.now() + skew });
    await alice.node.close();
    await bob.node.contacts.accept(id);
    expect(ceremonyOf(bob, id)?.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 1 });
    await new Promise((r) => setTimeout(r, 2_500));
    // Without the inviter's binding in the pairwise context there is no commit.
    expect(ceremonyOf(bob, id)?.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 1 });
    skew = 21_000;
    await until(() => ceremonyOf(bob, id)?.state.type === 'Aborted', 'bob times out', 10_000);
    expect(ceremonyOf(bob, id)?.state).toMatchObject({ reason: 'the other device stopped answering' });
    expect(bob.node.contacts.contacts()).toEqual([]);
  }, 30_000);

  it('cancelled, and a newer invite, end the earlier ceremony; a code of either meets nobody', async () => {
    const bus = new MemoryBus();
    const alice = await peerOn(bus, 'alice');
    const bob = await peerOn(bus, 'bob');
    const first = alice.node.contacts.invite();
    const second = alice.node.contacts.invite();
    expect(ceremonyOf(alice, first.id)?.state).toEqual({ type: 'Superseded', by: second.id, reason: 'NewerRequest' });
    alice.node.contacts.cancel(second.id);
    expect(ceremonyOf(alice, second.id)?.state).toMatchObject({ type: 'Aborted', reason: 'cancelled' });
    const tries = [bob.node.contacts.acceptCode(first.code!), bob.node.contacts.acceptCode(second.code!)];
    await new Promise((r) => setTimeout(r, 2_500));
    for (const t of tries) expect(ceremonyOf(bob, t.id)).toMatchObject({ peer: null, state: { type: 'Preparing' } });
    expect(bob.node.contacts.contacts()).toEqual([]);
  }, 30_000);

  it('contacts and petnames survive a reload; a garbled local record opens as no contacts, never a failed boot', async () => {
    const bus = new MemoryBus();
    const [alice, bob] = [await Profile.open(bus, 'alice'), await Profile.open(bus, 'bob')];
    const c = alice.node.contacts.invite();
    bob.node.contacts.acceptCode(c.code!);
    await until(() => ceremonyOf(bob, c.id)?.presented === true, 'bob is shown the invitation', 20_000);
    await bob.node.contacts.accept(c.id);
    await until(() => alice.node.contacts.contacts().length === 1 && bob.node.contacts.contacts().length === 1, 'both list the contact', 20_000);
    await alice.node.contacts.setPetname(bob.authority, 'Bobby');
    const before = alice.node.contacts.contacts();
    await alice.reopen();
    expect(alice.node.contacts.contacts()).toEqual(before);
    expect(alice.node.contacts.contacts()[0]?.petname).toBe('Bobby');
    await alice.store.setMeta('contacts', 'garbled');
    await alice.reopen();
    expect(alice.node.contacts.contacts()).toEqual([]);
    for (const p of [alice, bob]) await p.node.close();
  }, 60_000);

  it('an expired, foreign or misshapen code is a typed refusal; so is entering the same code twice', async () => {
    const bus = new MemoryBus();
    const bob = await peerOn(bus, 'bob');
    const now = Date.now();
    const expired = encodeRendezvousCode({ purpose: 'invite', secret: new Uint8Array(32).fill(1), expires: now - 1 });
    const enroll = encodeRendezvousCode({ purpose: 'enroll', secret: new Uint8Array(32).fill(2), expires: now + 60_000 });
    for (const code of [expired, enroll, 'aura-rdv:nonsense', 'hello']) {
      expect(() => bob.node.contacts.acceptCode(code)).toThrow(NodeError);
      try {
        bob.node.contacts.acceptCode(code);
      } catch (e) {
        expect((e as NodeError).code).toBe('InvalidCode');
      }
    }
    const fresh = encodeRendezvousCode({ purpose: 'invite', secret: new Uint8Array(32).fill(3), expires: now + 60_000 });
    bob.node.contacts.acceptCode(fresh);
    expect(() => bob.node.contacts.acceptCode(fresh)).toThrow(expect.objectContaining({ code: 'CeremonyRunning' }));
  });

  it('contacts remembered at the same moment are all kept, also after a reload (a recovery brings several back at once)', async () => {
    const bus = new MemoryBus();
    const [alice, bob, carol] = [await Profile.open(bus, 'alice'), await Profile.open(bus, 'bob'), await Profile.open(bus, 'carol')];
    const person = (p: Profile) => ({ authority: p.authority, name: p.node.identity()!.displayName });
    await Promise.all([alice.node.contacts.remember(person(bob), 'ctx-bob'), alice.node.contacts.remember(person(carol), 'ctx-carol')]);
    const listed = () => alice.node.contacts.contacts().map((c) => [c.displayName, c.context]).sort();
    expect(listed()).toEqual([['bob', 'ctx-bob'], ['carol', 'ctx-carol']]);
    await alice.reopen();
    expect(listed()).toEqual([['bob', 'ctx-bob'], ['carol', 'ctx-carol']]);
    for (const p of [alice, bob, carol]) await p.node.close();
  }, 30_000);
});
