import { describe, expect, it } from 'vitest';
import { createFact } from '../../src/core/facts/create.ts';
import { journalOf } from '../../src/core/ids.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import { deviceOn, MemoryBus, peerOn, seededRandom, until, type TestPeer } from '../support/node-net.ts';

const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);
const stateOf = (p: TestPeer, id: string) => p.node.devices.ceremonies().find((c) => c.id === id)?.state.type;

describe('removing a device', () => {
  it('the removed device can no longer write: refused on its own tab, and by every member when forced onto the wire', async () => {
    const bus = new MemoryBus();
    const laptop = await peerOn(bus, 'laptop');
    const bob = await peerOn(bus, 'bob');
    const ch = await laptop.node.createChannel('general');
    await bob.node.joinChannel(laptop.node.joinCode(ch));
    const phone = await deviceOn(bus, 'phone');
    const { id, code } = laptop.node.devices.addDevice();
    phone.node.devices.enrollWithCode(code!);
    await until(() => stateOf(laptop, id) === 'Committed' && stateOf(phone, id) === 'Committed', 'enrolled', 30_000);
    await until(() => texts(phone, ch).length === 0 && phone.node.channels().data.length === 1, 'the phone holds the channel');
    await phone.node.sendMessage(ch, 'phone, before removal');
    await until(() => texts(bob, ch).includes('phone, before removal'), 'bob hears the phone');

    await expect(laptop.node.devices.removeDevice(laptop.transport.device)).rejects.toMatchObject({ code: 'InvalidInput' });
    await laptop.node.devices.removeDevice(phone.transport.device);
    for (const p of [laptop, phone]) await until(() => p.node.account()?.devices.length === 1, `${p.node.profile} sees one device`);
    // RemoveLeaf, then a new epoch.
    await until(() => laptop.node.account()?.summary.epoch === 1, 'the epoch rotates');
    // Bob learns of the removal from the laptop's new binding (it carries the tree with the RemoveLeaf).
    const context = laptop.node.channels().data[0]!.context;
    await until(() => !bob.node.membersOf(context).devices.get(laptop.node.identity()!.authorityId)?.has(phone.transport.device), 'bob no longer counts the phone');
    await until(() => !phone.node.membersOf(context).devices.get(laptop.node.identity()!.authorityId)?.has(phone.transport.device), 'the phone knows it was removed');

    // On its own tab the write path refuses.
    await expect(phone.node.sendMessage(ch, 'phone, after removal')).rejects.toMatchObject({ name: 'NodeError', code: 'DeviceRemoved' });
    // Forced onto the wire with the phone's key and the context key: every member refuses it, counted.
    const secret = (await laptop.node.deps.store.contextSecrets()).get(context)!;
    const forged = createFact(phone.node.key, { ns: journalOf(context), kind: 'chat.message', author: laptop.node.identity()!.authorityId, time: phone.node.tick(), body: { channel: ch, text: 'forced after removal', ack: false } });
    const wire = new ContextChannel(context, secret);
    for (const p of wire.seal([forged.bytes], seededRandom('forced'))) bus.inject(wire.topic, p, phone.transport.device);
    for (const p of [laptop, bob]) await until(() => (p.transport.status().dropped['unauthorized:DeviceRemoved'] ?? 0) >= 1, `${p.node.profile} refuses the removed device`);
    expect(texts(bob, ch)).not.toContain('forced after removal');
    expect(texts(laptop, ch)).not.toContain('forced after removal');
    // What it wrote before its removal stays.
    expect(texts(bob, ch)).toContain('phone, before removal');
    await laptop.node.sendMessage(ch, 'laptop still writes');
    await until(() => texts(bob, ch).includes('laptop still writes'), 'the laptop still writes');
  });
});
