import { deviceKeyFromSeed } from '../src/core/crypto/ed25519.ts';
import { webcrypto } from 'node:crypto';
import { ReceiptLedger, verifyChain, verifyChainWith } from '../src/core/forwarding/chain.ts';
import { webCryptoVerifier } from '../src/node/webcrypto-verify.ts';
import { encodeEnvelope } from '../src/core/forwarding/envelope.ts';
import { createReceipt, forwardCost, messageDigest, receiptHash } from '../src/core/forwarding/receipt.ts';
import { MAX_FRAME_BYTES } from '../src/core/limits.ts';
import type { ContextMembers } from '../src/core/reduce/membership.ts';
import { median, report } from './report.ts';

/**
 * Forwarding with receipts: what one hop costs. Signing a receipt (each hop, per frame), verifying a full
 * two-hop chain (the destination, per frame), and the bytes a chain adds to a frame. Run: `npm run bench:forward`.
 */
const N = Number(process.env.BENCH_FORWARDS ?? 300);
const [A, C, B] = [1, 2, 3].map((n) => deviceKeyFromSeed(new Uint8Array(32).fill(n)));
const members: ContextMembers = { view: { context: 'ctx', rights: new Map() }, devices: new Map([['a', new Set([A!.deviceId])], ['c', new Set([C!.deviceId])], ['b', new Set([B!.deviceId])]]) };
const frame = new Uint8Array(MAX_FRAME_BYTES).fill(1);
const cost = forwardCost(frame.length);
const msg = messageDigest(frame);

const signUs: number[] = [];
const chains: Uint8Array[][] = [];
for (let i = 1; i <= N; i++) {
  const nonce = new Uint8Array(16);
  new DataView(nonce.buffer).setUint32(0, i);
  const base = { ctx: 'ctx', src: A!.deviceId, dst: B!.deviceId, epoch: 1, cost, spent: i * cost, limit: N * cost, nonce, msg };
  const t = performance.now();
  const r0 = createReceipt(A!, { ...base, next: C!.deviceId, prev: null });
  signUs.push((performance.now() - t) * 1000);
  chains.push([r0, createReceipt(C!, { ...base, next: B!.deviceId, prev: receiptHash(r0) })]);
}
report('forward.receipt.sign.median', median(signUs), 'µs/receipt');

const ledger = new ReceiptLedger();
const verifyUs: number[] = [];
for (const chain of chains) {
  const t = performance.now();
  verifyChain(chain, { ctx: 'ctx', members, epoch: 1, self: B!.deviceId, from: C!.deviceId, message: frame, final: true }, ledger);
  verifyUs.push((performance.now() - t) * 1000);
}
report('forward.chain2.verify.median', median(verifyUs), 'µs/chain');

// The node's path: WebCrypto (the platform's Ed25519) behind the strict rule, as in the browser.
const platform = webCryptoVerifier(webcrypto.subtle as SubtleCrypto);
const platformLedger = new ReceiptLedger();
const platformUs: number[] = [];
for (const chain of chains) {
  const t = performance.now();
  await verifyChainWith(chain, { ctx: 'ctx', members, epoch: 1, self: B!.deviceId, from: C!.deviceId, message: frame, final: true }, platformLedger, platform);
  platformUs.push((performance.now() - t) * 1000);
}
report('forward.chain2.verifyWebCrypto.median', median(platformUs), 'µs/chain');
report('forward.chain2.overhead', encodeEnvelope(chains[0]!, frame).length - frame.length, 'bytes/frame');
