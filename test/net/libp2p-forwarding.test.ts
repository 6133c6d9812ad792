import { describe, expect, it } from 'vitest';
import { journalOf, namespaceId } from '../../src/core/ids.ts';
import { listForwards } from '../../src/core/reduce/relational.ts';
import { Mesh, type MeshPeer } from '../support/libp2p-mesh.ts';
import { until } from '../support/node-net.ts';

const id = (p: MeshPeer) => p.libp2p.peerId.toString();
const fromVia = (to: MeshPeer, from: MeshPeer) => to.node.forwarding.status().peers.find((p) => p.device === id(from));

describe('forwarding over real libp2p streams (/aura/fwd/1.0.0)', () => {
  it('with alice and bob cut apart, bob reconciles with alice through carol, receipts verified and kept', async () => {
    const mesh = new Mesh();
    const [a, b, c] = await Promise.all(['fa', 'fb', 'fc'].map((n) => mesh.add(n)));
    try {
      await mesh.connectAll();
      const ch = await a!.node.createChannel('fwd');
      const code = a!.node.joinCode(ch);
      for (const p of [b!, c!]) await p.node.joinChannel(code);
      for (const p of [a!, b!, c!]) await until(() => p.node.statusDetails(ch)?.expected.length === 2, `${p.node.profile} knows the members`, 20_000);
      await mesh.partition(a!, b!);
      await until(() => fromVia(b!, a!)?.path === id(c!), 'bob routes to alice via carol', 20_000);
      await a!.node.sendMessage(ch, 'over libp2p, through carol');
      let asked = 0;
      await until(() => {
        // A sync round now and then while waiting for its evidence.
        if (Date.now() - asked > 500) {
          asked = Date.now();
          void b!.node.syncNow();
        }
        return (fromVia(b!, a!)?.received ?? 0) > 0;
      }, "alice's frames reach bob through carol", 20_000);
      expect(fromVia(b!, a!)!.lastVia).toBe(id(c!));
      expect(c!.node.forwarding.status().forwarded).toBeGreaterThan(0);
      const ctx = namespaceId(a!.node.journals.fact(ch)!.fact.ns);
      await until(() => listForwards(b!.node.journals.get(journalOf(ctx))!.state.relational).some((f) => f.origin === id(a!) && f.via[0] === id(c!)), "bob keeps alice's chain", 20_000);
      expect(Object.keys(b!.node.network().dropped).filter((k) => k.startsWith('forward:') && !k.startsWith('forward:note:'))).toEqual([]);
    } finally {
      await mesh.stop();
    }
  }, 120_000);
});
