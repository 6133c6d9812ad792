import { AuraError } from '../errors.ts';
import type { Hash32 } from '../ids.ts';

export type WitnessRefusal = 'WrongPrestate' | 'AlreadySigned';

export class WitnessError extends AuraError<WitnessRefusal> {
  override readonly name = 'WitnessError';
}

/** What an honest witness has signed: one result per (cid, prestate), kept durably by the shell. */
export type SignedLedger = ReadonlyMap<string, Hash32>;

const slot = (cid: string, prestate: Hash32) => `${cid}\n${prestate}`;

/**
 * The honest witness's rule, checked before it produces a share: the instance's prestate must be the one it
 * holds, and it never signs a second result for one (cid, prestate) — signing the same result again is fine
 * (a retransmission). With t > (n + f) / 2 this is what makes two commits for one (cid, prestate) impossible:
 * any two quorums of t share an honest witness. Returns the ledger with the result recorded.
 */
export function approveSigning(ledger: SignedLedger, cid: string, prestate: Hash32, localPrestate: Hash32, result: Hash32): SignedLedger {
  if (prestate !== localPrestate) throw new WitnessError('WrongPrestate', `instance ${cid} is on another prestate`);
  const signed = ledger.get(slot(cid, prestate));
  if (signed === result) return ledger;
  if (signed !== undefined) throw new WitnessError('AlreadySigned', `instance ${cid} already signed another result`);
  return new Map(ledger).set(slot(cid, prestate), result);
}
