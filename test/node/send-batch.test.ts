import { describe, expect, it } from 'vitest';
import { MAX_ENVELOPE_FACTS } from '../../src/core/limits.ts';
import { MemoryBus, peerOn, until } from '../support/node-net.ts';

describe('sends in a burst (group commit)', () => {
  it('a burst of sends is written and published together, in the order of the calls, and every one arrives', async () => {
    const bus = new MemoryBus();
    const [a, b] = await Promise.all([peerOn(bus, 'alice'), peerOn(bus, 'bob')]);
    const ch = await a.node.createChannel('burst');
    await b.node.joinChannel(a.node.joinCode(ch));
    await until(() => a.node.statusDetails(ch)?.expected.length === 1, 'alice admits bob');
    const before = a.node.network().published;
    const n = 300;
    const ids = await Promise.all(Array.from({ length: n }, (_, i) => a.node.sendMessage(ch, `m${i}`)));
    expect(new Set(ids).size).toBe(n);
    // One write: its facts packed MAX_ENVELOPE_FACTS to a payload, not one payload per send (which would be
    // 300). The margin is other traffic of the same moments (the channel's witnesses start their DKG).
    expect(a.node.network().published - before).toBeLessThanOrEqual(Math.ceil(n / MAX_ENVELOPE_FACTS) + 20);
    const want = Array.from({ length: n }, (_, i) => `m${i}`);
    expect(a.node.messages(ch).data.map((m) => m.text)).toEqual(want);
    await until(() => b.node.messages(ch).data.length === n, 'bob has the burst');
    expect(b.node.messages(ch).data.map((m) => m.text)).toEqual(want);
  });

  it('a send refused before it is batched fails alone, typed, without holding up the others; after close sends are refused typed', async () => {
    const bus = new MemoryBus();
    const a = await peerOn(bus, 'alice');
    const ch = await a.node.createChannel('c');
    const ok = a.node.sendMessage(ch, 'fine');
    const bad = a.node.sendMessage(ch, '   ');
    await expect(bad).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(ok).resolves.toBeTypeOf('string');
    await a.node.close();
    await expect(a.node.sendMessage(ch, 'late')).rejects.toMatchObject({ code: 'NodeClosed' });
  });
});
