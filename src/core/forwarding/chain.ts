import { toHex } from '../encoding/bytes.ts';
import type { ContextId, DeviceId, Epoch } from '../ids.ts';
import type { ContextMembers } from '../reduce/membership.ts';
import { isMemberDevice } from './members.ts';
import { ForwardError } from './errors.ts';
import { decodeReceipt, forwardCost, MAX_HOPS, messageDigest, readReceipt, receiptHash, receiptVerifies, type ForwardReceipt } from './receipt.ts';
import type { SignatureVerifier } from '../facts/validate.ts';

/** What the device judging a chain knows: all of it local, none of it from the peer. */
export interface ChainCheck {
  readonly ctx: ContextId;
  /** The context's current members and their proven devices (the node's membership evidence). */
  readonly members: ContextMembers;
  /** The current flow epoch: a receipt of any other is refused. */
  readonly epoch: Epoch;
  /** The judging device: the last hop sent to it. */
  readonly self: DeviceId;
  /** The device the message arrived from over a direct link: the last hop. */
  readonly from: DeviceId;
  readonly message: Uint8Array;
  /** At the destination the chain ends here; at a forwarder it must leave room for its own receipt. */
  readonly final: boolean;
}

/** Nonces remembered per epoch before further receipts are refused (far beyond what the rate limits let in). */
export const MAX_LEDGER_NONCES = 100_000;

/**
 * What this device saw of each hop's budgets in the current epoch: the units each receipt claims — the
 * interval (spent − cost, spent] of its budget for (context, next) — and every nonce. An honest hop's charges
 * claim disjoint intervals whatever order its messages arrive in; a hop that did not charge must show units it
 * showed before. Deterministic (no clock: the epoch is an input); earlier epochs are forgotten, since their
 * receipts are refused anyway. Bounded: at most `limit` units per budget.
 */
export class ReceiptLedger {
  private epoch = -1;
  private readonly units = new Map<string, Set<number>>();
  private readonly nonces = new Set<string>();

  /** Whether any unit `r` claims was claimed before. */
  overlaps(r: ForwardReceipt): boolean {
    const seen = r.epoch === this.epoch ? this.units.get(spentKey(r)) : undefined;
    if (!seen) return false;
    for (let u = r.spent - r.cost + 1; u <= r.spent; u++) if (seen.has(u)) return true;
    return false;
  }

  seen(r: ForwardReceipt): boolean {
    return r.epoch === this.epoch && this.nonces.has(nonceKey(r));
  }

  get size(): number {
    return this.nonces.size;
  }

  record(rs: readonly ForwardReceipt[], epoch: Epoch): void {
    if (epoch !== this.epoch) {
      this.epoch = epoch;
      this.units.clear();
      this.nonces.clear();
    }
    for (const r of rs) {
      const key = spentKey(r);
      let seen = this.units.get(key);
      if (!seen) this.units.set(key, (seen = new Set()));
      for (let u = r.spent - r.cost + 1; u <= r.spent; u++) seen.add(u);
      this.nonces.add(nonceKey(r));
    }
  }
}

const spentKey = (r: ForwardReceipt): string => JSON.stringify([r.hop, r.ctx, r.next]);
const nonceKey = (r: ForwardReceipt): string => `${r.hop}/${toHex(r.nonce)}`;

function refuse(code: ConstructorParameters<typeof ForwardError>[0], message: string): never {
  throw new ForwardError(code, message);
}

/**
 * The hops of one message in context `ctx` form one unbroken chain from its origin, each naming the one before
 * (by hash) and sent to by it: what anyone can check from the receipts alone (also the fact rule's check).
 */
export function checkLinks(rs: readonly ForwardReceipt[], raws: readonly Uint8Array[], ctx: ContextId): void {
  const first = rs[0]!;
  if (first.hop !== first.src || first.prev !== null) refuse('MissingHop', 'the chain does not start at the origin');
  if (first.src === first.dst) refuse('WrongDestination', 'a message to its own origin');
  for (let i = 0; i < rs.length; i++) {
    const r = rs[i]!;
    if (r.ctx !== ctx) refuse('WrongContext', `receipt for ${r.ctx}`);
    if (r.src !== first.src || r.dst !== first.dst || r.msg !== first.msg) refuse('WrongMessage', 'hops disagree on the message');
    if (i > 0 && (r.prev !== receiptHash(raws[i - 1]!) || r.hop !== rs[i - 1]!.next)) refuse('MissingHop', `hop ${i} does not follow hop ${i - 1}`);
    if (rs.findIndex((o) => o.hop === r.hop) !== i) refuse('MissingHop', `${r.hop} appears twice`);
  }
}

/** The chain ends here, from the device the message came from, for this message. */
function checkEnds(rs: readonly ForwardReceipt[], c: ChainCheck): void {
  const first = rs[0]!;
  const last = rs[rs.length - 1]!;
  if (last.hop !== c.from) refuse('MissingHop', `the last receipt is ${last.hop}'s, the message came from ${c.from}`);
  if (last.next !== c.self) refuse('WrongDestination', `the last hop sent to ${last.next}`);
  if (c.final !== (first.dst === c.self)) refuse('WrongDestination', `the message is for ${first.dst}`);
  if (!c.final && rs.length >= MAX_HOPS) refuse('TooManyHops', `no room for another hop after ${rs.length}`);
  if (first.msg !== messageDigest(c.message)) refuse('WrongMessage', 'the receipts name another message');
}

/** Each hop a current member's device, in this epoch, charged what the cost table says and showed it (units never shown before). */
function checkHop(r: ForwardReceipt, c: ChainCheck, ledger: ReceiptLedger): void {
  if (!isMemberDevice(c.members, r.hop)) refuse('NotMember', `${r.hop} is no member's device in ${c.ctx}`);
  if (!isMemberDevice(c.members, r.next)) refuse('NotMember', `${r.next} is no member's device in ${c.ctx}`);
  if (r.epoch < c.epoch) refuse('OldEpoch', `epoch ${r.epoch} < ${c.epoch}`);
  if (r.epoch > c.epoch) refuse('FutureEpoch', `epoch ${r.epoch} > ${c.epoch}`);
  const cost = forwardCost(c.message.length);
  if (r.cost !== cost) refuse('WrongCost', `${r.hop} charged ${r.cost}, the table says ${cost}`);
  if (ledger.seen(r)) refuse('Replay', `nonce of ${r.hop} seen before`);
  if (r.spent < r.cost || r.spent > r.limit || ledger.overlaps(r)) refuse('Uncharged', `${r.hop} shows spent ${r.spent} of ${r.limit} for cost ${r.cost}: units it showed before, or beyond its budget`);
}

/**
 * Spec 000 §2.6: accepts a forwarded message only with a valid receipt chain rooted in the context — every
 * hop a device of a current member, every signature valid (strict rule), every receipt of the current epoch,
 * every hop's cost the table's and its charge evidenced by its own signed budget figures, no nonce replayed.
 * Records the receipts in `ledger` only when all of them pass. Throws ForwardError.
 */
export function verifyChain(chain: readonly Uint8Array[], c: ChainCheck, ledger: ReceiptLedger): ForwardReceipt[] {
  bounded(chain, ledger);
  return judged(chain.map(decodeReceipt), chain, c, ledger);
}

/** The same checks, each signature checked by `verifier` (the node's: WebCrypto behind the strict rule). */
export async function verifyChainWith(chain: readonly Uint8Array[], c: ChainCheck, ledger: ReceiptLedger, verifier: SignatureVerifier): Promise<ForwardReceipt[]> {
  bounded(chain, ledger);
  const rs = chain.map(readReceipt);
  for (const r of rs) if (!(await receiptVerifies(r, verifier))) refuse('BadSignature', `receipt of ${r.hop} does not verify`);
  return judged(rs, chain, c, ledger);
}

function bounded(chain: readonly Uint8Array[], ledger: ReceiptLedger): void {
  if (chain.length === 0) refuse('MissingHop', 'no receipts');
  if (chain.length > MAX_HOPS) refuse('TooManyHops', `${chain.length} receipts`);
  if (ledger.size + chain.length > MAX_LEDGER_NONCES) refuse('Overloaded', 'too many receipts this epoch');
}

/** Links, ends and every hop, then (only if all pass, with no await in between) recorded. */
function judged(rs: ForwardReceipt[], chain: readonly Uint8Array[], c: ChainCheck, ledger: ReceiptLedger): ForwardReceipt[] {
  checkLinks(rs, chain, c.ctx);
  checkEnds(rs, c);
  for (const r of rs) checkHop(r, c, ledger);
  ledger.record(rs, c.epoch);
  return rs;
}
