import { ReceiptLedger, verifyChain, verifyChainWith, type ChainCheck } from '../../core/forwarding/chain.ts';
import { decodeEnvelope, encodeEnvelope, type ForwardEnvelope } from '../../core/forwarding/envelope.ts';
import { ForwardError } from '../../core/forwarding/errors.ts';
import { createReceipt, forwardCost, messageDigest, receiptHash, type ForwardReceipt } from '../../core/forwarding/receipt.ts';
import type { ContextId, DeviceId } from '../../core/ids.ts';
import { BudgetExhausted } from '../sync/charge.ts';
import type { ForwardHost } from './forward-host.ts';

/** Which message a stream carries in one direction: bound by its first envelope, never changed after. */
export interface Direction {
  readonly ctx: ContextId;
  readonly src: DeviceId;
  readonly dst: DeviceId;
}

/**
 * Judges one envelope that arrived from the direct peer `from`: decodes it and verifies its chain rooted in
 * the context, for the message of `dir` (at the destination: ending here; at a forwarder: with room for one
 * more hop). Throws ForwardError; nothing is recorded from a refused envelope.
 */
export async function judge(host: ForwardHost, ledger: ReceiptLedger, raw: Uint8Array, from: DeviceId, dir: Direction): Promise<{ env: ForwardEnvelope; rs: ForwardReceipt[] }> {
  const env = decodeEnvelope(raw);
  const self = host.key.deviceId;
  const check = (): ChainCheck => ({ ctx: dir.ctx, members: host.members(dir.ctx), epoch: host.epoch(), self, from, message: env.frame, final: dir.dst === self });
  const rs = host.verify ? await verifyChainWith(env.chain, check(), ledger, host.verify) : verifyChain(env.chain, check(), ledger);
  if (rs[0]!.src !== dir.src || rs[0]!.dst !== dir.dst) throw new ForwardError('WrongMessage', `the stream carries ${dir.src} → ${dir.dst}`);
  return { env, rs };
}

/**
 * This hop's part: charges its own budget for `next` first (a refused charge sends nothing: BudgetExhausted),
 * then signs its receipt with the budget's figures after the charge, chained to the previous receipt.
 */
export function stamp(host: ForwardHost, dir: Direction, next: DeviceId, frame: Uint8Array, chain: readonly Uint8Array[]): Uint8Array {
  const cost = forwardCost(frame.length);
  const c = host.charge(dir.ctx, next, cost);
  if (!c.ok) throw new BudgetExhausted(c.resumeAt);
  const last = chain[chain.length - 1];
  const r = createReceipt(host.key, { ctx: dir.ctx, src: dir.src, dst: dir.dst, next, epoch: c.epoch, cost, spent: c.spent, limit: c.limit, nonce: host.nonce(), prev: last ? receiptHash(last) : null, msg: messageDigest(frame) });
  return encodeEnvelope([...chain, r], frame);
}
