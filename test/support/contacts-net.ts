import type { TestPeer } from './node-net.ts';
import { until } from './node-net.ts';

/** Makes two peers contacts by the invitation ceremony (a invites, b accepts); resolves once both list each other. */
export async function befriend(a: TestPeer, b: TestPeer): Promise<void> {
  const { id, code } = a.node.contacts.invite();
  b.node.contacts.acceptCode(code!);
  await until(() => b.node.contacts.ceremonies().find((c) => c.id === id)?.presented === true, 'the invitee is shown who invites', 30_000);
  await b.node.contacts.accept(id);
  const lists = (p: TestPeer, q: TestPeer) => p.node.contacts.contacts().some((c) => c.authority === q.node.identity()!.authorityId);
  await until(() => lists(a, b) && lists(b, a), 'both list each other', 30_000);
}
