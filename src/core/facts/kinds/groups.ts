import { arr, bool, bytes, ident, int, literal, obj, str, type Infer } from '../schema.ts';
import { ApprovalRule } from './proposals.ts';
import { kind } from './kind-spec.ts';

/** The category-B operations of a group (DESIGN §7); each has its approval rule in the group's settings. */
export const GROUP_OPERATIONS = ['remove-member', 'set-role', 'transfer-ownership', 'archive-channel'] as const;
export type GroupOperation = (typeof GROUP_OPERATIONS)[number];
export const GroupRole = literal('owner', 'admin', 'member');
export type GroupRole = Infer<typeof GroupRole>;

/**
 * A group's roster genesis, written by its creator into the group's context (whose id names the creator,
 * `reduce/group-id.ts`): who is invited, how many must accept (k of n) before the response deadline (fact
 * time), and the approval rule of each operation.
 */
export const GroupCreated = obj({
  name: str({ min: 1, max: 64 }),
  invitees: arr(ident, { min: 1, max: 255, unique: true }),
  threshold: int({ min: 1, max: 255 }),
  respondBy: int(),
  rules: obj({ 'remove-member': ApprovalRule, 'set-role': ApprovalRule, 'transfer-ownership': ApprovalRule, 'archive-channel': ApprovalRule }),
});
/** An invitee's answer, written with its self-join (a decline too: only a writer's answer is evidence). */
export const GroupResponse = obj({ accept: bool });
/** In a pairwise context: the group's id and secret for the other member, so it can see and answer the invitation. */
export const GroupInvitation = obj({ group: ident, secret: bytes({ len: 32 }), name: str({ min: 1, max: 64 }) });
/** A new context key for epoch `epoch`, sealed to each device of every member that remains (AMP epoch bump). */
export const GroupRekey = obj({
  epoch: int({ min: 1 }),
  boxes: arr(obj({ device: ident, box: bytes({ max: 512 }) }), { min: 1, max: 1024 }),
});
export type GroupCreated = Infer<typeof GroupCreated>;
export type GroupResponse = Infer<typeof GroupResponse>;
export type GroupInvitation = Infer<typeof GroupInvitation>;
export type GroupRekey = Infer<typeof GroupRekey>;

export const groupKinds = {
  'group.create': kind('context', GroupCreated),
  'group.response': kind('context', GroupResponse),
  'group.invitation': kind('context', GroupInvitation),
  'group.rekey': kind('context', GroupRekey),
};
