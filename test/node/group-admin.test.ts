import { describe, expect, it } from 'vitest';
import { journalOf } from '../../src/core/ids.ts';
import { draft } from '../../src/node/host/draft.ts';
import { dropped } from '../support/adversary.ts';
import { befriend } from '../support/contacts-net.ts';
import { committedGroup } from '../support/groups-net.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../support/node-net.ts';

const idOf = (p: TestPeer) => p.node.identity()!.authorityId;
const nameOf = (p: TestPeer, ch: string) => p.node.channels().data.find((c) => c.id === ch)?.name;

describe('admin handover in a group over the memory bus (spec 004 §5)', () => {
  it('the admin hands over to a member; its later rename is refused by the other members’ admission, the new admin’s counts', async () => {
    const bus = new MemoryBus();
    const [alice, bob, carol] = [await peerOn(bus, 'alice'), await peerOn(bus, 'bob'), await peerOn(bus, 'carol')];
    await befriend(alice, bob);
    await befriend(alice, carol);
    const { group, general } = await committedGroup(alice, [bob, carol]);
    expect(alice.node.groups.groups()[0]!.admin).toBe(idOf(alice));
    // Only the admin hands over.
    await expect(bob.node.groups.handOverAdmin(group, idOf(carol))).rejects.toMatchObject({ code: 'AuthorizationDenied' });

    await alice.node.groups.handOverAdmin(group, idOf(bob));
    for (const p of [alice, bob, carol]) await until(() => p.node.groups.groups()[0]?.admin === idOf(bob), `${p.node.profile} sees bob as admin`);
    expect(carol.node.groups.groups()[0]!.members.find((m) => m.authority === idOf(alice))?.role).toBe('member');
    expect(alice.node.channels().data.find((c) => c.id === general)!.rights).not.toContain('chat:rename');
    await expect(alice.node.chat.renameChannel(general, 'mine again')).rejects.toMatchObject({ code: 'AuthorizationDenied' });

    // Alice's node writes the rename anyway: every receiver's admission refuses it, typed and counted.
    const ns = journalOf(group);
    const forged = draft(alice.node, ns, 'chat.rename', { channel: general, name: 'mine again' });
    await alice.node.write({ context: group, facts: [forged], membership: alice.node.membersOf(group).view, right: 'chat:send', announce: true });
    for (const p of [bob, carol]) await until(() => dropped(p, 'unauthorized:RetiredAdmin') >= 1, `${p.node.profile} refuses alice's rename`);
    for (const p of [bob, carol]) expect(p.node.journals.fact(forged.id)).toBeUndefined();
    expect(nameOf(carol, general)).toBe('general');

    // The new admin renames: it counts everywhere.
    await bob.node.chat.renameChannel(general, 'lobby');
    for (const p of [alice, carol]) await until(() => nameOf(p, general) === 'lobby', `${p.node.profile} sees bob's rename`);
  }, 120_000);
});
