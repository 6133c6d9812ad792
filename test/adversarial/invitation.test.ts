import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace } from '../../src/core/ids.ts';
import { encodeDeviceProof } from '../../src/core/reduce/tree/device-proof.ts';
import { decodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import type { InvitationCeremony } from '../../src/core/rendezvous/invitation.ts';
import { sealInvitation } from '../../src/core/rendezvous/invitation-package.ts';
import { createOffer, rendezvousTopic } from '../../src/core/rendezvous/offer.ts';
import { watchCrashes } from '../support/adversary.ts';
import { deviceKey } from '../support/fixtures.ts';
import { MemoryBus, peerOn, seededRandom, until, type TestPeer } from '../support/node-net.ts';

/**
 * Attacks on the contact invitation (DESIGN §7, §10) over the memory bus with real nodes: each asserts the
 * defence (a typed, counted refusal or an abort), that nothing was adopted from the attacker, and that the
 * victim still works (a real invitation still commits).
 */

const opened: TestPeer[] = [];
const peer = async (bus: MemoryBus, name: string) => {
  const p = await peerOn(bus, name);
  opened.push(p);
  return p;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ceremony = (p: TestPeer, id: string): InvitationCeremony | undefined => p.node.contacts.ceremonies().find((c) => c.id === id);
const dropped = (p: TestPeer, reason: string) => p.transport.status().dropped[reason] ?? 0;
const droppedLike = (p: TestPeer, prefix: string) => Object.entries(p.transport.status().dropped).reduce((n, [r, c]) => (r.startsWith(prefix) ? n + c : n), 0);
const secretOf = (c: InvitationCeremony) => decodeRendezvousCode(c.code!, Date.now()).secret;
const offerOf = (key: DeviceKey, secret: Uint8Array) => createOffer(key, secret, { purpose: 'invite', addrs: [], expires: Date.now() + 60_000, nonce: new Uint8Array(16).fill(3) });
const proofOf = (p: TestPeer) => {
  const j = p.node.journals.get(authorityNamespace(p.node.identity()!.authorityId))!;
  return encodeDeviceProof([...j.facts.values()].find((f) => f.fact.kind === 'authority.genesis')!, []);
};
const committed = (p: TestPeer, id: string) => ceremony(p, id)?.state.type === 'Committed';

/** Bob accepts Alice's invitation `id` once shown; both commit. */
async function completes(alice: TestPeer, bob: TestPeer, id: string): Promise<void> {
  await until(() => ceremony(bob, id)?.presented === true, 'bob is shown the invitation', 20_000);
  await bob.node.contacts.accept(id);
  await until(() => committed(alice, id) && committed(bob, id), 'both committed', 20_000);
  expect(alice.node.contacts.contacts().map((c) => c.authority)).toContain(bob.node.identity()!.authorityId);
}

let crashes: ReturnType<typeof watchCrashes>;
beforeEach(() => {
  crashes = watchCrashes();
});
afterEach(async () => {
  for (const p of opened.splice(0)) await p.node.close().catch(() => undefined);
  crashes.stop();
  expect(crashes.seen).toEqual([]);
});

describe('attacks on the invitation ceremony', () => {
  it('forged packages (another sender, a proof not naming the sender, re-signed, under another code, not for us, junk) are counted and never shown; the real one still commits', async () => {
    const bus = new MemoryBus();
    const [alice, bob] = [await peer(bus, 'alice'), await peer(bus, 'bob')];
    const c = alice.node.contacts.invite();
    const secret = secretOf(c);
    const eve = deviceKey('invite-eve');
    const rnd = seededRandom('invite-eve');
    const eveProof = encodeDeviceProof(createGenesis(eve, new Uint8Array(16), { wall: 1, logical: 0 }, 'Alice'), []);
    const to = bob.node.key.deviceId;
    const hijack = (proof: Uint8Array, key = eve, s = secret, dest = to) => sealInvitation(key, dest, s, { context: 'ctx-evil', secret: new Uint8Array(32).fill(0x66), proof }, rnd);
    const forged: [Uint8Array, string][] = [
      [hijack(eveProof), 'invite:NotFromPeer'],
      // Eve's device inviting with Alice's proof: the proof does not name Eve's device.
      [hijack(proofOf(alice)), 'invite:Forged'],
      [encodeCanonical({ ...decodeCanonical<Record<string, unknown>>(hijack(eveProof)), from: alice.node.key.deviceId }), 'invite:BadSignature'],
      [hijack(eveProof, eve, rnd(32)), 'invite:Forged'],
      [hijack(eveProof, eve, secret, eve.deviceId), 'invite:NotForUs'],
      [Uint8Array.of(0xa1, 0x61), 'invite:Malformed'],
    ];
    // Bob meets Alice through her offer (replayed), their link cut so that her package cannot come first.
    bus.partition(alice.node.key.deviceId, to);
    bob.node.contacts.acceptCode(c.code!);
    bus.inject(rendezvousTopic(secret), offerOf(alice.node.key, secret), eve.deviceId);
    await until(() => ceremony(bob, c.id)?.peer === alice.node.key.deviceId, 'bob met alice');
    for (const [bytes] of forged) bus.inject(rendezvousTopic(secret, 'packages'), bytes, eve.deviceId);
    await until(() => droppedLike(bob, 'invite:') === forged.length, 'every forged package is counted');
    for (const [, reason] of forged) expect(dropped(bob, reason), reason).toBe(forged.filter(([, r]) => r === reason).length);
    expect(ceremony(bob, c.id)).toMatchObject({ presented: false, other: null });
    bus.partition(alice.node.key.deviceId, to, false);
    await completes(alice, bob, c.id);
    expect(ceremony(bob, c.id)?.other?.authority).toBe(alice.node.identity()!.authorityId);
    expect(bob.node.contacts.contacts().map((x) => x.context)).not.toContain('ctx-evil');
  }, 60_000);

  it('an answer replayed into a later invitation fails to open (Forged), is counted, and commits nothing', async () => {
    const bus = new MemoryBus();
    const [alice, bob, carol] = [await peer(bus, 'alice'), await peer(bus, 'bob'), await peer(bus, 'carol')];
    const onlooker = bus.connect(deviceKey('invite-replayer').deviceId, seededRandom('invite-replayer'));
    const first = alice.node.contacts.invite();
    const answers: Uint8Array[] = [];
    onlooker.subscribeTopic(rendezvousTopic(secretOf(first), 'confirmations'), (b) => void answers.push(b));
    bob.node.contacts.acceptCode(first.code!);
    await completes(alice, bob, first.id);
    // The second invitation: Carol is shown it; Bob's recorded replies (receipt and accept) are replayed to Alice.
    const second = alice.node.contacts.invite();
    carol.node.contacts.acceptCode(second.code!);
    await until(() => ceremony(carol, second.id)?.presented === true, 'carol is shown the invitation', 20_000);
    const before = droppedLike(alice, 'invite:');
    for (const b of answers) bus.inject(rendezvousTopic(secretOf(second), 'confirmations'), b, onlooker.device);
    await until(() => droppedLike(alice, 'invite:') > before, 'the replay is counted');
    expect(dropped(alice, 'invite:Forged')).toBeGreaterThan(0);
    expect(ceremony(alice, second.id)?.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 0 });
    expect(alice.node.contacts.contacts()).toHaveLength(1);
    // Carol's own decline is still heard.
    carol.node.contacts.decline(second.id);
    await until(() => ceremony(alice, second.id)?.state.type === 'Aborted', 'alice hears carol decline');
    expect(ceremony(alice, second.id)?.state).toMatchObject({ reason: 'declined' });
  }, 60_000);

  it('a third device using the code makes it ambiguous: nobody commits, nobody is a contact; a new invitation still works', async () => {
    const bus = new MemoryBus();
    const [alice, bob, mallory] = [await peer(bus, 'alice'), await peer(bus, 'bob'), await peer(bus, 'mallory')];
    const c = alice.node.contacts.invite();
    for (const p of [bob, mallory]) p.node.contacts.acceptCode(c.code!);
    await until(() => ceremony(alice, c.id)?.state.type === 'Aborted', 'alice aborts');
    expect(ceremony(alice, c.id)?.state).toMatchObject({ reason: 'more than one device used this code' });
    await sleep(2_500);
    for (const p of [alice, bob, mallory]) {
      expect(ceremony(p, c.id)?.state.type, p.node.profile).not.toBe('Committed');
      expect(p.node.contacts.contacts(), p.node.profile).toEqual([]);
      expect(p.node.channels().data, p.node.profile).toEqual([]);
    }
    const again = alice.node.contacts.invite();
    bob.node.contacts.acceptCode(again.code!);
    await completes(alice, bob, again.id);
  }, 60_000);

  it('hundreds of junk and forged offers on the code\'s topic are counted; the invitation still commits', async () => {
    const bus = new MemoryBus();
    const [alice, bob] = [await peer(bus, 'alice'), await peer(bus, 'bob')];
    const c = alice.node.contacts.invite();
    const secret = secretOf(c);
    const rnd = seededRandom('invite-flood');
    const from = deviceKey('invite-flooder').deviceId;
    for (let i = 0; i < 300; i++) {
      const key = deviceKey(`invite-flooder-${i % 5}`);
      const now = Date.now();
      const bytes = [rnd(20 + (i % 150)), createOffer(key, rnd(32), { purpose: 'invite', addrs: [], expires: now + 60_000, nonce: rnd(16) }), createOffer(key, secret, { purpose: 'enroll', addrs: [], expires: now + 60_000, nonce: rnd(16) })][i % 3]!;
      bus.inject(rendezvousTopic(secret), bytes, from);
    }
    await until(() => droppedLike(alice, 'rendezvous:') >= 300, 'every junk offer is counted');
    expect(dropped(alice, 'rendezvous:WrongSecret')).toBe(100);
    expect(dropped(alice, 'rendezvous:WrongPurpose')).toBe(100);
    expect(ceremony(alice, c.id)).toMatchObject({ peer: null, state: { type: 'Preparing' } });
    bob.node.contacts.acceptCode(c.code!);
    await completes(alice, bob, c.id);
  }, 60_000);
});
