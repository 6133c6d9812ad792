import { arr, bytes, ident, int, obj, str, type Infer } from '../schema.ts';
import { kind } from './kind-spec.ts';
import { MAX_HOPS, MAX_RECEIPT_BYTES } from '../../forwarding/receipt.ts';

/** A typed relationship between authorities inside a context (contact, guardian, group membership...). */
export const RelationalBinding = obj(
  { bindingType: str({ min: 1, max: 64 }), authorities: arr(ident, { min: 1, max: 64, unique: true }) },
  { data: bytes({ max: 8192 }) },
);
export type RelationalBinding = Infer<typeof RelationalBinding>;

/** An observation of a flow budget between two authorities in this context, for one epoch. */
export const FlowBudgetFact = obj({ from: ident, to: ident, epoch: int(), limit: int(), spent: int() });
export type FlowBudgetFact = Infer<typeof FlowBudgetFact>;

export const AmpChannelCheckpoint = obj({ channel: ident, chanEpoch: int(), generation: int() });
export const AmpProposedChannelEpochBump = obj({ channel: ident, parentEpoch: int(), newEpoch: int({ min: 1 }), bumpId: ident });
export const AmpCommittedChannelEpochBump = obj({ channel: ident, parentEpoch: int(), newEpoch: int({ min: 1 }), chosenBumpId: ident });
export const AmpChannelPolicy = obj({ channel: ident, skipWindow: int({ min: 1, max: 1 << 20 }) });
export type AmpChannelCheckpoint = Infer<typeof AmpChannelCheckpoint>;
export type AmpProposedChannelEpochBump = Infer<typeof AmpProposedChannelEpochBump>;
export type AmpCommittedChannelEpochBump = Infer<typeof AmpCommittedChannelEpochBump>;
export type AmpChannelPolicy = Infer<typeof AmpChannelPolicy>;

/** Accountability proof for a forwarded envelope (spec 003 §Receipts). */
export const RendezvousReceipt = obj({ envelopeId: bytes({ len: 32 }), authority: ident, timestamp: int(), signature: bytes({ len: 64 }) });
export type RendezvousReceipt = Infer<typeof RendezvousReceipt>;

/**
 * The receipt chain of a message forwarded to its author's device (DESIGN §5, spec 000 §2.6), kept as
 * accountability evidence: the encoded receipts, origin first (`core/forwarding/receipt.ts`).
 */
export const ForwardReceiptFact = obj({ chain: arr(bytes({ max: MAX_RECEIPT_BYTES }), { min: 1, max: MAX_HOPS }) });
export type ForwardReceiptFact = Infer<typeof ForwardReceiptFact>;

export const relationalKinds = {
  'rel.binding': kind('context', RelationalBinding),
  'rel.flowBudget': kind('context', FlowBudgetFact),
  'amp.checkpoint': kind('context', AmpChannelCheckpoint),
  'amp.proposedBump': kind('context', AmpProposedChannelEpochBump),
  'amp.committedBump': kind('context', AmpCommittedChannelEpochBump),
  'amp.policy': kind('context', AmpChannelPolicy),
  'receipt.rendezvous': kind('context', RendezvousReceipt),
  'receipt.forward': kind('context', ForwardReceiptFact),
};
