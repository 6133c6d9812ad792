import { afterEach, describe, expect, it } from 'vitest';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { encodeEnvelope } from '../../src/core/forwarding/envelope.ts';
import { createReceipt, forwardCost, messageDigest, receiptHash } from '../../src/core/forwarding/receipt.ts';
import type { DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { MAX_STREAMS_PER_PEER } from '../../src/protocols/forwarding/forwarding-service.ts';
import { device, keyOf, partitionedTrio, pathTo } from '../support/forwarding-net.ts';
import { MemoryBus, until, type TestPeer } from '../support/node-net.ts';

let open: TestPeer[] = [];
afterEach(async () => {
  for (const p of open) await p.node.close();
  open = [];
});

let nonces = 0;
/** A sync frame as a forwarded session would carry it (its content is never reached by these attacks). */
const frame = new Uint8Array(100).fill(7);

interface World {
  a: TestPeer;
  b: TestPeer;
  c: TestPeer;
  ctx: string;
  A: DeviceKey;
  C: DeviceKey;
}

async function world(): Promise<World> {
  const bus = new MemoryBus({ forwarding: true });
  const { a, b, c, ctx } = await partitionedTrio(bus);
  open = [a, b, c];
  return { a, b, c, ctx, A: keyOf('alice'), C: keyOf('carol') };
}

/** A receipt of `k` for alice's message to bob, sent on to `next`, with the given figures. */
function receipt(w: World, k: DeviceKey, next: string, spent: number, prev: Uint8Array | null, epoch = w.b.node.charges.epoch): Uint8Array {
  return createReceipt(k, {
    ctx: w.ctx, src: device(w.a), dst: device(w.b), next, epoch, cost: forwardCost(frame.length), spent, limit: 1000,
    nonce: new Uint8Array(16).map((_, i) => (i === 0 ? ++nonces & 0xff : i === 1 ? nonces >> 8 : 0)), prev: prev && receiptHash(prev), msg: messageDigest(frame),
  });
}

/** Carol, a member turned hostile, hands bob one envelope on a forward stream of her own. */
async function carolSends(w: World, chain: Uint8Array[]): Promise<void> {
  const leg = await w.c.transport.forward!.open(device(w.b));
  await leg.send(encodeEnvelope(chain, frame));
}

const drops = (p: TestPeer, code: string) => p.node.network().dropped[`forward:${code}`] ?? 0;
const refusedFrom = (w: World) => w.b.node.forwarding.status().peers.find((p) => p.device === device(w.c))?.refused ?? {};

describe('forwarding attacks (spec 000 §2.6, §6.3): the receiver refuses what the signed chain does not prove', () => {
  it('a forwarder that forges the origin\'s hop is refused (BadSignature), and nothing reaches the protocol', async () => {
    const w = await world();
    // Carol signs a receipt and claims it is alice's.
    const mine = decodeCanonical<Record<string, unknown>>(receipt(w, w.C, device(w.c), 1, null));
    const forged = encodeCanonical({ ...mine, hop: device(w.a) });
    await carolSends(w, [forged, receipt(w, w.C, device(w.b), 1, forged)]);
    await until(() => drops(w.b, 'BadSignature') === 1, 'forward:BadSignature');
    expect(refusedFrom(w)).toEqual({ BadSignature: 1 });
    expect(w.b.node.forwarding.status().peers.find((p) => p.device === device(w.a))?.received ?? 0).toBe(0);
  });

  it('a forwarder that drops a hop is refused (MissingHop): its own receipt alone does not reach the origin', async () => {
    const w = await world();
    await carolSends(w, [receipt(w, w.C, device(w.b), 1, null)]);
    await until(() => drops(w.b, 'MissingHop') === 1, 'forward:MissingHop');
    // Alice's receipt alone, with carol's hop dropped: the last receipt is not carol's.
    await carolSends(w, [receipt(w, w.A, device(w.c), 1, null)]);
    await until(() => drops(w.b, 'MissingHop') === 2, 'forward:MissingHop again');
  });

  it('a forwarder that does not charge is refused (Uncharged): it must show budget units it showed before', async () => {
    const w = await world();
    const r0 = receipt(w, w.A, device(w.c), 1, null);
    await carolSends(w, [r0, receipt(w, w.C, device(w.b), 1, r0)]);
    await until(() => (w.b.node.forwarding.status().peers.find((p) => p.device === device(w.a))?.received ?? 0) === 1, 'the honest first message accepted');
    // Alice honestly charged again; carol passes it on showing the same spent as before.
    const r0b = receipt(w, w.A, device(w.c), 2, null);
    await carolSends(w, [r0b, receipt(w, w.C, device(w.b), 1, r0b)]);
    await until(() => drops(w.b, 'Uncharged') === 1, 'forward:Uncharged');
  });

  it('a replayed chain (Replay) and an old epoch\'s (OldEpoch) are refused', async () => {
    const w = await world();
    const r0 = receipt(w, w.A, device(w.c), 1, null);
    const chain = [r0, receipt(w, w.C, device(w.b), 1, r0)];
    await carolSends(w, chain);
    await carolSends(w, chain);
    await until(() => drops(w.b, 'Replay') === 1, 'forward:Replay');
    const old = w.b.node.charges.epoch - 1;
    const o0 = receipt(w, w.A, device(w.c), 5, null, old);
    await carolSends(w, [o0, receipt(w, w.C, device(w.b), 5, o0, old)]);
    await until(() => drops(w.b, 'OldEpoch') === 1, 'forward:OldEpoch');
  });

  it('a flood of streams is bounded per peer (Busy), and honest forwarding still works afterwards', async () => {
    const w = await world();
    // Streams that never say anything hold their place: beyond the bound they are refused at once.
    const legs = await Promise.all(Array.from({ length: MAX_STREAMS_PER_PEER + 5 }, () => w.c.transport.forward!.open(device(w.b))));
    await until(() => drops(w.b, 'Busy') === 5, 'forward:Busy');
    for (const leg of legs) await leg.close();
    // A flood of garbage on fresh streams: each refused and closed, none wedging the receiver.
    for (let i = 0; i < 20; i++) {
      const leg = await w.c.transport.forward!.open(device(w.b));
      await leg.send(new Uint8Array([0xff, i]));
    }
    await until(() => drops(w.b, 'Malformed') === 20, 'forward:Malformed');
    await until(() => pathTo(w.a, w.b) === device(w.c), 'a route via carol');
    const id = await w.a.node.sendMessage(w.a.node.channels().data[0]!.id, 'after the flood');
    await w.b.node.syncNow();
    await until(() => w.b.node.messages(w.b.node.channels().data[0]!.id).data.some((m) => m.id === id), 'delivered through carol');
  });
});
