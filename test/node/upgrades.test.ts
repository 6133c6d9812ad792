import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../src/core/version.ts';
import { deviceOn, MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const OLD = { major: 1, minor: 0, patch: 0 };
const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);
const drops = (p: TestPeer, reason: string) => p.transport.status().dropped[reason] ?? 0;
const stateOf = (p: TestPeer, id: string) => p.node.devices.ceremonies().find((c) => c.id === id)?.state.type;

/** A laptop on this build and a phone of the same authority running 1.0.0 (a lab build's `?protocol=`). */
async function twoDevices() {
  const bus = new MemoryBus();
  const laptop = await peerOn(bus, 'laptop', { syncIntervalMs: [200, 300] });
  const phone = await deviceOn(bus, 'phone', { syncIntervalMs: [200, 300], protocolVersion: OLD });
  const ch = await laptop.node.createChannel('general');
  const { id, code } = laptop.node.devices.addDevice();
  phone.node.devices.enrollWithCode(code!);
  await until(() => stateOf(laptop, id) === 'Committed' && stateOf(phone, id) === 'Committed', 'enrolled', 30_000);
  await until(() => phone.node.channels().data.length === 1, 'the phone holds the channel');
  return { bus, laptop, phone, ch };
}

describe('upgrades between two devices of one authority', () => {
  it('before the fence they sync; past it the older device refuses sessions and is refused, counted; the newer keeps writing', async () => {
    const { laptop, phone, ch } = await twoDevices();
    await laptop.node.syncNow();
    await until(() => laptop.node.upgrades.view()!.peers.some((p) => p.version.minor === 0), 'the laptop heard the phone advertise 1.0.0');
    // The phone cannot activate a version it does not run.
    await expect(phone.node.upgrades.activate(PROTOCOL_VERSION)).rejects.toMatchObject({ code: 'InvalidInput' });

    const epoch = laptop.node.upgrades.view()!.epoch;
    await laptop.node.upgrades.activate(PROTOCOL_VERSION);
    await until(() => phone.node.upgrades.view()!.activations.length === 1, 'the phone holds the activation');
    expect(phone.node.upgrades.view()!.activations[0]).toMatchObject({ activationFence: epoch + 1, state: { type: 'Committed' } });
    // Before the fence nothing changes: sessions run, and a message reaches the phone through them.
    expect(phone.node.upgrades.view()).toMatchObject({ required: null, outdated: false });
    // (A session may meet the peer's rate limit; on a busy machine the periodic rounds run one soon enough.)
    const since = Date.now();
    await laptop.node.syncNow();
    await until(() => laptop.node.syncMetrics()!.recent.some((o) => o.ok && o.startedAt >= since), 'a session runs before the fence');
    await laptop.node.sendMessage(ch, 'before the fence');
    await until(() => texts(phone, ch).includes('before the fence'), 'the phone hears before the fence');

    await laptop.node.upgrades.rotateEpoch();
    await until(() => phone.node.upgrades.view()!.outdated, 'the phone knows it is outdated');
    expect(phone.node.upgrades.view()).toMatchObject({ version: OLD, required: PROTOCOL_VERSION, epoch: epoch + 1 });
    const [lBefore, pBefore] = [drops(laptop, 'upgrade:PeerOutdated'), drops(phone, 'upgrade:SelfOutdated')];
    // Sessions the periodic rounds run (every 200–300 ms here) are refused on both sides and counted.
    await until(() => drops(laptop, 'upgrade:PeerOutdated') > lBefore && drops(phone, 'upgrade:SelfOutdated') > pBefore, 'refused both ways');
    await until(() => laptop.node.syncMetrics()!.recent.some((o) => o.failure === 'PeerOutdated'), 'the laptop records the refusal');
    expect(laptop.node.syncMetrics()!.recent.find((o) => o.failure === 'PeerOutdated')).toMatchObject({ ok: false, factsIn: 0, factsOut: 0 });
  });

  it('a fence at the current epoch applies at once, from the signed facts alone', async () => {
    // Nothing the phone advertises decides it: the activation and the epoch are signed facts of the journal
    // both devices share, so the phone's own node stops (SelfOutdated) and the laptop refuses its claim.
    const { laptop, phone } = await twoDevices();
    await laptop.node.upgrades.activate(PROTOCOL_VERSION, laptop.node.upgrades.view()!.epoch);
    await until(() => phone.node.upgrades.view()!.outdated, 'the phone knows it is outdated');
    await until(() => drops(laptop, 'upgrade:PeerOutdated') > 0 && drops(phone, 'upgrade:SelfOutdated') > 0, 'refused both ways');
  });

  it('at 2-of-2 an activation waits (PendingEpoch) for the devices’ consensus, then counts on both; a partitioned device leaves it waiting', async () => {
    const { bus, laptop, phone } = await twoDevices();
    await laptop.node.threshold.setThreshold(2);
    for (const p of [laptop, phone]) await until(() => p.node.account()?.summary.threshold === 2, `${p.node.profile} at 2-of-2`, 30_000);
    bus.partition(laptop.transport.device, phone.transport.device);
    await laptop.node.upgrades.activate(PROTOCOL_VERSION);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(laptop.node.upgrades.view()!.activations.map((a) => a.state.type)).toEqual(['PendingEpoch']);
    bus.partition(laptop.transport.device, phone.transport.device, false);
    for (const p of [laptop, phone]) await until(() => p.node.upgrades.view()!.activations[0]?.state.type === 'Committed', `${p.node.profile}: activation attested`, 40_000);
  });
});
