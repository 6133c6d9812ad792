import type { ContextId } from '../../src/core/ids.ts';
import { until, type TestPeer } from './node-net.ts';

const idOf = (p: TestPeer) => p.node.identity()!.authorityId;

/** A group `creator` made of its contacts `invitees`, each accepting, committed on every node; with its first channel. */
export async function committedGroup(creator: TestPeer, invitees: readonly TestPeer[], name = 'team'): Promise<{ group: ContextId; general: string }> {
  const group = await creator.node.groups.createGroup(name, invitees.map(idOf));
  for (const p of invitees) {
    await until(() => p.node.groups.invitations().some((i) => i.context === group), `${p.node.profile} is invited`);
    await p.node.groups.accept(group);
  }
  for (const p of [creator, ...invitees]) await until(() => p.node.groups.groups().find((g) => g.context === group)?.ceremony.state.type === 'Committed', `${p.node.profile}: committed`, 20_000);
  return { group, general: creator.node.groups.groups().find((g) => g.context === group)!.channels[0]! };
}
