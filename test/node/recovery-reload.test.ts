import { describe, expect, it } from 'vitest';
import { Profile } from '../support/adversary.ts';
import { befriend } from '../support/contacts-net.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const idOf = (p: TestPeer) => p.node.identity()!.authorityId;

describe('a recovery survives reloads', () => {
  it('the recovering tab shows the same code after a reload; a guardian reloaded during the waiting period still signs; the recovery completes', async () => {
    const bus = new MemoryBus();
    const alice = await peerOn(bus, 'alice');
    const bob = await Profile.open(bus, 'bob');
    const [carol, dave] = [await peerOn(bus, 'carol'), await peerOn(bus, 'dave')];
    for (const g of [bob, carol, dave]) await befriend(alice, g);
    await alice.node.guardians.setGuardians([idOf(bob), idOf(carol), idOf(dave)], 2, 3_000);
    for (const g of [bob, carol, dave]) {
      await until(() => g.node.guardians.invitations().length === 1, 'asked');
      const inv = g.node.guardians.invitations()[0]!;
      await g.node.guardians.answer(inv.context, inv.ceremony, true);
    }
    for (const g of [bob, carol, dave]) await until(() => g.node.guardians.wards()[0]?.holdsShare === true, 'a share held', 60_000);
    await alice.node.close();

    const fresh = await Profile.open(bus, 'alice-new', {}, false);
    const { code } = fresh.node.guardians.startRecovery('alice');
    await fresh.reopen();
    expect(fresh.node.identity()).toBeNull();
    expect(fresh.node.guardians.recovering()).toMatchObject({ code, phase: 'waiting' });

    for (const g of [bob, carol]) {
      const help = g.node.guardians.help(code);
      await until(() => g.node.guardians.helps().find((h) => h.id === help.id)?.device === fresh.device, 'the guardian meets the device after its reload');
      await g.node.guardians.approve(help.id, idOf(alice));
    }
    await bob.reopen();
    // Bob's tab reloaded during the waiting period: the code and his approval come back from his store and his pair.
    await until(() => bob.node.guardians.helps()[0]?.answer === 'approved', 'bob’s help resumes with his approval', 30_000);
    await until(() => fresh.node.guardians.recovering()?.phase === 'recovered', 'the recovery completes', 20_000).catch((e) => { console.log('DBG', JSON.stringify(fresh.node.guardians.recovering()), JSON.stringify(fresh.node.network().dropped), JSON.stringify(bob.node.guardians.recoveries().map(r => r.status.state)), JSON.stringify(carol.node.network().dropped)); throw e; });
    expect(fresh.node.identity()!.authorityId).toBe(idOf(alice));
  }, 300_000);
});
