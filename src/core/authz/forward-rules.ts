import { checkLinks } from '../forwarding/chain.ts';
import { ForwardError } from '../forwarding/errors.ts';
import { decodeReceipt } from '../forwarding/receipt.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { namespaceId } from '../ids.ts';
import { ALLOW, refuse, type AuthzVerdict } from './verdict.ts';

/**
 * A kept receipt chain counts only if it verifies from its bytes alone — signatures (strict rule), links, this
 * context — and ends at the device that wrote it: nobody records a forward that was not made to them. Judged
 * by content only, so the rule is monotone. Whether the hops were members and the epoch current was judged on
 * arrival (`verifyChain`); the signed receipts keep that decision accountable.
 */
export function forwardReceiptRule(f: ValidatedFact<'receipt.forward'>): AuthzVerdict {
  const { chain } = f.fact.body;
  try {
    const rs = chain.map(decodeReceipt);
    checkLinks(rs, chain, namespaceId(f.fact.ns));
    const last = rs[rs.length - 1]!;
    return last.next === f.fact.device && rs[0]!.dst === f.fact.device ? ALLOW : refuse('InvalidReceipt');
  } catch (e) {
    if (e instanceof ForwardError) return refuse('InvalidReceipt');
    throw e;
  }
}
