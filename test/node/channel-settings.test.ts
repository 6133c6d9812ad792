import { describe, expect, it } from 'vitest';
import { NodeError } from '../../src/node/api.ts';
import { Profile, victimAndHonest } from '../support/adversary.ts';
import { until } from '../support/node-net.ts';

/** The node API for category-A settings: the creator's rename and topic, anyone's reactions and display name. */
describe('channel settings through the node API', () => {
  it('the creator renames and sets the topic; a member without the right is refused locally, typed, and offered neither', async () => {
    const { victim: owner, honest: member, ch } = await victimAndHonest();
    const channel = (p: typeof owner) => p.node.channels().data.find((c) => c.id === ch)!;
    expect(channel(owner).rights).toEqual(expect.arrayContaining(['chat:rename', 'chat:topic']));
    expect(channel(member).rights).not.toContain('chat:rename');
    expect(channel(member).rights).not.toContain('chat:topic');
    await owner.node.chat.renameChannel(ch, ' lobby ');
    await owner.node.chat.setTopic(ch, 'plans for the week');
    await until(() => channel(member).name === 'lobby' && channel(member).topic === 'plans for the week', 'the member sees both');
    for (const attempt of [() => member.node.chat.renameChannel(ch, 'mine'), () => member.node.chat.setTopic(ch, 'mine')]) {
      await expect(attempt()).rejects.toSatisfy((e) => e instanceof NodeError && e.code === 'AuthorizationDenied');
    }
    await expect(owner.node.chat.renameChannel(ch, '   ')).rejects.toSatisfy((e) => e instanceof NodeError && e.code === 'InvalidInput');
    expect(channel(owner).name).toBe('lobby');
  });

  it('reactions show on both sides, ours marked; a display name change reaches the other member', async () => {
    const { bus, victim: a, honest: b, ch } = await victimAndHonest();
    const id = await a.node.sendMessage(ch, 'react to me');
    await until(() => b.node.messages(ch).data.some((m) => m.id === id), 'b has the message');
    await b.node.chat.react(ch, id, '🎉');
    await a.node.chat.react(ch, id, '🎉');
    const reactions = (p: typeof a) => p.node.messages(ch).data.find((m) => m.id === id)!.reactions;
    await until(() => reactions(a)[0]?.names.length === 2 && reactions(b)[0]?.names.length === 2, 'both see two reactions');
    expect(reactions(a)).toEqual([{ emoji: '🎉', names: expect.arrayContaining(['victim', 'honest']), mine: true }]);
    expect(reactions(b)[0]!.mine).toBe(true);

    await b.node.names.setDisplayName('Honest Abe');
    await until(() => a.node.names.nameOf(b.authority) === 'Honest Abe', 'a sees b’s new name');
    await b.node.sendMessage(ch, 'signed, Abe');
    await until(() => a.node.messages(ch).data.some((m) => m.text === 'signed, Abe' && m.authorName === 'Honest Abe'), 'messages show the new name');
    expect(b.node.names.nameOf(b.authority)).toBe('Honest Abe');
    // Kept across a reopen: the name is a fact, not a setting of this tab.
    await a.reopen();
    expect(a.node.names.nameOf(b.authority)).toBe('Honest Abe');
    // A channel made after the change carries the name with the creator's join: a newcomer learns it there.
    const later = await b.node.createChannel('later');
    const carol = await Profile.open(bus, 'carol');
    await carol.node.joinChannel(b.node.joinCode(later));
    await until(() => carol.node.names.nameOf(b.authority) === 'Honest Abe', 'carol learns the new name');
  });
});
