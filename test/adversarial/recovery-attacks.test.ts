import { describe, expect, it } from 'vitest';
import { createFact } from '../../src/core/facts/create.ts';
import type { BodyOf, FactKind } from '../../src/core/facts/kinds/index.ts';
import { journalOf, type ContextId } from '../../src/core/ids.ts';
import { decodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import { rendezvousTopic } from '../../src/core/rendezvous/offer.ts';
import { sealRecoveryMessage, sealReshare, type RecoveryMessage } from '../../src/core/rendezvous/recovery-message.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import { participantOf } from '../../src/protocols/consensus/dkg-session.ts';
import { dropped, droppedLike } from '../support/adversary.ts';
import { befriend } from '../support/contacts-net.ts';
import { deviceKey } from '../support/fixtures.ts';
import { ask, guarded, idOf } from '../support/guardians-net.ts';
import { MemoryBus, peerOn, seededRandom, until, type TestPeer } from '../support/node-net.ts';

const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);
const pairOf = (p: TestPeer, other: TestPeer): ContextId => p.node.contacts.contacts().find((c) => c.authority === idOf(other))!.context;
/** What any of alice's contacts sees of her: the device proof her bindings carry. */
const proofOf = (p: TestPeer): Uint8Array => (p.node as unknown as { membership: { deviceProof(): Uint8Array } }).membership.deviceProof();

/** A fact `p` signs with its own key, forced onto `context`'s topic past its node's write path. */
async function forge<K extends FactKind>(bus: MemoryBus, p: TestPeer, context: ContextId, kind: K, body: BodyOf<K>): Promise<void> {
  const secret = (await p.node.deps.store.contextSecrets()).get(context)!;
  const f = createFact(p.node.key, { ns: journalOf(context), kind, author: idOf(p), time: p.node.tick(), body });
  const wire = new ContextChannel(context, secret);
  for (const b of wire.seal([f.bytes], seededRandom(`forge-${kind}-${Math.random()}`))) bus.inject(wire.topic, b, p.transport.device);
}

describe('attacks on guardians and recovery', () => {
  it('forged results, hostile words, non-owner cancels, self- and non-guardian approvals and bad re-shares change nothing; the honest recovery still completes', async () => {
    const { bus, alice, bob, carol, dave } = await guarded(0);
    const eve = await peerOn(bus, 'eve');
    await befriend(alice, eve);
    const { fresh, device, code, helpId, aliceId } = await ask(bus, 'alice-new', alice, [bob, carol]);

    // Mallory holds the code (a guardian alone could, too) and talks to the asking device on the code's topic.
    const mallory = deviceKey('mallory');
    const secret = decodeRendezvousCode(code, Date.now()).secret;
    const say = (m: RecoveryMessage, codeSecret = secret) => bus.inject(rendezvousTopic(secret, 'packages'), sealRecoveryMessage(mallory, device, codeSecret, m, seededRandom(`mallory-${Math.random()}`)), mallory.deviceId);
    const signers = [participantOf(bob.node.key.deviceId), participantOf(carol.node.key.deviceId)];
    // Alice's real tree, but no threshold signature under its guardian key.
    say({ type: 'done', authority: aliceId, proof: proofOf(alice), signers, signature: new Uint8Array(64).fill(9) });
    // A proof that proves nothing, and bob's own tree (no guardians at all) passed off as the recovery.
    say({ type: 'done', authority: aliceId, proof: new Uint8Array(200).fill(1), signers, signature: new Uint8Array(64) });
    say({ type: 'done', authority: idOf(bob), proof: proofOf(bob), signers, signature: new Uint8Array(64) });
    await until(() => dropped(fresh, 'recover:BadRecovery') >= 3, 'the asking device refuses each forged recovery');
    // Sealed under another code: it does not open here.
    say({ type: 'recovered', proof: new Uint8Array(8) }, new Uint8Array(32).fill(3));
    await until(() => droppedLike(fresh, 'recover:') >= 4, 'a message under another code is a counted drop');
    expect(fresh.node.identity()).toBeNull();
    expect(fresh.node.guardians.recovering()!.phase).toBe('waiting');
    // Words are only shown: one that says "cancelled" or "refused" must not make the device stop listening.
    say({ type: 'word', word: 'cancelled', authority: aliceId, guardian: idOf(dave), name: 'dave', threshold: 1, guardians: 1 });
    say({ type: 'word', word: 'refused', authority: aliceId, guardian: idOf(dave), name: 'dave', threshold: 1, guardians: 1 });
    await until(() => fresh.node.guardians.recovering()!.words.length >= 1, 'the asking device hears the hostile words');

    // Facts in the pairs: a non-guardian's approval, a guardian cancelling what only alice can cancel, and
    // alice approving her own recovery.
    const eveHelp = eve.node.guardians.help(code).id;
    await until(() => eve.node.guardians.helps()[0]?.device === device, 'eve meets the new device');
    await expect(eve.node.guardians.approve(eveHelp, aliceId)).rejects.toMatchObject({ name: 'NodeError', code: 'InvalidInput', message: expect.stringContaining('not a guardian') });
    await forge(bus, eve, pairOf(eve, alice), 'recovery.approve', { authority: aliceId, device, approve: true });
    await forge(bus, bob, pairOf(bob, alice), 'recovery.cancel', { device });
    await forge(bus, alice, pairOf(alice, dave), 'recovery.approve', { authority: aliceId, device, approve: true });
    await until(() => dropped(dave, 'unauthorized:SelfApproval') >= 1, 'dave refuses alice approving her own recovery');
    await bob.node.guardians.approve(helpId(bob), aliceId);
    const alert = () => alice.node.guardians.alerts().find((a) => a.device === device)?.status;
    await until(() => alert()?.state.type === 'PendingEpoch', 'alice sees bob approve');
    // Past eve's and bob's forged facts (same topics, in order): alice still counts one approval, no cancel.
    for (const p of [eve, bob]) {
      const ch = p.node.contacts.contacts().find((c) => c.authority === aliceId)!.channel!;
      await p.node.sendMessage(ch, `${p.node.profile} after forging`);
      await until(() => texts(alice, ch).includes(`${p.node.profile} after forging`), `alice reads ${p.node.profile}`);
    }
    expect(alert()).toMatchObject({ state: { type: 'PendingEpoch', receivedResponses: 1 } });
    expect(alert()!.responses.map((r) => r.participant)).not.toContain(idOf(eve));

    await carol.node.guardians.approve(helpId(carol), aliceId);
    await until(() => fresh.node.guardians.recovering()?.phase === 'recovered', 'the fresh device recovers alice all the same', 60_000);
    expect(fresh.node.identity()).toMatchObject({ authorityId: aliceId, displayName: 'alice' });
    await until(() => fresh.node.contacts.contacts().some((c) => c.authority === idOf(bob)), 'bob re-shares the pair', 60_000);

    // A re-share of junk, a tampered box and a box for another device: refused or ignored, nothing joined.
    const held = async () => [...(await fresh.node.deps.store.contextSecrets()).keys()].sort();
    const before = await held();
    const [malformed, forgedLike] = [dropped(fresh, 'reshare:Malformed'), droppedLike(fresh, 'reshare:')];
    const tampered = sealReshare(bob.node.key, device, { context: 'bogus-context', secret: new Uint8Array(32).fill(5) }, seededRandom('tamper'));
    tampered[tampered.length - 1]! ^= 1;
    const forDave = sealReshare(bob.node.key, dave.node.key.deviceId, { context: 'bogus-context', secret: new Uint8Array(32).fill(5) }, seededRandom('dave'));
    await forge(bus, bob, pairOf(bob, alice), 'recovery.reshare', { authority: aliceId, device, boxes: [new Uint8Array(64).fill(7), tampered, forDave] });
    await until(() => dropped(fresh, 'reshare:Malformed') > malformed && droppedLike(fresh, 'reshare:') >= forgedLike + 2, 'the recovered device refuses the junk and the tampered box', 60_000);
    expect(droppedLike(fresh, 'reshare:NotForUs')).toBe(0);
    expect(await held()).toEqual(before);
    expect(fresh.node.identity()!.authorityId).toBe(aliceId);
  }, 300_000);

  it('a lost device that comes back online learns it was removed and can no longer write', async () => {
    const { bus, alice, bob, carol, dave } = await guarded(0);
    const ch = await alice.node.createChannel('general');
    await bob.node.joinChannel(alice.node.joinCode(ch));
    const context = alice.node.channels().data.find((c) => c.id === ch)!.context;
    // A channel of the old device alone: no binding of the new device will ever come there.
    const notes = await alice.node.createChannel('notes');
    await alice.node.sendMessage(ch, 'before the loss');
    await until(() => texts(bob, ch).includes('before the loss'), 'bob reads alice');
    // The old device is offline (lost) while the guardians re-admit a new one.
    const others = [bob, carol, dave];
    for (const p of others) bus.partition(alice.transport.device, p.transport.device);
    const { fresh, device, helpId, aliceId } = await ask(bus, 'alice-new', alice, [bob, carol]);
    bus.partition(alice.transport.device, device);
    for (const g of [bob, carol]) await g.node.guardians.approve(helpId(g), aliceId);
    await until(() => fresh.node.guardians.recovering()?.phase === 'recovered', 'the fresh device recovers alice', 60_000);
    await until(() => texts(fresh, ch).includes('before the loss'), 'the channel comes back to the new device', 60_000);
    await until(() => !bob.node.membersOf(context).devices.get(aliceId)?.has(alice.transport.device), 'bob no longer counts the old device');

    // Back online: the old device syncs the new device's binding and learns it is no longer one of alice's.
    for (const p of [...others, fresh]) bus.partition(alice.transport.device, p.transport.device, false);
    await until(() => alice.node.membersOf(context).devices.get(aliceId)?.has(device) === true, 'the old device sees the new one', 60_000);
    await until(() => !alice.node.membersOf(context).devices.get(aliceId)?.has(alice.transport.device), 'the old device knows it was removed', 30_000);
    await until(() => alice.node.account()?.thisDeviceRemoved === true, 'its account screen says it was removed');
    await expect(alice.node.sendMessage(ch, 'old device, after recovery')).rejects.toMatchObject({ name: 'NodeError', code: 'DeviceRemoved' });
    // Known anywhere, it writes nowhere.
    await expect(alice.node.sendMessage(notes, 'old device, alone')).rejects.toMatchObject({ name: 'NodeError', code: 'DeviceRemoved' });
    // Forced onto the wire with its key: every member refuses it, counted.
    const secret = (await alice.node.deps.store.contextSecrets()).get(context)!;
    const forced = createFact(alice.node.key, { ns: journalOf(context), kind: 'chat.message', author: aliceId, time: alice.node.tick(), body: { channel: ch, text: 'forced by the old device', ack: false } });
    const wire = new ContextChannel(context, secret);
    for (const b of wire.seal([forced.bytes], seededRandom('forced'))) bus.inject(wire.topic, b, alice.transport.device);
    for (const p of [bob, fresh]) await until(() => dropped(p, 'unauthorized:DeviceRemoved') >= 1, `${p.node.profile} refuses the old device`);
    expect(texts(bob, ch)).not.toContain('forced by the old device');
    await fresh.node.sendMessage(ch, 'the new device writes');
    await until(() => texts(bob, ch).includes('the new device writes'), 'bob reads the new device');
  }, 300_000);
});
