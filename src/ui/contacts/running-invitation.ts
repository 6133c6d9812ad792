import type { InvitationCeremony, InvitationRole } from '../../core/rendezvous/invitation.ts';

/** Still open: nothing has ended it yet. */
export function isOpen(c: InvitationCeremony): boolean {
  return c.state.type !== 'Committed' && c.state.type !== 'Aborted' && c.state.type !== 'Superseded';
}

/**
 * The invitation this side still runs, if any: the panel shows it again when reopened (the node keeps
 * ceremonies while the panel's own state is gone with it).
 */
export function openInvitation(ceremonies: readonly InvitationCeremony[], role: InvitationRole): string | null {
  return ceremonies.find((c) => c.role === role && isOpen(c))?.id ?? null;
}
