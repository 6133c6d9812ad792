import { describe, expect, it } from 'vitest';
import { ask, guarded, idOf } from '../support/guardians-net.ts';
import { until } from '../support/node-net.ts';

describe('guardian rotation over the memory bus', () => {
  it('choosing again replaces the guardians the same way: a new key among the new ones; the one left out no longer guards; a recovery under the new branch completes', async () => {
    const { bus, alice, bob, carol, dave } = await guarded(0);
    const before = alice.node.account()!.summary;
    expect(bob.node.guardians.wards()[0]!.holdsShare).toBe(true);

    await alice.node.guardians.setGuardians([idOf(bob), idOf(carol)], 2, 0);
    for (const p of [bob, carol]) {
      await until(() => p.node.guardians.invitations().length === 1, `${p.node.profile} is asked again`);
      const inv = p.node.guardians.invitations()[0]!;
      expect(inv).toMatchObject({ threshold: 2, guardians: 2 });
      await p.node.guardians.answer(inv.context, inv.ceremony, true);
    }
    expect(dave.node.guardians.invitations()).toEqual([]);
    await until(() => alice.node.guardians.view()?.setup?.state.type === 'Committed' && alice.node.guardians.view()!.current!.guardians.length === 2, 'the rotation commits', 60_000);
    expect(alice.node.guardians.view()!.current!.guardians.map((g) => g.name).sort()).toEqual(['bob', 'carol']);
    // A new commitment of the same tree; still one device: guardians never count as devices.
    const after = alice.node.account()!.summary;
    expect(after.commitment).not.toBe(before.commitment);
    expect(after.deviceCount).toBe(1);
    await until(() => !dave.node.guardians.wards().some((w) => w.authority === idOf(alice)), 'dave no longer guards alice', 30_000);
    for (const p of [bob, carol]) await until(() => p.node.guardians.wards().some((w) => w.authority === idOf(alice) && w.holdsShare), `${p.node.profile} holds a share of the new key`, 30_000);

    await alice.node.close();
    const { fresh, helpId, aliceId } = await ask(bus, 'alice-new', alice, [bob, carol]);
    for (const g of [bob, carol]) await g.node.guardians.approve(helpId(g), aliceId);
    await until(() => fresh.node.guardians.recovering()?.phase === 'recovered', 'the fresh device recovers alice under the new guardians', 60_000);
    expect(fresh.node.identity()!.authorityId).toBe(aliceId);
  }, 300_000);
});
