import { describe, expect, it } from 'vitest';
import { encodeRendezvousCode } from '../../src/core/rendezvous/code.ts';
import type { EnrollmentCeremony } from '../../src/core/rendezvous/enrollment.ts';
import { deviceOn, MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);
const stateOf = (p: TestPeer, id: string): EnrollmentCeremony['state']['type'] | undefined => p.node.devices.ceremonies().find((c) => c.id === id)?.state.type;

async function enrolled() {
  const bus = new MemoryBus();
  const alice = await peerOn(bus, 'alice');
  const bob = await peerOn(bus, 'bob');
  const ch = await alice.node.createChannel('general');
  await alice.node.sendMessage(ch, 'before the second device');
  await bob.node.joinChannel(alice.node.joinCode(ch));
  await until(() => texts(bob, ch).length === 1, 'bob catches up');
  const phone = await deviceOn(bus, 'alice-phone');
  const started = alice.node.devices.addDevice();
  expect(started.state.type).toBe('Preparing');
  expect(started.code).toMatch(/^aura-rdv:/);
  const joined = phone.node.devices.enrollWithCode(started.code!);
  expect(joined.id).toBe(started.id);
  await until(() => stateOf(alice, started.id) === 'Committed' && stateOf(phone, started.id) === 'Committed', 'both sides committed', 30_000);
  return { bus, alice, bob, phone, ch, id: started.id };
}

describe('device enrollment (one person, many devices)', () => {
  it('the new device becomes the same authority, holds every channel, and its messages show the same author', async () => {
    const { alice, bob, phone, ch } = await enrolled();
    const me = alice.node.identity()!;
    expect(phone.node.identity()).toMatchObject({ authorityId: me.authorityId, displayName: 'alice' });
    expect(phone.node.identity()!.deviceId).not.toBe(me.deviceId);
    // Both devices list both devices, from the tree their shared journal reduces to.
    for (const p of [alice, phone]) await until(() => p.node.account()?.devices.length === 2, `${p.node.profile} sees two devices`);
    expect(phone.node.account()!.summary).toEqual(alice.node.account()!.summary);
    await until(() => texts(phone, ch).length === 1, 'the phone has the history');
    await phone.node.sendMessage(ch, 'from my phone');
    for (const p of [alice, bob]) await until(() => texts(p, ch).includes('from my phone'), `${p.node.profile} gets the phone's message`);
    const fromPhone = bob.node.messages(ch).data.find((m) => m.text === 'from my phone')!;
    const fromLaptop = bob.node.messages(ch).data.find((m) => m.text === 'before the second device')!;
    expect(fromPhone.author).toBe(fromLaptop.author);
    expect(bob.node.names.nameOf(fromPhone.author)).toBe('alice');
    await alice.node.sendMessage(ch, 'and from my laptop');
    await until(() => texts(phone, ch).includes('and from my laptop'), 'the phone hears the laptop');
  });

  it('with no other member in a channel, one device\'s message still reaches its sibling by gossip alone', async () => {
    const NEVER = { syncIntervalMs: [3_600_000, 3_600_001] as const };
    const bus = new MemoryBus();
    const laptop = await peerOn(bus, 'laptop', NEVER);
    const ch = await laptop.node.createChannel('just me');
    const phone = await deviceOn(bus, 'phone', NEVER);
    const { id, code } = laptop.node.devices.addDevice();
    phone.node.devices.enrollWithCode(code!);
    await until(() => stateOf(laptop, id) === 'Committed' && stateOf(phone, id) === 'Committed', 'enrolled', 30_000);
    await until(() => phone.node.channels().data.length === 1 && laptop.node.membersOf(phone.node.channels().data[0]!.context).devices.get(laptop.node.identity()!.authorityId)?.size === 2, 'both devices in the channel');
    // Let the enrollment's own sync rounds finish: from here on, nothing but gossip moves facts.
    await new Promise((r) => setTimeout(r, 500));
    await until(() => [laptop, phone].every((p) => p.node.syncMetrics()!.running.length === 0), 'no sync running');
    const received = phone.transport.status().received;
    await laptop.node.sendMessage(ch, 'to my other device');
    // Published on the channel's topic (a gossip payload), not only fetched by a later sync round.
    await until(() => phone.transport.status().received > received, 'a gossip payload reaches the phone');
    await until(() => texts(phone, ch).includes('to my other device'), 'the phone shows it');
  });

  it('a code for another purpose, a damaged code and an enrollment on a device with an identity are refused typed', async () => {
    const bus = new MemoryBus();
    const alice = await peerOn(bus, 'alice');
    const fresh = await deviceOn(bus, 'fresh');
    const code = alice.node.devices.addDevice().code!;
    expect(() => alice.node.devices.enrollWithCode(code)).toThrow(expect.objectContaining({ code: 'IdentityExists' }));
    expect(() => fresh.node.devices.enrollWithCode(code.slice(0, -3) + 'aaa')).toThrow(expect.objectContaining({ code: 'InvalidCode' }));
    expect(() => fresh.node.devices.enrollWithCode('hello')).toThrow(expect.objectContaining({ code: 'InvalidCode' }));
    const invite = encodeRendezvousCode({ purpose: 'invite', secret: new Uint8Array(32).fill(1), expires: Date.now() + 60_000 });
    expect(() => fresh.node.devices.enrollWithCode(invite)).toThrow(expect.objectContaining({ code: 'InvalidCode' }));
    expect(fresh.node.identity()).toBeNull();
  });

  it('cancelling, and a newer code, end the earlier ceremony; nothing is added to the tree', async () => {
    const bus = new MemoryBus();
    const alice = await peerOn(bus, 'alice');
    const first = alice.node.devices.addDevice();
    const second = alice.node.devices.addDevice();
    expect(stateOf(alice, first.id)).toBe('Superseded');
    alice.node.devices.cancel(second.id);
    expect(alice.node.devices.ceremonies().find((c) => c.id === second.id)?.state).toMatchObject({ type: 'Aborted', reason: 'cancelled' });
    // A device that uses the cancelled code meets nobody: it never becomes the authority.
    const fresh = await deviceOn(bus, 'fresh');
    fresh.node.devices.enrollWithCode(second.code!);
    await new Promise((r) => setTimeout(r, 2_500));
    expect(fresh.node.identity()).toBeNull();
    expect(alice.node.account()!.devices).toHaveLength(1);
  });
});
