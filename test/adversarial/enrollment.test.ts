import { IDBFactory } from 'fake-indexeddb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { deviceKeyFromSeed, type DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { authorityNamespace, type DeviceId } from '../../src/core/ids.ts';
import { decodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import { ABORT_REASONS, type EnrollmentCeremony } from '../../src/core/rendezvous/enrollment.ts';
import { confirmPackage } from '../../src/core/rendezvous/receipt.ts';
import { openPackage, PackageError, sealPackage, type EnrollmentContent } from '../../src/core/rendezvous/enrollment-package.ts';
import { createOffer, rendezvousTopic } from '../../src/core/rendezvous/offer.ts';
import type { MemoryTransport } from '../../src/net/memory-transport.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { Adversary, watchCrashes } from '../support/adversary.ts';
import { deviceKey } from '../support/fixtures.ts';
import { MemoryBus, seededRandom, until } from '../support/node-net.ts';

/**
 * Attacks on the device-enrollment ceremony (DESIGN §2, §7) over the memory bus, with real crypto and real
 * nodes. Each asserts the defence (a typed, counted refusal or an abort) and that nothing bad was stored:
 * no identity on a device that should not have one, no AddLeaf in the authority's journal, no secret adopted
 * from anyone but the device met.
 */

interface Dev {
  readonly name: string;
  readonly node: AuraNode;
  readonly transport: MemoryTransport;
  readonly store: AuraStore;
  /** The node's own device key (the tests forge with it only where the brief says "signed by that device"). */
  readonly key: DeviceKey;
}

const opened: Dev[] = [];

/** A node on the bus, as `deviceOn`/`peerOn` make it, keeping its store and key for inspection. */
async function dev(bus: MemoryBus, name: string, identity: boolean): Promise<Dev> {
  const random = seededRandom(name);
  const store = await openStore(`aura-${name}`, { factory: new IDBFactory() });
  const seed = random(32);
  await store.putDeviceSeed(seed);
  const key = deviceKeyFromSeed(seed);
  const transport = bus.connect(key.deviceId, random);
  const skew = name.length * 13;
  const node = await AuraNode.open({ profile: name, store, now: () => Date.now() + skew, random, transport });
  if (identity) await node.createIdentity(name);
  const d = { name, node, transport, store, key };
  opened.push(d);
  return d;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const ceremony = (d: Dev, id: string): EnrollmentCeremony | undefined => d.node.devices.ceremonies().find((c) => c.id === id);
const dropped = (d: Dev, reason: string) => d.transport.status().dropped[reason] ?? 0;
const droppedLike = (d: Dev, prefix: string) => Object.entries(d.transport.status().dropped).reduce((n, [r, c]) => (r.startsWith(prefix) ? n + c : n), 0);
const secretOf = (c: EnrollmentCeremony) => decodeRendezvousCode(c.code!, Date.now()).secret;
const devicesOf = (d: Dev) => d.node.account()!.devices.map((x) => x.deviceId);
/** Every tree op stored in `d`'s authority journal (applied or not): an AddLeaf would be one. */
const treeOps = (d: Dev) => [...(d.node.journals.get(authorityNamespace(d.node.identity()!.authorityId))?.facts.values() ?? [])].filter((f) => f.fact.kind === 'tree.op');

/** Runs `act` once, synchronously in the node's change notification, the first time `cond` holds. */
/** A device's own offer for the code (an onlooker may replay one it heard): lets two devices meet across a cut link. */
function aliceOffer(key: DeviceKey, secret: Uint8Array): Uint8Array {
  return createOffer(key, secret, { purpose: 'enroll', addrs: [], expires: Date.now() + 60_000, nonce: new Uint8Array(16).fill(3) });
}

function when(d: Dev, cond: () => boolean, act: () => void): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const check = () => {
      if (done || !cond()) return;
      done = true;
      off();
      act();
      resolve();
    };
    const off = d.node.subscribe(check);
    check();
  });
}

/** Whether `d` met its peer in ceremony `id` and has not yet opened a package or received a confirmation. */
const metAndWaiting = (d: Dev, id: string) => {
  const c = ceremony(d, id);
  return c?.peer != null && c.state.type === 'PendingEpoch' && c.state.receivedResponses === 0;
};

/** Waits until both sides committed; then the new device is `alice`'s authority and shares her journal secret. */
async function bothCommitted(alice: Dev, phone: Dev, id: string): Promise<void> {
  await until(() => ceremony(alice, id)?.state.type === 'Committed' && ceremony(phone, id)?.state.type === 'Committed', 'both sides committed', 30_000);
  const authority = alice.node.identity()!.authorityId;
  expect(phone.node.identity()?.authorityId).toBe(authority);
  // The journal secret the phone keeps is alice's, not one an attacker slipped in.
  expect((await phone.store.contextSecrets()).get(authority)).toEqual((await alice.store.contextSecrets()).get(authority));
  await until(() => devicesOf(alice).length === 2, 'alice lists two devices');
  expect(devicesOf(alice).sort()).toEqual([alice.key.deviceId, phone.key.deviceId].sort());
}

/** Content an onlooker would like a new device to adopt: alice's authority with a journal secret it chose. */
function hijackContent(authority: string): EnrollmentContent {
  return { authority, epoch: 0, secrets: [[authority, new Uint8Array(32).fill(0x66)]] };
}

let crashes: ReturnType<typeof watchCrashes>;
beforeEach(() => {
  crashes = watchCrashes();
});
afterEach(async () => {
  for (const d of opened.splice(0)) await d.node.close().catch(() => undefined);
  crashes.stop();
  expect(crashes.seen).toEqual([]);
});

describe('a leaked code: a second device answers it', () => {
  for (const order of ['intruder first', 'phone first'] as const) {
    it(`two devices on the code before any confirmation (${order}, same tick): alice aborts as ambiguous; nobody is added, nobody gets an identity or a secret`, async () => {
      const bus = new MemoryBus();
      const alice = await dev(bus, 'alice', true);
      const phone = await dev(bus, 'alice-phone', false);
      const intruder = await dev(bus, 'intruder', false);
      const summaryBefore = alice.node.account()!.summary;
      const c = alice.node.devices.addDevice();
      // Both at once: the two offers reach alice within microtasks, long before either could confirm (which
      // needs a package opened and a store write).
      for (const d of order === 'intruder first' ? [intruder, phone] : [phone, intruder]) d.node.devices.enrollWithCode(c.code!);
      await until(() => ceremony(alice, c.id)?.state.type === 'Aborted', 'alice aborts');
      expect(ceremony(alice, c.id)!.state).toMatchObject({ type: 'Aborted', reason: ABORT_REASONS.ambiguous });
      // Let every retry tick of the joiners pass: nothing more may happen.
      await sleep(5_000);
      for (const d of [phone, intruder]) {
        expect(d.node.identity(), d.name).toBeNull();
        expect(ceremony(d, c.id)?.state.type, d.name).not.toBe('Committed');
        // Neither kept alice's journal secret: the package is sealed to the first device alice met only, and on
        // this bus that device always meets the other code holder before alice's package reaches it. (In
        // general a leaked code can hand the package to whoever alice meets first: the code is the credential.)
        expect((await d.store.contextSecrets()).size, `${d.name} adopted a secret`).toBe(0);
      }
      expect(devicesOf(alice)).toEqual([alice.key.deviceId]);
      expect(alice.node.account()!.summary).toEqual(summaryBefore);
      expect(treeOps(alice)).toEqual([]);
    });
  }

  /** The phone confirms; the intruder uses the code the moment alice starts writing the phone's AddLeaf. */
  async function intruderWhileCommitting() {
    const bus = new MemoryBus();
    const alice = await dev(bus, 'alice', true);
    const phone = await dev(bus, 'alice-phone', false);
    const intruder = await dev(bus, 'intruder', false);
    const c = alice.node.devices.addDevice();
    const late = when(alice, () => ceremony(alice, c.id)?.state.type === 'Committing', () => void intruder.node.devices.enrollWithCode(c.code!));
    phone.node.devices.enrollWithCode(c.code!);
    await late;
    await until(() => ceremony(alice, c.id)?.state.type === 'Committed', 'alice commits the phone', 30_000);
    await until(() => ceremony(phone, c.id)?.state.type === 'Committed' || ceremony(phone, c.id)?.state.type === 'Aborted', 'the phone ends its side', 30_000);
    return { alice, phone, intruder, c };
  }

  it('a device showing up while the AddLeaf of the confirmed device is being written is never added; only the first device met is', async () => {
    const { alice, phone, intruder, c } = await intruderWhileCommitting();
    expect(ceremony(alice, c.id)!.peer).toBe(phone.key.deviceId);
    await sleep(5_000);
    expect(devicesOf(alice).sort()).toEqual([alice.key.deviceId, phone.key.deviceId].sort());
    expect(treeOps(alice)).toHaveLength(1);
    expect(intruder.node.identity()).toBeNull();
    expect(ceremony(intruder, c.id)?.state.type).not.toBe('Committed');
    expect((await intruder.store.contextSecrets()).size).toBe(0);
    // The phone saw a second device after confirming and, unable to tell which is alice, gave up (ambiguous)
    // while alice committed its AddLeaf (see the report). A fresh code then brings it in, still as the only
    // added device.
    if (phone.node.identity() === null) {
      expect(ceremony(phone, c.id)?.state).toMatchObject({ type: 'Aborted', reason: ABORT_REASONS.ambiguous });
      const again = alice.node.devices.addDevice();
      phone.node.devices.enrollWithCode(again.code!);
      await until(() => ceremony(phone, again.id)?.state.type === 'Committed' && ceremony(alice, again.id)?.state.type === 'Committed', 'the phone finishes with a fresh code', 30_000);
    }
    expect(phone.node.identity()?.authorityId).toBe(alice.node.identity()!.authorityId);
    expect(devicesOf(alice).sort()).toEqual([alice.key.deviceId, phone.key.deviceId].sort());
    expect(intruder.node.identity()).toBeNull();
  });

  // Re-enrolling the phone of the test above (already a leaf, no identity yet) must not store a second AddLeaf
  // (the tree reducer would reject it: AlreadyADevice), and both sides name the op that is in the tree.
  it('re-enrolling a device that is already a leaf stores no second AddLeaf, and both sides name the applied op', async () => {
    const { alice, phone, c } = await intruderWhileCommitting();
    expect(ceremony(phone, c.id)?.state).toMatchObject({ type: 'Aborted', reason: ABORT_REASONS.ambiguous });
    const again = alice.node.devices.addDevice();
    phone.node.devices.enrollWithCode(again.code!);
    await until(() => ceremony(phone, again.id)?.state.type === 'Committed' && ceremony(alice, again.id)?.state.type === 'Committed', 'the phone finishes with a fresh code', 30_000);
    const applied = alice.node.journals.get(authorityNamespace(alice.node.identity()!.authorityId))!.state.tree.applied;
    const opOf = (d: Dev) => (ceremony(d, again.id)!.state as { treeOp: string }).treeOp;
    expect(opOf(phone)).toBe(applied[0]);
    expect(applied).toContain(opOf(alice));
    expect(treeOps(alice)).toHaveLength(1);
  });

  it('a code used after the ceremony committed reaches nobody: the device that comes later is never added', async () => {
    const bus = new MemoryBus();
    const alice = await dev(bus, 'alice', true);
    const phone = await dev(bus, 'alice-phone', false);
    const intruder = await dev(bus, 'intruder', false);
    const c = alice.node.devices.addDevice();
    phone.node.devices.enrollWithCode(c.code!);
    await bothCommitted(alice, phone, c.id);
    intruder.node.devices.enrollWithCode(c.code!);
    await sleep(5_000);
    expect(ceremony(intruder, c.id)!.state.type).toBe('Preparing');
    expect(intruder.node.identity()).toBeNull();
    expect((await intruder.store.contextSecrets()).size).toBe(0);
    expect(devicesOf(alice).sort()).toEqual([alice.key.deviceId, phone.key.deviceId].sort());
    expect(treeOps(alice)).toHaveLength(1);
  });
});

describe('forged packages from an onlooker who knows the code', () => {
  it('are counted and never adopted (not from the device met, not for us, re-signed, junk, oversize); the real package still enrolls the phone', async () => {
    const bus = new MemoryBus();
    const alice = await dev(bus, 'alice', true);
    const phone = await dev(bus, 'alice-phone', false);
    const authority = alice.node.identity()!.authorityId;
    const c = alice.node.devices.addDevice();
    const secret = secretOf(c);
    const packages = rendezvousTopic(secret, 'packages');
    const onlooker = deviceKey('enroll-onlooker');
    const rnd = seededRandom('enroll-onlooker');
    const stranger = new Adversary('enroll-stranger');

    // Properly sealed to the phone under the code, but by the onlooker: alice's authority with a secret of
    // its choosing, and its own authority.
    const mine = sealPackage(onlooker, phone.key.deviceId, secret, hijackContent(authority), rnd);
    const foreign = sealPackage(onlooker, phone.key.deviceId, secret, { authority: stranger.authority, epoch: 0, secrets: [[stranger.authority, rnd(32)]] }, rnd);
    // The onlooker's package claiming to come from alice: the signature is not hers.
    const claimed = encodeCanonical({ ...decodeCanonical<Record<string, unknown>>(mine), from: alice.key.deviceId });
    // Sealed to another device; sealed under another code.
    const notForUs = sealPackage(onlooker, onlooker.deviceId, secret, hijackContent(authority), rnd);
    const otherCode = sealPackage(onlooker, phone.key.deviceId, rnd(32), hijackContent(authority), rnd);
    const junk = Array.from({ length: 20 }, (_, i) => rnd(40 + i * 17));
    const forged: [Uint8Array, string][] = [
      [mine, 'enroll:NotFromPeer'],
      [foreign, 'enroll:NotFromPeer'],
      [claimed, 'enroll:BadSignature'],
      [notForUs, 'enroll:NotForUs'],
      [otherCode, 'enroll:Forged'],
      [Uint8Array.of(0xa1, 0x61), 'enroll:Malformed'],
      [new Uint8Array(18_000), 'enroll:TooLarge'],
      [new Uint8Array(25_000), 'raw:TooLarge'],
    ];

    // The window: the phone has met alice and waits for her package. Their link is cut before they meet, so
    // alice's package cannot arrive first: the phone meets her through her offer, replayed by the onlooker.
    const injected = when(phone, () => metAndWaiting(phone, c.id), () => {
      for (const [bytes] of forged) bus.inject(packages, bytes, onlooker.deviceId);
      for (const bytes of junk) bus.inject(packages, bytes, onlooker.deviceId);
    });
    bus.partition(alice.key.deviceId, phone.key.deviceId);
    phone.node.devices.enrollWithCode(c.code!);
    bus.inject(rendezvousTopic(secret), aliceOffer(alice.key, secret), onlooker.deviceId);
    await injected;

    const expected = new Map<string, number>();
    for (const [, reason] of forged) expected.set(reason, (expected.get(reason) ?? 0) + 1);
    await until(() => droppedLike(phone, 'enroll:') + dropped(phone, 'raw:TooLarge') === forged.length + junk.length, 'every forged package is counted');
    for (const [reason, n] of expected) if (reason !== 'enroll:Malformed') expect(dropped(phone, reason), reason).toBe(n);
    // The crafted malformed one and the random junk: each a typed refusal of the decoder.
    expect(dropped(phone, 'enroll:Malformed') + dropped(phone, 'enroll:NonCanonical')).toBe(expected.get('enroll:Malformed')! + junk.length);

    // A retry tick later: still waiting, nothing adopted, no identity, nothing stored.
    await sleep(2_500);
    expect(ceremony(phone, c.id)!.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 0 });
    expect(ceremony(phone, c.id)!.peer).toBe(alice.key.deviceId);
    expect(phone.node.identity()).toBeNull();
    expect((await phone.store.contextSecrets()).size).toBe(0);
    expect(treeOps(alice)).toEqual([]);

    bus.partition(alice.key.deviceId, phone.key.deviceId, false);
    await bothCommitted(alice, phone, c.id);
  });

  it('a package replayed from an earlier ceremony (another code\'s secret) fails to open (Forged), is counted, and is never adopted', async () => {
    const bus = new MemoryBus();
    const alice = await dev(bus, 'alice', true);
    const phone = await dev(bus, 'alice-phone', false);
    const onlooker = bus.connect(deviceKey('enroll-replayer').deviceId, seededRandom('enroll-replayer'));

    // Ceremony 1: the onlooker records alice's real package to the phone; the ceremony is then abandoned.
    const first = alice.node.devices.addDevice();
    const firstSecret = secretOf(first);
    let recorded: Uint8Array | null = null;
    onlooker.subscribeTopic(rendezvousTopic(firstSecret, 'packages'), (b) => void (recorded ??= b));
    // Their link is cut before they meet: each meets the other through its offer, replayed by the onlooker,
    // so alice's package goes out on the topic but never reaches the phone.
    bus.partition(alice.key.deviceId, phone.key.deviceId);
    phone.node.devices.enrollWithCode(first.code!);
    bus.inject(rendezvousTopic(firstSecret), aliceOffer(alice.key, firstSecret), onlooker.device);
    bus.inject(rendezvousTopic(firstSecret), aliceOffer(phone.key, firstSecret), onlooker.device);
    await until(() => recorded !== null && metAndWaiting(phone, first.id), 'the onlooker records the first package');
    phone.node.devices.cancel(first.id);
    alice.node.devices.cancel(first.id);
    expect(ceremony(phone, first.id)!.state).toMatchObject({ type: 'Aborted', reason: ABORT_REASONS.cancelled });
    expect(phone.node.identity()).toBeNull();
    bus.partition(alice.key.deviceId, phone.key.deviceId, false);

    // It is a genuine package from alice to the phone, under the first code...
    expect(openPackage(phone.key, firstSecret, recorded!).from).toBe(alice.key.deviceId);

    // Ceremony 2: replayed into the new ceremony's package topic while the phone waits for alice's package.
    const second = alice.node.devices.addDevice();
    const secondSecret = secretOf(second);
    // ...which does not open under the second code's secret.
    expect(() => openPackage(phone.key, secondSecret, recorded!)).toThrow(PackageError);
    expect(() => openPackage(phone.key, secondSecret, recorded!)).toThrow(expect.objectContaining({ code: 'Forged' }));
    const injected = when(phone, () => metAndWaiting(phone, second.id), () => {
      bus.inject(rendezvousTopic(secondSecret, 'packages'), recorded!, onlooker.device);
    });
    bus.partition(alice.key.deviceId, phone.key.deviceId);
    phone.node.devices.enrollWithCode(second.code!);
    bus.inject(rendezvousTopic(secondSecret), aliceOffer(alice.key, secondSecret), onlooker.device);
    await injected;
    await until(() => dropped(phone, 'enroll:Forged') === 1, 'the replayed package is counted');
    await sleep(2_500);
    expect(ceremony(phone, second.id)!.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 0 });
    expect(phone.node.identity()).toBeNull();
    expect((await phone.store.contextSecrets()).size).toBe(0);
    expect(treeOps(alice)).toEqual([]);

    bus.partition(alice.key.deviceId, phone.key.deviceId, false);
    await bothCommitted(alice, phone, second.id);
    expect(dropped(phone, 'enroll:Forged')).toBe(1);
  });
});

describe('forged confirmations', () => {
  it('signed by another device, for another package, to another device, or junk: counted, no AddLeaf until the real device confirms', async () => {
    const bus = new MemoryBus();
    const alice = await dev(bus, 'alice', true);
    const phone = await dev(bus, 'alice-phone', false);
    const c = alice.node.devices.addDevice();
    const secret = secretOf(c);
    const onlookerKey = deviceKey('enroll-confirmer');
    const onlooker = bus.connect(onlookerKey.deviceId, seededRandom('enroll-confirmer'));
    let realPkg: Uint8Array | null = null;
    onlooker.subscribeTopic(rendezvousTopic(secret, 'packages'), (b) => void (realPkg ??= b));

    // Keep the phone from ever getting the package (so it cannot confirm) until the forgeries were judged.
    const cut = when(alice, () => ceremony(alice, c.id)?.peer != null, () => bus.partition(alice.key.deviceId, phone.key.deviceId));
    phone.node.devices.enrollWithCode(c.code!);
    await cut;
    await until(() => realPkg !== null && metAndWaiting(phone, c.id), 'the onlooker sees alice\'s package');
    const pkg = realPkg!;
    expect(ceremony(alice, c.id)!.peer).toBe(phone.key.deviceId);

    const to = alice.key.deviceId;
    const otherPkg = sealPackage(onlookerKey, phone.key.deviceId, secret, hijackContent(alice.node.identity()!.authorityId), seededRandom('other-pkg'));
    const byOnlooker = confirmPackage('enroll', onlookerKey, to, pkg);
    const forged = [
      // The onlooker confirms alice's real package under its own name: not the device met.
      byOnlooker,
      // ...and claiming to be the phone: the signature is not the phone's.
      encodeCanonical({ ...decodeCanonical<Record<string, unknown>>(byOnlooker), from: phone.key.deviceId }),
      // The phone's own signature, but on another package (a confirmation replayed from elsewhere).
      confirmPackage('enroll', phone.key, to, otherPkg),
      // The phone's own signature on the real package, but addressed to another device.
      confirmPackage('enroll', phone.key, onlookerKey.deviceId, pkg),
      // Junk and oversize.
      Uint8Array.of(0x81, 0x01),
      new Uint8Array(600),
      seededRandom('junk-confirmation')(120),
    ];
    for (const f of forged) bus.inject(rendezvousTopic(secret, 'confirmations'), f, onlookerKey.deviceId);
    await until(() => dropped(alice, 'enroll:BadConfirmation') === forged.length, 'every forged confirmation is counted');

    // A retry tick later: alice still waits for the phone; no AddLeaf stored, one device.
    await sleep(2_500);
    expect(ceremony(alice, c.id)!.state).toMatchObject({ type: 'PendingEpoch', receivedResponses: 0 });
    expect(treeOps(alice)).toEqual([]);
    expect(devicesOf(alice)).toEqual([alice.key.deviceId]);
    expect(phone.node.identity()).toBeNull();

    // The real device now gets the package and confirms it: that one is accepted.
    bus.partition(alice.key.deviceId, phone.key.deviceId, false);
    await bothCommitted(alice, phone, c.id);
    expect(treeOps(alice)).toHaveLength(1);
    expect(dropped(alice, 'enroll:BadConfirmation')).toBe(forged.length);
    expect(devicesOf(alice)).not.toContain(onlookerKey.deviceId);
  });
});

describe('an offers flood on the code\'s topic', () => {
  it('hundreds of junk and forged offers are counted per reason; the ceremony still completes with the right device', async () => {
    const bus = new MemoryBus();
    const alice = await dev(bus, 'alice', true);
    const phone = await dev(bus, 'alice-phone', false);
    const c = alice.node.devices.addDevice();
    const secret = secretOf(c);
    const offers = rendezvousTopic(secret);
    const rnd = seededRandom('offer-flood');
    const from: DeviceId = deviceKey('flooder').deviceId;

    const flood = (tag: string, n: number): Map<string, number> => {
      const counts = new Map<string, number>();
      const add = (bytes: Uint8Array, reason: string) => {
        bus.inject(offers, bytes, from);
        counts.set(reason, (counts.get(reason) ?? 0) + 1);
      };
      const now = Date.now();
      for (let i = 0; i < n; i++) {
        const key = deviceKey(`flooder-${tag}-${i % 7}`);
        const offer = (over: { secret?: Uint8Array; purpose?: 'enroll' | 'invite'; expires?: number } = {}) =>
          createOffer(key, over.secret ?? secret, { purpose: over.purpose ?? 'enroll', addrs: [`/memory/evil-${i}`], expires: over.expires ?? now + 60_000, nonce: rnd(16) });
        switch (i % 8) {
          case 0:
            add(rnd(30 + (i % 200)), 'junk');
            break;
          case 1:
            add(offer({ secret: rnd(32) }), 'rendezvous:WrongSecret');
            break;
          case 2: {
            // A code holder's offer with its signature broken: the MAC still verifies, the signature does not.
            const o = decodeCanonical<Record<string, unknown>>(offer());
            const sig = (o.sig as Uint8Array).slice();
            sig[5]! ^= 0x20;
            add(encodeCanonical({ ...o, sig }), 'rendezvous:BadSignature');
            break;
          }
          case 3: {
            // Pointing another device's offer elsewhere: the MAC covers the device.
            const o = decodeCanonical<Record<string, unknown>>(offer());
            add(encodeCanonical({ ...o, device: alice.key.deviceId }), 'rendezvous:WrongSecret');
            break;
          }
          case 4:
            add(offer({ expires: now - 60_000 }), 'rendezvous:Expired');
            break;
          case 5:
            add(offer({ expires: now + 24 * 3_600_000 }), 'rendezvous:TooFarAhead');
            break;
          case 6:
            add(offer({ purpose: 'invite' }), 'rendezvous:WrongPurpose');
            break;
          case 7:
            add(new Uint8Array(i % 16 === 7 ? 25_000 : 3_000), i % 16 === 7 ? 'raw:TooLarge' : 'rendezvous:TooLarge');
            break;
        }
      }
      return counts;
    };
    const judged = (d: Dev) => droppedLike(d, 'rendezvous:') + dropped(d, 'raw:TooLarge');

    // Before the phone comes: only alice hears them.
    const before = flood('before', 320);
    const total = [...before.values()].reduce((a, b) => a + b, 0);
    await until(() => judged(alice) === total, 'alice counts the first flood', 30_000);
    for (const [reason, n] of before) if (reason !== 'junk') expect(dropped(alice, reason), reason).toBe(n);
    expect(ceremony(alice, c.id)!.state.type).toBe('Preparing');

    // While the phone enrolls: both hear the second flood, and the ceremony completes.
    phone.node.devices.enrollWithCode(c.code!);
    const during = flood('during', 240);
    const more = [...during.values()].reduce((a, b) => a + b, 0);
    await until(() => judged(phone) === more, 'the phone counts the second flood', 30_000);
    await bothCommitted(alice, phone, c.id);
    expect(judged(alice)).toBe(total + more);
    expect(ceremony(alice, c.id)!.peer).toBe(phone.key.deviceId);
    expect(treeOps(alice)).toHaveLength(1);
  });
});
