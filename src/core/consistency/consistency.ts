import { EMPTY_ACKNOWLEDGMENT, joinAcknowledgment, type Acknowledgment } from './acknowledgment.ts';
import { joinAgreement, PROVISIONAL, type Agreement } from './agreement.ts';
import { joinOperationCategory, type OperationCategory } from './operation-category.ts';
import { joinPropagation, LOCAL, type Propagation } from './propagation.ts';

/**
 * The three independent dimensions of how settled a fact is, plus its category. `acknowledgment` is null
 * when the fact did not opt into ack tracking (or none is known here); null is the bottom of that dimension.
 */
export interface Consistency {
  readonly category: OperationCategory;
  readonly agreement: Agreement;
  readonly propagation: Propagation;
  readonly acknowledgment: Acknowledgment | null;
}

/** Metadata of a fact just written on this device: provisional, not yet sent, no acks yet. */
export function initialConsistency(category: OperationCategory, trackAcks: boolean): Consistency {
  return { category, agreement: PROVISIONAL, propagation: LOCAL, acknowledgment: trackAcks ? EMPTY_ACKNOWLEDGMENT : null };
}

/** Componentwise join: the product of lattices is a lattice. */
export function joinConsistency(a: Consistency, b: Consistency): Consistency {
  return {
    category: joinOperationCategory(a.category, b.category),
    agreement: joinAgreement(a.agreement, b.agreement),
    propagation: joinPropagation(a.propagation, b.propagation),
    acknowledgment:
      a.acknowledgment === null ? b.acknowledgment
      : b.acknowledgment === null ? a.acknowledgment
      : joinAcknowledgment(a.acknowledgment, b.acknowledgment),
  };
}
