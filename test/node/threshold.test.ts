import { describe, expect, it } from 'vitest';
import { SealedTopic } from '../../src/net/sealed-topic.ts';
import { DKG_TIMEOUT_MS } from '../../src/node/witness/group-channel.ts';
import { encodeGroupMessage } from '../../src/protocols/consensus/group-wire.ts';
import { deviceKey } from '../support/fixtures.ts';
import { deviceOn, MemoryBus, peerOn, seededRandom, until, type TestPeer } from '../support/node-net.ts';

const stateOf = (p: TestPeer, id: string) => p.node.devices.ceremonies().find((c) => c.id === id)?.state.type;

/** Alice's laptop enrolls her phone over the memory bus. */
async function twoDevices() {
  const bus = new MemoryBus();
  const laptop = await peerOn(bus, 'laptop');
  const phone = await deviceOn(bus, 'phone');
  const { id, code } = laptop.node.devices.addDevice();
  phone.node.devices.enrollWithCode(code!);
  await until(() => stateOf(laptop, id) === 'Committed' && stateOf(phone, id) === 'Committed', 'enrolled', 30_000);
  for (const p of [laptop, phone]) await until(() => p.node.account()?.devices.length === 2, 'two devices');
  return { bus, laptop, phone };
}

describe('threshold policy among an authority\'s devices', () => {
  it('2-of-2 by DKG: both devices agree on the group key; a later tree op waits for the other device, then commits', async () => {
    const { bus, laptop, phone } = await twoDevices();
    await laptop.node.threshold.setThreshold(2);
    for (const p of [laptop, phone]) await until(() => p.node.account()?.summary.threshold === 2, `${p.node.profile} at 2-of-2`, 30_000);
    const gk = laptop.node.account()!.summary.groupKey;
    expect(gk).toMatch(/^[0-9a-f]{64}$/);
    expect(phone.node.account()!.summary.groupKey).toBe(gk);
    await until(() => laptop.node.threshold.policyChange()?.state === 'Committed' && phone.node.threshold.policyChange()?.state === 'Committed', 'both committed');

    // The phone goes away; the laptop lowers the threshold back to 1: a t = 2 op that must wait.
    bus.partition(laptop.transport.device, phone.transport.device);
    const before = laptop.node.account()!.summary.commitment;
    await laptop.node.threshold.setThreshold(1);
    await until(() => laptop.node.threshold.pendingOps().length === 1, 'the op is pending');
    await new Promise((r) => setTimeout(r, 3_000));
    expect(laptop.node.account()!.summary).toMatchObject({ threshold: 2, commitment: before });

    // The phone comes back: its share completes the consensus, the commit attests the op on both devices.
    bus.partition(laptop.transport.device, phone.transport.device, false);
    for (const p of [laptop, phone]) await until(() => p.node.account()?.summary.threshold === 1, `${p.node.profile} back at 1`, 40_000);
    expect(laptop.node.threshold.pendingOps()).toEqual([]);
  });

  it('a second threshold change while a DKG runs is refused (CeremonyRunning); the first still completes', async () => {
    const { laptop, phone } = await twoDevices();
    const first = laptop.node.threshold.setThreshold(2);
    await expect(laptop.node.threshold.setThreshold(2)).rejects.toMatchObject({ code: 'CeremonyRunning' });
    await first;
    for (const p of [laptop, phone]) await until(() => p.node.account()?.summary.threshold === 2, `${p.node.profile} at 2-of-2`, 30_000);
  });

  it('a DKG that a device does not join in time is Aborted, with the reason', async () => {
    const bus = new MemoryBus();
    let ahead = 0;
    const laptop = await peerOn(bus, 'laptop', { now: () => Date.now() + ahead });
    const phone = await deviceOn(bus, 'phone');
    const { id, code } = laptop.node.devices.addDevice();
    phone.node.devices.enrollWithCode(code!);
    await until(() => stateOf(laptop, id) === 'Committed' && stateOf(phone, id) === 'Committed', 'enrolled', 30_000);
    bus.partition(laptop.transport.device, phone.transport.device);
    await laptop.node.threshold.setThreshold(2);
    expect(laptop.node.threshold.policyChange()).toMatchObject({ state: 'KeyGeneration', threshold: 2 });
    ahead = DKG_TIMEOUT_MS + 1_000;
    await until(() => laptop.node.threshold.policyChange()?.state === 'Aborted', 'the DKG times out', 10_000);
    expect(laptop.node.threshold.policyChange()!.reason).toMatch(/did not take part in time/);
    expect(laptop.node.account()!.summary.threshold).toBe(1);
  });

  it('a DKG start that does not name exactly the current devices is not joined (counted)', async () => {
    const { bus, laptop, phone } = await twoDevices();
    const secret = (await laptop.node.deps.store.contextSecrets()).get(laptop.node.identity()!.authorityId)!;
    const forger = new SealedTopic({ publishTopic: async (t, b) => (bus.inject(t, b, phone.transport.device), 1), subscribeTopic: () => () => {} }, secret, 'account-consensus', seededRandom('dkg-start'));
    const stranger = deviceKey('not-a-device').deviceId;
    const participants = [laptop.transport.device, stranger].sort();
    await forger.publish(encodeGroupMessage('all', { type: 'dkg-start', id: 'ab'.repeat(32), participants, threshold: 2 }));
    await until(() => (laptop.transport.status().dropped['account:BadDkgStart'] ?? 0) === 1, 'the start is refused');
    expect(laptop.node.threshold.policyChange()).toBeNull();
  });

  it('a threshold above the device count, or below 1, is refused typed', async () => {
    const bus = new MemoryBus();
    const alone = await peerOn(bus, 'alone');
    await expect(alone.node.threshold.setThreshold(2)).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(alone.node.threshold.setThreshold(0)).rejects.toMatchObject({ code: 'InvalidInput' });
  });
});
