import { compareStrings } from '../compare.ts';
import type { AuthorityId, PhysicalTime } from '../ids.ts';

/** One peer's explicit confirmation that it processed a fact. */
export interface AckRecord {
  readonly peer: AuthorityId;
  readonly ackedAt: PhysicalTime;
}

/**
 * The per-peer acks of one ack-tracked fact. Normal form: one record per peer, sorted by peer, so equal
 * sets of acks are equal values and joins are deterministic.
 */
export interface Acknowledgment {
  readonly ackedBy: readonly AckRecord[];
}

export const EMPTY_ACKNOWLEDGMENT: Acknowledgment = { ackedBy: [] };

/** Normalises any list of records: sorted by peer, the earliest ack of each peer kept. */
export function acknowledgmentOf(records: Iterable<AckRecord>): Acknowledgment {
  const earliest = new Map<AuthorityId, PhysicalTime>();
  for (const r of records) {
    const t = earliest.get(r.peer);
    if (t === undefined || r.ackedAt < t) earliest.set(r.peer, r.ackedAt);
  }
  const ackedBy = [...earliest.keys()].sort(compareStrings).map((peer) => ({ peer, ackedAt: earliest.get(peer)! }));
  return { ackedBy };
}

export function contains(a: Acknowledgment, peer: AuthorityId): boolean {
  return a.ackedBy.some((r) => r.peer === peer);
}

export function count(a: Acknowledgment): number {
  return a.ackedBy.length;
}

/** Peers who acked, sorted. */
export function peers(a: Acknowledgment): AuthorityId[] {
  return a.ackedBy.map((r) => r.peer);
}

/** True when every peer in `expected` acked (vacuously true for none). Extra acks from others do not count. */
export function containsAll(a: Acknowledgment, expected: readonly AuthorityId[]): boolean {
  return expected.every((p) => contains(a, p));
}

/** Lattice join: union by peer, keeping each peer's earliest ack (the first proof of receipt). */
export function joinAcknowledgment(a: Acknowledgment, b: Acknowledgment): Acknowledgment {
  const out: AckRecord[] = [];
  let i = 0;
  let j = 0;
  while (i < a.ackedBy.length || j < b.ackedBy.length) {
    const x = a.ackedBy[i];
    const y = b.ackedBy[j];
    const c = x === undefined ? 1 : y === undefined ? -1 : compareStrings(x.peer, y.peer);
    if (c < 0) {
      out.push(x!);
      i++;
    } else if (c > 0) {
      out.push(y!);
      j++;
    } else {
      out.push(x!.ackedAt <= y!.ackedAt ? x! : y!);
      i++;
      j++;
    }
  }
  return { ackedBy: out };
}
