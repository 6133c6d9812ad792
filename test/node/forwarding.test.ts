import { afterEach, describe, expect, it } from 'vitest';
import { journalOf } from '../../src/core/ids.ts';
import { listForwards } from '../../src/core/reduce/relational.ts';
import { buildReport } from '../../src/node/lab/lab-report.ts';
import { device, partitionedTrio, pathTo } from '../support/forwarding-net.ts';
import { MemoryBus, until, type TestPeer } from '../support/node-net.ts';

const texts = (p: TestPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text).sort();
let open: TestPeer[] = [];
let nudged = 0;

/** Asks for a sync round now and then while waiting for its evidence (never fails the wait itself). */
function nudge(p: TestPeer): false {
  if (Date.now() - nudged > 500) {
    nudged = Date.now();
    void p.node.syncNow();
  }
  return false;
}

afterEach(async () => {
  for (const p of open) await p.node.close();
  open = [];
});

const forwardDrops = (p: TestPeer) => Object.keys(p.node.network().dropped).filter((k) => k.startsWith('forward:') && !k.startsWith('forward:note:'));

describe('forwarding with receipts between nodes (DESIGN §5)', () => {
  it('with alice and bob cut apart, their sessions go through carol: messages, acks and evidence arrive, receipts are kept', async () => {
    const bus = new MemoryBus({ forwarding: true });
    const { a, b, c, ch, ctx } = await partitionedTrio(bus);
    open = [a, b, c];
    // Each learns from carol's signed link note that she is linked to the other.
    await until(() => pathTo(a, b) === device(c) && pathTo(b, a) === device(c), 'a route via carol both ways');
    expect(pathTo(a, c)).toBe('direct');

    const id = await a.node.sendMessage(ch, 'through carol');
    // Bob reconciles with alice through carol: he gets her message from her, not only from carol.
    await b.node.syncNow();
    await until(() => texts(b, ch).includes('through carol'), 'bob has the message');
    // Alice's evidence for bob comes only from a session with bob: a forwarded one (gossip reaches carol only).
    const bob = b.node.identity()!.authorityId;
    await until(() => a.node.statusDetails(id)?.acks.some((r) => r.peer === bob) === true || nudge(a), "bob's ack reaches alice");
    await until(() => a.node.statusDetails(id)?.propagation.state === 'Complete' || nudge(a), 'complete for alice');

    // The receivers keep the chains as facts of the context, origin → carol → themselves.
    const kept = (p: TestPeer) => listForwards(p.node.journals.get(journalOf(ctx))!.state.relational);
    await until(() => kept(b).some((f) => f.origin === device(a) && f.receiver === device(b)), "bob's receipt fact");
    await until(() => kept(a).some((f) => f.origin === device(b) && f.receiver === device(a)), "alice's receipt fact");
    for (const f of kept(b)) expect(f.via).toEqual([device(c)]);
    // Facts of the context: carol, a member, holds them too once they reach her.
    await until(() => kept(c).length >= 2, 'carol holds the receipt facts');

    const carol = c.node.forwarding.status();
    expect(carol.forwarded).toBeGreaterThan(0);
    expect(b.node.forwarding.status().peers.find((p) => p.device === device(a))).toMatchObject({ path: device(c), lastVia: device(c) });
    expect(b.node.forwarding.status().peers.find((p) => p.device === device(a))!.received).toBeGreaterThan(0);
    for (const p of [a, b, c]) expect(forwardDrops(p)).toEqual([]);
    // The lab's report of bob's tab says alice is reached via carol, with the receipt facts bob keeps of it.
    const route = buildReport(b.node, undefined).forwarded.find((f) => f.peer === device(a));
    expect(route).toMatchObject({ via: device(c) });
    expect(route!.receipts).toBe(kept(b).filter((f) => f.origin === device(a)).length);
    expect(route!.receipts).toBeGreaterThan(0);
    expect(buildReport(c.node, undefined).forwarded).toEqual([]);
  });

  it('once the link heals, sessions go direct again', async () => {
    const bus = new MemoryBus({ forwarding: true });
    const { a, b, c } = await partitionedTrio(bus);
    open = [a, b, c];
    await until(() => typeof pathTo(a, b) === 'string' && pathTo(a, b) !== 'direct', 'routed');
    await a.node.syncNow();
    await until(() => (b.node.forwarding.status().peers.find((p) => p.device === device(a))?.received ?? 0) > 0, 'a session through carol');
    expect(buildReport(b.node, undefined).forwarded).toContainEqual(expect.objectContaining({ peer: device(a), via: device(c) }));
    bus.partition(device(a), device(b), false);
    expect(pathTo(a, b)).toBe('direct');
    // The lab no longer says "via carol" once the direct link is back.
    expect(buildReport(b.node, undefined).forwarded).toEqual([]);
    const before = b.node.forwarding.status().peers.find((p) => p.device === device(a))?.received ?? 0;
    await a.node.syncNow();
    expect(b.node.forwarding.status().peers.find((p) => p.device === device(a))?.received ?? 0).toBe(before);
  });
});
