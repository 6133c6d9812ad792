import { expect } from 'vitest';
import { befriend } from './contacts-net.ts';
import { deviceOn, MemoryBus, peerOn, until, type TestPeer } from './node-net.ts';

export const idOf = (p: TestPeer) => p.node.identity()!.authorityId;

/** Alice with contacts bob, carol and dave, who guard her 2-of-3 (waiting `delayMs` before signing). */
export async function guarded(delayMs: number) {
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

/** A fresh device asks; the given guardians enter its code and meet it. */
export async function ask(bus: MemoryBus, name: string, alice: TestPeer, helpers: readonly TestPeer[]) {
  const fresh = await deviceOn(bus, name);
  const { code, device } = fresh.node.guardians.startRecovery('alice');
  for (const g of helpers) {
    const help = g.node.guardians.help(code);
    expect(help.claimedName).toBe('alice');
    await until(() => g.node.guardians.helps().find((h) => h.id === help.id)?.device === device, `${g.node.profile} meets the new device`);
  }
  return { fresh, device, code, helpId: (g: TestPeer) => g.node.guardians.helps()[0]!.id, aliceId: idOf(alice) };
}
