import { acknowledgmentOf, EMPTY_ACKNOWLEDGMENT, type AckRecord, type Acknowledgment } from '../core/consistency/acknowledgment.ts';
import { joinPropagation, LOCAL, type Propagation } from '../core/consistency/propagation.ts';
import type { FactId } from '../core/ids.ts';

/**
 * What this device knows about where its facts have gone: propagation from sync evidence and acks
 * from peers. Nothing here is guessed — without evidence a fact stays Local with no acks.
 */
export class Evidence {
  private readonly propagation = new Map<FactId, Propagation>();
  private readonly acks = new Map<FactId, Acknowledgment>();

  propagationOf(id: FactId): Propagation {
    return this.propagation.get(id) ?? LOCAL;
  }

  acknowledgmentOf(id: FactId): Acknowledgment {
    return this.acks.get(id) ?? EMPTY_ACKNOWLEDGMENT;
  }

  /** Evidence only accumulates: both updates are lattice joins. */
  observePropagation(id: FactId, p: Propagation): void {
    this.propagation.set(id, joinPropagation(this.propagationOf(id), p));
  }

  observeAcks(id: FactId, records: readonly AckRecord[]): void {
    this.acks.set(id, acknowledgmentOf([...this.acknowledgmentOf(id).ackedBy, ...records]));
  }
}
