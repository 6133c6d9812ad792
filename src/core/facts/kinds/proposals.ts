import { arr, bool, cid, ident, int, literal, obj, str, union, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';

export const ApprovalRule = union({
  Any: obj({ type: literal('Any') }),
  Unanimous: obj({ type: literal('Unanimous') }),
  Threshold: obj({ type: literal('Threshold'), required: int({ min: 1, max: 1024 }) }),
  Percentage: obj({ type: literal('Percentage'), percent: int({ min: 1, max: 100 }) }),
});
export type ApprovalRule = Infer<typeof ApprovalRule>;

/**
 * A category-B operation awaiting approval. `subject` names what it changes; a later proposal on the
 * same subject supersedes an undecided earlier one. `expiresAt` is compared with fact order times only.
 */
export const ProposalCreated = obj({
  subject: str({ min: 1, max: 256 }),
  operation: str({ min: 1, max: 64 }),
  args: arr(str({ max: 256 }), { max: 16 }),
  rule: ApprovalRule,
  voters: arr(ident, { min: 1, max: 256, unique: true }),
  expiresAt: int(),
});
export const ProposalVote = obj({ proposal: cid, approve: bool }, { reason: str({ max: 256 }) });
export type ProposalCreated = Infer<typeof ProposalCreated>;
export type ProposalVote = Infer<typeof ProposalVote>;

export const proposalKinds = {
  'proposal.create': kind('any', ProposalCreated),
  'proposal.vote': kind('any', ProposalVote),
};
