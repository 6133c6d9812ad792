import { describe, expect, it } from 'vitest';
import { Mesh, type MeshPeer } from '../support/libp2p-mesh.ts';
import { lcg } from '../support/tree-pool.ts';
import { until } from '../support/node-net.ts';

const texts = (p: MeshPeer, ch: string) => p.node.messages(ch).data.map((m) => m.text).sort();

describe('five real libp2p nodes in one process', () => {
  it('converge to identical journals under random partitions and heals', async () => {
    const mesh = new Mesh();
    const peers = await Promise.all(['p0', 'p1', 'p2', 'p3', 'p4'].map((n) => mesh.add(n)));
    await mesh.connectAll();
    const ch = await peers[0]!.node.createChannel('mesh');
    const code = peers[0]!.node.joinCode(ch);
    for (const p of peers.slice(1)) await p.node.joinChannel(code);
    for (const p of peers) await until(() => p.node.channels().data.length === 1 && p.node.statusDetails(ch)?.expected.length === 4, `${p.node.profile} joined`, 20_000);

    const rnd = lcg(2026);
    let n = 0;
    let missed = 0;
    for (let round = 0; round < 5; round++) {
      // One node is cut off from everyone: only anti-entropy can bring it what it misses.
      const isolated = peers[rnd() % 5]!;
      for (const other of peers) if (other !== isolated) await mesh.partition(isolated, other);
      const writer = peers.filter((p) => p !== isolated)[rnd() % 4]!;
      for (let k = 0; k < 4; k++) await writer.node.sendMessage(ch, `r${round}-m${k}`), n++;
      await until(() => peers.every((p) => p === isolated || texts(p, ch).length === n), 'gossip reaches the connected', 20_000);
      missed += n - texts(isolated, ch).length;
      mesh.heal();
      await mesh.connectAll();
    }
    expect(missed).toBeGreaterThan(0);
    for (let pass = 0; pass < 2; pass++) {
      for (const p of peers) await p.node.syncNow();
      await new Promise((r) => setTimeout(r, 600));
    }
    for (const p of peers) await until(() => texts(p, ch).length === n, `${p.node.profile} has all ${n}`, 20_000);
    const reference = texts(peers[0]!, ch);
    for (const p of peers) expect(texts(p, ch)).toEqual(reference);
    // Reconciliation really ran over libp2p streams.
    expect(peers.some((p) => (p.node.syncMetrics()?.recent ?? []).some((o) => o.ok && o.rounds > 0))).toBe(true);
    await mesh.stop();
  }, 120_000);
});
