import { describe, expect, it } from 'vitest';
import { befriend } from '../support/contacts-net.ts';
import { deviceOn, MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const idOf = (p: TestPeer) => p.node.identity()!.authorityId;
const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);

/** Alice with contacts bob, carol and dave, who guard her 2-of-3 (waiting `delayMs` before signing). */
async function guarded(delayMs: number) {
  const bus = new MemoryBus();
  const [alice, bob, carol, dave] = [await peerOn(bus, 'alice'), await peerOn(bus, 'bob'), await peerOn(bus, 'carol'), await peerOn(bus, 'dave')];
  for (const p of [bob, carol, dave]) await befriend(alice, p);
  await alice.node.guardians.setGuardians([idOf(bob), idOf(carol), idOf(dave)], 2, delayMs);
  expect(alice.node.guardians.view()!.setup!.state).toMatchObject({ type: 'PendingEpoch', requiredResponses: 3, receivedResponses: 0 });
  for (const p of [bob, carol, dave]) {
    await until(() => p.node.guardians.invitations().length === 1, `${p.node.profile} is asked to guard alice`);
    expect(p.node.guardians.invitations()[0]).toMatchObject({ from: idOf(alice), fromName: 'alice', threshold: 2, guardians: 3 });
    const inv = p.node.guardians.invitations()[0]!;
    await p.node.guardians.answer(inv.context, inv.ceremony, true);
  }
  await until(() => alice.node.guardians.view()?.setup?.state.type === 'Committed', 'the guardian setup commits', 60_000);
  expect(alice.node.guardians.view()!.current).toMatchObject({ threshold: 2, delayMs, guardians: expect.arrayContaining([expect.objectContaining({ name: 'bob' })]) });
  // Guardians never count as devices.
  expect(alice.node.account()!.summary.deviceCount).toBe(1);
  for (const p of [bob, carol, dave]) await until(() => p.node.guardians.wards().some((w) => w.authority === idOf(alice) && w.holdsShare), `${p.node.profile} holds a share`, 30_000);
  return { bus, alice, bob, carol, dave };
}

/** A fresh device asks; the given guardians enter its code and approve for alice. */
async function ask(bus: MemoryBus, name: string, alice: TestPeer, helpers: readonly TestPeer[]) {
  const fresh = await deviceOn(bus, name);
  const { code, device } = fresh.node.guardians.startRecovery('alice');
  for (const g of helpers) {
    const help = g.node.guardians.help(code);
    expect(help.claimedName).toBe('alice');
    await until(() => g.node.guardians.helps().find((h) => h.id === help.id)?.device === device, `${g.node.profile} meets the new device`);
  }
  return { fresh, device, helpId: (g: TestPeer) => g.node.guardians.helps()[0]!.id, aliceId: idOf(alice) };
}

describe('guardians and recovery over the memory bus', () => {
  it('2-of-3 guardians re-admit a fresh device as alice: contacts, groups and history come back, and it writes as alice', async () => {
    const { bus, alice, bob, carol } = await guarded(0);
    const group = await alice.node.groups.createGroup('team', [idOf(bob), idOf(carol)]);
    for (const p of [bob, carol]) {
      await until(() => p.node.groups.invitations().some((i) => i.context === group), `${p.node.profile} is invited`);
      await p.node.groups.accept(group);
    }
    await until(() => alice.node.groups.groups()[0]?.ceremony.state.type === 'Committed', 'the group commits', 20_000);
    const general = alice.node.groups.groups()[0]!.channels[0]!;
    await alice.node.sendMessage(general, 'before the loss');
    await until(() => texts(bob, general).includes('before the loss'), 'bob reads it');
    await alice.node.close();

    const { fresh, device, helpId, aliceId } = await ask(bus, 'alice-new', alice, [bob, carol]);
    for (const g of [bob, carol]) await g.node.guardians.approve(helpId(g), aliceId);
    await until(() => fresh.node.guardians.recovering()?.phase === 'recovered', 'the fresh device recovers alice', 60_000);
    expect(fresh.node.identity()).toMatchObject({ authorityId: aliceId, displayName: 'alice' });
    expect(fresh.node.account()!.devices.map((d) => d.deviceId)).toEqual([device]);
    await until(() => fresh.node.contacts.contacts().length >= 2, 'contacts come back', 60_000);
    await until(() => fresh.node.groups.groups().some((g) => g.context === group), 'the group comes back', 60_000);
    await until(() => texts(fresh, general).includes('before the loss'), 'the history comes back', 60_000);
    // Its own recovery is no alert on the recovered device: the Recover op in its tree commits it.
    await until(() => fresh.node.guardians.alerts().some((a) => a.device === device), 'the recovered device reads its recovery');
    expect(fresh.node.guardians.alerts().find((a) => a.device === device)!.status.state.type).toBe('Committed');
    await fresh.node.sendMessage(general, 'back as alice');
    await until(() => bob.node.messages(general).data.some((m) => m.text === 'back as alice' && m.author === aliceId), 'bob reads alice again');
    for (const g of [bob, carol]) {
      await until(() => g.node.guardians.recoveries()[0]?.status.state.type === 'Committed', `${g.node.profile} sees the recovery committed`, 30_000);
      expect(g.node.guardians.recoveries()[0]!.status.committedAgreement).toMatchObject({ level: 'Finalized' });
    }
  }, 300_000);

  it('a recovery a surviving device cancels during the waiting period is never signed', async () => {
    const { bus, alice, bob, carol } = await guarded(4_000);
    const { fresh, device, helpId, aliceId } = await ask(bus, 'mallory-device', alice, [bob, carol]);
    for (const g of [bob, carol]) await g.node.guardians.approve(helpId(g), aliceId);
    await until(() => alice.node.guardians.alerts().some((a) => a.device === device && a.status.state.type === 'Committing'), 'alice sees the approved request', 20_000);
    await alice.node.guardians.cancelRecovery(device);
    await until(() => alice.node.guardians.alerts()[0]?.status.state.type === 'Aborted', 'alice sees it cancelled');
    await until(() => fresh.node.guardians.recovering()?.phase === 'cancelled', 'the asking device learns it was cancelled', 20_000);
    await new Promise((r) => setTimeout(r, 6_000));
    expect(fresh.node.identity()).toBeNull();
    expect(alice.node.account()!.devices.map((d) => d.deviceId)).toEqual([alice.node.key.deviceId]);
  }, 300_000);

  it('a refused recovery: two of three guardians refuse, nothing is signed', async () => {
    const { bus, alice, bob, carol } = await guarded(0);
    const { fresh, helpId, aliceId } = await ask(bus, 'stranger', alice, [bob, carol]);
    for (const g of [bob, carol]) await g.node.guardians.refuse(helpId(g), aliceId);
    await until(() => fresh.node.guardians.recovering()?.phase === 'refused', 'the asking device is refused', 20_000);
    await until(() => alice.node.guardians.alerts()[0]?.status.state.type === 'Aborted', 'alice sees the refusal');
    expect(fresh.node.identity()).toBeNull();
  }, 300_000);
});
