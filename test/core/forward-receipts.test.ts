import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { deviceKeyFromSeed, verify, type DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { ReceiptLedger, verifyChain, verifyChainWith, type ChainCheck } from '../../src/core/forwarding/chain.ts';
import { ForwardError } from '../../src/core/forwarding/errors.ts';
import { decodeEnvelope, encodeEnvelope } from '../../src/core/forwarding/envelope.ts';
import { createLinkNote, verifyLinkNote } from '../../src/core/forwarding/link-note.ts';
import { createReceipt, decodeReceipt, forwardCost, messageDigest, receiptHash, FORWARD_UNIT_BYTES } from '../../src/core/forwarding/receipt.ts';
import type { ContextMembers } from '../../src/core/reduce/membership.ts';

const key = (n: number): DeviceKey => deviceKeyFromSeed(new Uint8Array(32).fill(n));
const A = key(1); // origin
const C = key(2); // forwarder
const B = key(3); // destination
const X = key(4); // no member's device
const CTX = 'ctx-fwd';
const EPOCH = 7;
const LIMIT = 100;

const members: ContextMembers = {
  view: { context: CTX, rights: new Map([['alice', new Set()], ['carol', new Set()], ['bob', new Set()]]) },
  devices: new Map([['alice', new Set([A.deviceId])], ['carol', new Set([C.deviceId])], ['bob', new Set([B.deviceId])]]),
};

const message = new Uint8Array(5000).fill(9);
let nonce = 0;
const nextNonce = () => new Uint8Array(16).fill(++nonce % 256).map((v, i) => (i === 0 ? nonce >> 8 : v));

interface HopOpts {
  spent?: number;
  epoch?: number;
  cost?: number;
  prev?: string | null;
  nonce?: Uint8Array;
  msg?: Uint8Array;
  ctx?: string;
  dst?: string;
}

/** One hop's receipt: `hop` sends `A`'s message for `B` on to `next`. */
function hop(k: DeviceKey, next: DeviceKey, prev: Uint8Array | null, o: HopOpts = {}): Uint8Array {
  const cost = o.cost ?? forwardCost((o.msg ?? message).length);
  return createReceipt(k, {
    ctx: o.ctx ?? CTX,
    src: A.deviceId,
    dst: o.dst ?? B.deviceId,
    next: next.deviceId,
    epoch: o.epoch ?? EPOCH,
    cost,
    spent: o.spent ?? cost,
    limit: LIMIT,
    nonce: o.nonce ?? nextNonce(),
    prev: o.prev !== undefined ? o.prev : prev && receiptHash(prev),
    msg: messageDigest(o.msg ?? message),
  });
}

/** The honest two-hop chain A → C → B, with each hop's spent given. */
function chain(spentA = 2, spentC = 2): Uint8Array[] {
  const r0 = hop(A, C, null, { spent: spentA });
  return [r0, hop(C, B, r0, { spent: spentC })];
}

const atB = (over: Partial<ChainCheck> = {}): ChainCheck => ({ ctx: CTX, members, epoch: EPOCH, self: B.deviceId, from: C.deviceId, message, final: true, ...over });

function refusal(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ForwardError);
    return (e as ForwardError).code;
  }
  throw new Error('accepted');
}

describe('forward receipts: the chain verifier (spec 000 §2.6)', () => {
  it('costs follow the one cost table per started unit of size', () => {
    expect(forwardCost(1)).toBe(1);
    expect(forwardCost(FORWARD_UNIT_BYTES)).toBe(1);
    expect(forwardCost(FORWARD_UNIT_BYTES + 1)).toBe(2);
    expect(forwardCost(message.length)).toBe(2);
  });

  it('accepts a valid chain rooted in the context, at the forwarder and at the destination', () => {
    const [r0, r1] = chain();
    const atC = verifyChain([r0!], atB({ self: C.deviceId, from: A.deviceId, final: false }), new ReceiptLedger());
    expect(atC.map((r) => r.hop)).toEqual([A.deviceId]);
    const rs = verifyChain([r0!, r1!], atB(), new ReceiptLedger());
    expect(rs.map((r) => [r.hop, r.next])).toEqual([[A.deviceId, C.deviceId], [C.deviceId, B.deviceId]]);
    // A direct one-hop chain is valid at the destination too.
    expect(verifyChain([hop(A, B, null)], atB({ from: A.deviceId }), new ReceiptLedger())).toHaveLength(1);
  });

  it('the platform-verifier path decides the same: valid accepted, a bad signature refused', async () => {
    const pure = async (sig: Uint8Array, m: Uint8Array, pk: Uint8Array) => verify(sig, m, pk);
    expect(await verifyChainWith(chain(), atB(), new ReceiptLedger(), pure)).toHaveLength(2);
    const [r0, r1] = chain();
    const tampered = encodeCanonical({ ...decodeCanonical<Record<string, unknown>>(r1!), spent: 50 });
    await expect(verifyChainWith([r0!, tampered], atB(), new ReceiptLedger(), pure)).rejects.toMatchObject({ code: 'BadSignature' });
  });

  it('refuses a chain with a missing hop', () => {
    const [r0, r1] = chain();
    // The origin's receipt left out: the chain starts at the forwarder.
    expect(refusal(() => verifyChain([r1!], atB(), new ReceiptLedger()))).toBe('MissingHop');
    // The forwarder's left out: the last receipt is not the device the message came from.
    expect(refusal(() => verifyChain([r0!], atB(), new ReceiptLedger()))).toBe('MissingHop');
    // A forwarder's receipt that names no previous hop, or another one.
    expect(refusal(() => verifyChain([r0!, hop(C, B, null, { prev: null })], atB(), new ReceiptLedger()))).toBe('MissingHop');
    expect(refusal(() => verifyChain([r0!, hop(C, B, hop(A, C, null))], atB(), new ReceiptLedger()))).toBe('MissingHop');
    expect(refusal(() => verifyChain([], atB(), new ReceiptLedger()))).toBe('MissingHop');
  });

  it('refuses a chain with a bad signature', () => {
    const [r0, r1] = chain();
    const forged = decodeCanonical<Record<string, unknown>>(r1!);
    const tampered = encodeCanonical({ ...forged, spent: 50 }); // a figure changed after signing
    expect(refusal(() => verifyChain([r0!, tampered], atB(), new ReceiptLedger()))).toBe('BadSignature');
    const sig = new Uint8Array(forged.sig as Uint8Array);
    sig[5]! ^= 1;
    expect(refusal(() => verifyChain([r0!, encodeCanonical({ ...forged, sig })], atB(), new ReceiptLedger()))).toBe('BadSignature');
  });

  it('refuses a chain of an old epoch (and of a future one)', () => {
    const r0 = hop(A, C, null, { epoch: EPOCH - 1 });
    expect(refusal(() => verifyChain([r0, hop(C, B, r0)], atB(), new ReceiptLedger()))).toBe('OldEpoch');
    const r0n = hop(A, C, null);
    expect(refusal(() => verifyChain([r0n, hop(C, B, r0n, { epoch: EPOCH - 1 })], atB(), new ReceiptLedger()))).toBe('OldEpoch');
    expect(refusal(() => verifyChain([r0n, hop(C, B, r0n, { epoch: EPOCH + 1 })], atB(), new ReceiptLedger()))).toBe('FutureEpoch');
  });

  it('refuses a hop that did not charge: its budget figures do not move, or do not cover its cost', () => {
    const ledger = new ReceiptLedger();
    verifyChain(chain(2, 2), atB(), ledger);
    // The forwarder shows the same spent again: this forward was not charged.
    expect(refusal(() => verifyChain(chain(4, 2), atB(), ledger))).toBe('Uncharged');
    // It moved by less than the cost.
    expect(refusal(() => verifyChain(chain(4, 3), atB(), ledger))).toBe('Uncharged');
    // A spent below the cost, or beyond the limit, shows no real charge either.
    expect(refusal(() => verifyChain(chain(2, 1), atB(), new ReceiptLedger()))).toBe('Uncharged');
    expect(refusal(() => verifyChain(chain(2, LIMIT + 2), atB(), new ReceiptLedger()))).toBe('Uncharged');
    // The origin's hop is held to the same rule.
    expect(refusal(() => verifyChain(chain(2, 4), atB(), ledger))).toBe('Uncharged');
    // Charged honestly, both move on by at least the cost: accepted.
    expect(verifyChain(chain(4, 4), atB(), ledger)).toHaveLength(2);
  });

  it('accepts an honest hop\'s receipts in any order: its charges claim disjoint units of its budget', () => {
    const ledger = new ReceiptLedger();
    // Two streams through one forwarder: the later charge's message arrives first.
    const late = chain(4, 4);
    const early = chain(2, 2);
    expect(verifyChain(late, atB(), ledger)).toHaveLength(2);
    expect(verifyChain(early, atB(), ledger)).toHaveLength(2);
    // Units 3..4 were shown already: a third receipt claiming them did not charge.
    expect(refusal(() => verifyChain(chain(6, 4), atB(), ledger))).toBe('Uncharged');
  });

  it('refuses a cost that is not the table\'s for the message\'s size', () => {
    const r0 = hop(A, C, null, { cost: 1, spent: 1 });
    expect(refusal(() => verifyChain([r0, hop(C, B, r0)], atB(), new ReceiptLedger()))).toBe('WrongCost');
  });

  it('refuses a replayed receipt', () => {
    const ledger = new ReceiptLedger();
    const c = chain();
    verifyChain(c, atB(), ledger);
    expect(refusal(() => verifyChain(c, atB(), ledger))).toBe('Replay');
    // A fresh receipt reusing a nonce, even with honest figures.
    const r0 = hop(A, C, null, { spent: 4 });
    const r1 = hop(C, B, r0, { spent: 4, nonce: decodeCanonical<{ nonce: Uint8Array }>(c[1]!).nonce });
    expect(refusal(() => verifyChain([r0, r1], atB(), ledger))).toBe('Replay');
  });

  it('refuses a hop that is no current member\'s device', () => {
    const r0 = hop(A, X, null);
    expect(refusal(() => verifyChain([r0, hop(X, B, r0)], atB({ from: X.deviceId }), new ReceiptLedger()))).toBe('NotMember');
    // A removed device (excluded by the membership evidence) is no member's either.
    const without = { ...members, excluded: new Set([C.deviceId]) };
    expect(refusal(() => verifyChain(chain(), atB({ members: without }), new ReceiptLedger()))).toBe('NotMember');
  });

  it('refuses a chain for another context, message or destination', () => {
    const r0 = hop(A, C, null, { ctx: 'other' });
    expect(refusal(() => verifyChain([r0, hop(C, B, r0, { ctx: 'other' })], atB(), new ReceiptLedger()))).toBe('WrongContext');
    expect(refusal(() => verifyChain(chain(), atB({ message: new Uint8Array(5000) }), new ReceiptLedger()))).toBe('WrongMessage');
    const r0d = hop(A, C, null, { dst: X.deviceId });
    expect(refusal(() => verifyChain([r0d, hop(C, B, r0d, { dst: X.deviceId })], atB(), new ReceiptLedger()))).toBe('WrongDestination');
    // A forwarder may not be handed a full chain to extend.
    expect(refusal(() => verifyChain(chain(), atB({ self: B.deviceId, final: false }), new ReceiptLedger()))).toBe('WrongDestination');
  });

  it('records nothing from a refused chain', () => {
    const ledger = new ReceiptLedger();
    const r0 = hop(A, C, null, { spent: 2 });
    expect(refusal(() => verifyChain([r0, hop(C, B, r0, { epoch: EPOCH - 1 })], atB(), ledger))).toBe('OldEpoch');
    expect(ledger.size).toBe(0);
    // The origin's receipt was not consumed: its first honest use still passes.
    expect(verifyChain([r0, hop(C, B, r0)], atB(), ledger)).toHaveLength(2);
  });
});

describe('link notes: a member device\'s signed "I am linked to …"', () => {
  const links = [B.deviceId, A.deviceId];
  const check = { ctx: CTX, members, epoch: EPOCH };

  it('a member\'s note of this epoch or the last is accepted, its links sorted', () => {
    expect(verifyLinkNote(createLinkNote(C, CTX, EPOCH, links), check).links).toEqual([...links].sort());
    expect(verifyLinkNote(createLinkNote(C, CTX, EPOCH - 1, links), check).device).toBe(C.deviceId);
  });

  it('an older note, a non-member\'s, another context\'s or a tampered one is refused', () => {
    expect(refusal(() => verifyLinkNote(createLinkNote(C, CTX, EPOCH - 2, links), check))).toBe('OldEpoch');
    expect(refusal(() => verifyLinkNote(createLinkNote(X, CTX, EPOCH, links), check))).toBe('NotMember');
    expect(refusal(() => verifyLinkNote(createLinkNote(C, 'other', EPOCH, links), check))).toBe('WrongContext');
    const n = decodeCanonical<Record<string, unknown>>(createLinkNote(C, CTX, EPOCH, [A.deviceId]));
    expect(refusal(() => verifyLinkNote(encodeCanonical({ ...n, links: [A.deviceId, X.deviceId].sort() }), check))).toBe('BadSignature');
  });
});

describe('forwarding decoders refuse hostile bytes with ForwardError only', () => {
  it('envelopes, receipts and notes: random bytes and mutations of real ones', () => {
    const real = [encodeEnvelope(chain(), message), chain()[0]!, createLinkNote(C, CTX, EPOCH, [A.deviceId])];
    fc.assert(
      fc.property(fc.oneof(fc.uint8Array({ maxLength: 600 }), fc.tuple(fc.nat(2), fc.nat(), fc.integer({ min: 0, max: 255 })).map(([k, at, v]) => {
        const b = new Uint8Array(real[k]!);
        b[at % b.length] = v;
        return b;
      })), (bytes) => {
        for (const decode of [decodeEnvelope, decodeReceipt, (x: Uint8Array) => verifyLinkNote(x, { ctx: CTX, members, epoch: EPOCH })]) {
          try {
            decode(bytes);
          } catch (e) {
            expect(e).toBeInstanceOf(ForwardError);
          }
        }
      }),
      { numRuns: 300 },
    );
  });
});
