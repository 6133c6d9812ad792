import { describe, expect, it } from 'vitest';
import { ask, guarded, idOf } from '../support/guardians-net.ts';
import { until, type TestPeer } from '../support/node-net.ts';

const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);

describe('guardians and recovery over the memory bus', () => {
  it('2-of-3 guardians re-admit a fresh device as alice: contacts, groups and history come back, and it writes as alice', async () => {
    const { bus, alice, bob, carol, dave } = await guarded(0);
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
    // Every contact: bob and carol who helped, and dave, a guardian who did not (he follows their signed code).
    await until(() => fresh.node.contacts.contacts().length === 3, 'contacts come back', 60_000);
    expect(fresh.node.contacts.contacts().map((c) => c.displayName).sort()).toEqual(['bob', 'carol', 'dave']);
    await until(() => fresh.node.groups.groups().some((g) => g.context === group), 'the group comes back', 60_000);
    await until(() => texts(fresh, general).includes('before the loss'), 'the history comes back', 60_000);
    // Its own recovery is no alert on the recovered device: the Recover op in its tree commits it.
    await until(() => fresh.node.guardians.alerts().some((a) => a.device === device), 'the recovered device reads its recovery');
    expect(fresh.node.guardians.alerts().find((a) => a.device === device)!.status.state.type).toBe('Committed');
    await fresh.node.sendMessage(general, 'back as alice');
    await until(() => bob.node.messages(general).data.some((m) => m.text === 'back as alice' && m.author === aliceId), 'bob reads alice again');
    expect(dave.node.guardians.helps()).toEqual([]);
    for (const g of [bob, carol, dave]) {
      await until(() => g.node.guardians.recoveries()[0]?.status.state.type === 'Committed', `${g.node.profile} sees the recovery committed`, 30_000);
      expect(g.node.guardians.recoveries()[0]!.status.committedAgreement).toMatchObject({ level: 'Finalized' });
    }
    // Guarding reads nothing: dave, a guardian outside the group, never holds its channel or messages.
    expect(dave.node.channels().data.some((c) => c.id === general)).toBe(false);
    expect(dave.node.messages(general).data).toEqual([]);
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
