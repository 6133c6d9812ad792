import { describe, expect, it } from 'vitest';
import { befriend } from '../support/contacts-net.ts';
import { committedGroup } from '../support/groups-net.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const idOf = (p: TestPeer) => p.node.identity()!.authorityId;
const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text);
const sealedDrops = (p: TestPeer) => Object.entries(p.transport.status().dropped).filter(([k]) => k.startsWith('sealed:')).reduce((n, [, v]) => n + (v as number), 0);

async function threeContacts() {
  const bus = new MemoryBus();
  const [alice, bob, carol] = [await peerOn(bus, 'alice'), await peerOn(bus, 'bob'), await peerOn(bus, 'carol')];
  await befriend(alice, bob);
  await befriend(alice, carol);
  return { bus, alice, bob, carol };
}

describe('groups and proposals over the memory bus', () => {
  it('a group from contacts: invitees accept (k of n), chat; a removal by proposal rotates the key, and the removed member reads nothing new', async () => {
    const { alice, bob, carol } = await threeContacts();
    const group = await alice.node.groups.createGroup('team', [idOf(bob), idOf(carol)]);
    expect(alice.node.groups.groups()[0]).toMatchObject({ name: 'team', myRole: 'owner', ceremony: { state: { type: 'PendingEpoch', requiredResponses: 2, receivedResponses: 0 } } });
    for (const p of [bob, carol]) {
      await until(() => p.node.groups.invitations().some((i) => i.context === group), `${p.node.profile} sees the invitation`);
      expect(p.node.groups.invitations()[0]).toMatchObject({ name: 'team', from: idOf(alice), fromName: 'alice' });
      await p.node.groups.accept(group);
    }
    for (const p of [alice, bob, carol]) await until(() => p.node.groups.groups()[0]?.ceremony.state.type === 'Committed', `${p.node.profile}: committed`, 20_000);
    const general = alice.node.groups.groups()[0]!.channels[0]!;
    await carol.node.sendMessage(general, 'carol was here');
    for (const p of [alice, bob]) await until(() => texts(p, general).includes('carol was here'), `${p.node.profile} reads carol`);

    const proposal = await alice.node.proposals.propose(group, 'remove-member', [idOf(carol)]);
    await until(() => bob.node.proposals.proposals(group).some((x) => x.id === proposal && x.awaitingMe && x.status.approvals.approvedBy.length === 1), 'bob is asked to vote');
    expect(bob.node.proposals.proposals(group)[0]).toMatchObject({ summary: 'remove carol', status: { state: { type: 'Pending' }, approvals: { required: 2, approvedBy: [idOf(alice)] } } });
    await bob.node.proposals.vote(proposal, true);
    for (const p of [alice, bob, carol]) await until(() => p.node.proposals.proposals(group)[0]?.status.state.type === 'Approved', `${p.node.profile}: Approved`);
    await until(() => carol.node.groups.groups().find((g) => g.context === group)?.removedMe === true || carol.node.groups.groups().length === 0, 'carol learns she was removed', 20_000);
    // The key rotates: both remaining members hold epoch 1; carol does not.
    for (const p of [alice, bob]) await until(() => p.node.groups.groups()[0]?.epoch === 1 && p.node.groups.groups()[0]!.members.length === 2, `${p.node.profile}: epoch 1`);
    const before = sealedDrops(carol);
    await alice.node.sendMessage(general, 'after carol left');
    await until(() => texts(bob, general).includes('after carol left'), 'bob reads the new message');
    await until(() => sealedDrops(carol) > before, 'carol receives sealed traffic she cannot open');
    // Nor does anti-entropy bring it to her, whoever starts a session: no member syncs with a removed member's devices.
    for (const p of [carol, alice, bob]) await p.node.syncNow();
    expect(texts(carol, general)).not.toContain('after carol left');
    await expect(carol.node.sendMessage(general, 'let me back')).rejects.toMatchObject({ code: 'AuthorizationDenied' });
    // The applied removal reaches ◆ once the remaining witnesses checkpoint it.
    for (const p of [alice, bob]) await until(() => p.node.proposals.proposals(group)[0]?.applied !== null && 'agreement' in p.node.proposals.proposals(group)[0]!.applied! && (p.node.proposals.proposals(group)[0]!.applied as { agreement: { level: string } }).agreement.level === 'Finalized', `${p.node.profile}: applied ◆`, 60_000);
  }, 180_000);

  it('archiving a channel (half the members suffice by default): read-only for everyone from the deciding vote on', async () => {
    const bus = new MemoryBus();
    const [alice, bob] = [await peerOn(bus, 'alice'), await peerOn(bus, 'bob')];
    await befriend(alice, bob);
    const group = await alice.node.groups.createGroup('duo', [idOf(bob)]);
    await until(() => bob.node.groups.invitations().length === 1, 'bob is invited');
    await bob.node.groups.accept(group);
    await until(() => alice.node.groups.groups()[0]?.ceremony.state.type === 'Committed', 'committed');
    const general = alice.node.groups.groups()[0]!.channels[0]!;
    const id = await alice.node.proposals.propose(group, 'archive-channel', [general]);
    // Alice's own approval is half of two voters: approved at once.
    expect(alice.node.proposals.proposals(group).find((p) => p.id === id)).toMatchObject({ status: { state: { type: 'Approved' } }, applied: { agreement: expect.anything() } });
    await expect(alice.node.sendMessage(general, 'still here?')).rejects.toMatchObject({ code: 'AuthorizationDenied' });
    await until(() => bob.node.proposals.proposals(group)[0]?.status.state.type === 'Approved', 'bob sees it');
    await expect(bob.node.sendMessage(general, 'me too?')).rejects.toMatchObject({ code: 'AuthorizationDenied' });
  }, 120_000);

  it('the new key reaches the remaining members by gossip (the rekey is sealed under the key they hold), and nothing a remaining member sends before holding it is readable by the removed', async () => {
    const { alice, bob, carol } = await threeContacts();
    const { group, general } = await committedGroup(alice, [bob, carol]);
    const proposal = await alice.node.proposals.propose(group, 'remove-member', [idOf(carol)]);
    await until(() => bob.node.proposals.proposals(group).some((x) => x.id === proposal && x.awaitingMe), 'bob is asked to vote');
    await bob.node.proposals.vote(proposal, true);
    // Alice writes as soon as she knows of the removal, whether or not the new key reached her yet.
    await until(() => alice.node.proposals.proposals(group)[0]?.status.state.type === 'Approved', 'alice: Approved');
    await alice.node.sendMessage(general, 'right after the removal');
    await until(() => texts(bob, general).includes('right after the removal'), 'bob reads it', 30_000);
    // Neither remaining member ever failed to open the other's payloads: the rekey went out under the key both held.
    expect(sealedDrops(alice) + sealedDrops(bob)).toBe(0);
    await new Promise((r) => setTimeout(r, 500));
    expect(texts(carol, general)).not.toContain('right after the removal');
  }, 120_000);

  it('declined: the ceremony aborts when k cannot be reached, and the decliner is no member', async () => {
    const { alice, bob, carol } = await threeContacts();
    const group = await alice.node.groups.createGroup('pair', [idOf(bob), idOf(carol)], 2);
    await until(() => bob.node.groups.invitations().length === 1, 'bob is invited');
    await bob.node.groups.decline(group);
    await until(() => alice.node.groups.groups()[0]?.ceremony.state.type === 'Aborted', 'alice sees it abort');
    expect(alice.node.groups.groups()[0]!.members.map((m) => m.name)).toEqual(['alice']);
    expect(bob.node.groups.invitations()).toEqual([]);
  }, 120_000);
});
