import { IDBFactory } from 'fake-indexeddb';
import { sha256 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { AuraNode } from '../../src/node/aura-node.ts';
import { MAX_MESSAGE_CHARS, NodeError } from '../../src/node/api.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { openStore } from '../../src/store/store.ts';
import { validateFact } from '../../src/core/facts/validate.ts';

/** Deterministic injected effects: a manual clock and a seeded byte stream. */
function effects(seed: string) {
  let t = 1_700_000_000_000;
  let counter = 0;
  return {
    now: () => (t += 7),
    random: (n: number) => {
      const out = new Uint8Array(n);
      for (let o = 0; o < n; o += 32) out.set(sha256(new TextEncoder().encode(`${seed}/${counter++}`)).subarray(0, Math.min(32, n - o)), o);
      return out;
    },
  };
}

async function openNode(factory: IDBFactory, profile: string, seed = profile): Promise<AuraNode> {
  const store = await openStore(`aura-${profile}`, { factory });
  const deps: NodeDeps = { profile, store, ...effects(seed) };
  return AuraNode.open(deps);
}

describe('AuraNode', () => {
  it('first run has no identity; creating one writes a valid genesis with one device', async () => {
    const node = await openNode(new IDBFactory(), 'a');
    expect(node.identity()).toBeNull();
    const id = await node.createIdentity('Alice');
    expect(id.displayName).toBe('Alice');
    expect(id.deviceId).toMatch(/^12D3KooW/);
    expect(id.authorityId).toMatch(/^bafy/);
    expect((await node.deviceInfo()).factCount).toBe(1);
    await expect(node.createIdentity('Again')).rejects.toMatchObject({ code: 'IdentityExists' });
  });

  it('account: null before an identity; then its TreeStateSummary and its one device, marked, also after a cold start', async () => {
    const factory = new IDBFactory();
    const node = await openNode(factory, 'acct');
    expect(node.account()).toBeNull();
    const id = await node.createIdentity('Alice');
    const account = node.account()!;
    expect(account.authorityId).toBe(id.authorityId);
    expect(account.summary).toMatchObject({ threshold: 1, deviceCount: 1 });
    expect(account.summary.commitment).toMatch(/^[0-9a-f]{64}$/);
    expect(account.devices).toEqual([{ deviceId: id.deviceId, role: 'device', thisDevice: true }]);
    await node.close();
    const again = await openNode(factory, 'acct');
    expect(again.account()).toEqual(account);
    await again.close();
  });

  it('keeps its device key, identity, channels and messages across a cold start', async () => {
    const factory = new IDBFactory();
    const a = await openNode(factory, 'p');
    const me = await a.createIdentity('Alice');
    const ch = await a.createChannel('general');
    for (const t of ['one', 'two', 'three']) await a.sendMessage(ch, t);
    await a.close();

    const b = await openNode(factory, 'p', 'other-seed');
    expect(b.identity()).toEqual(me);
    expect(b.channels().data.map((c) => c.name)).toEqual(['general']);
    const msgs = b.messages(ch);
    expect(msgs.data.map((m) => m.text)).toEqual(['one', 'two', 'three']);
    expect(b.messages(ch, 2).data.map((m) => m.text)).toEqual(['two', 'three']);
    expect(msgs.data.every((m) => m.own && m.indicator === 'Sending')).toBe(true);
    for (const m of msgs.data) {
      expect(msgs.consistency.propagation(m.id)).toEqual({ state: 'Local' });
      expect(msgs.consistency.get(m.id)?.agreement.level).toBe('Provisional');
    }
  });

  it('orders its own facts by a monotone clock', async () => {
    const node = await openNode(new IDBFactory(), 'v');
    await node.createIdentity('Val');
    const ch = await node.createChannel('c');
    const ids = [await node.sendMessage(ch, 'x'), await node.sendMessage(ch, 'y')];
    const msgs = node.messages(ch).data;
    expect(msgs.map((m) => m.id)).toEqual(ids);
    expect(msgs[0]!.sentAt).toBeLessThan(msgs[1]!.sentAt);
  });

  it('notifies subscribers synchronously after each applied change', async () => {
    const node = await openNode(new IDBFactory(), 's');
    let calls = 0;
    const off = node.subscribe(() => calls++);
    const before = node.version;
    await node.createIdentity('Sub');
    expect(calls).toBe(1);
    expect(node.version).toBe(before + 1);
    off();
    await node.createChannel('quiet');
    expect(calls).toBe(1);
  });

  it('refuses writes with typed errors and leaves state untouched', async () => {
    const node = await openNode(new IDBFactory(), 'e');
    await expect(node.createChannel('x')).rejects.toMatchObject({ code: 'NoIdentity' });
    await node.createIdentity('Err');
    await expect(node.sendMessage('bafy-unknown', 'hi')).rejects.toBeInstanceOf(NodeError);
    await expect(node.sendMessage('bafy-unknown', 'hi')).rejects.toMatchObject({ code: 'UnknownChannel' });
    const ch = await node.createChannel('c');
    await expect(node.sendMessage(ch, '   ')).rejects.toMatchObject({ code: 'InvalidInput' });
    // CBOR would turn a lone surrogate into U+FFFD: the signed text would not be the text typed.
    await expect(node.sendMessage(ch, 'half a pair: \uD83D')).rejects.toMatchObject({ code: 'InvalidInput' });
    // The limit the composer counts down to: at it a message goes, one past it is refused; surrounding blanks don't count.
    await expect(node.sendMessage(ch, 'x'.repeat(MAX_MESSAGE_CHARS + 1))).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(node.sendMessage(ch, ` ${'x'.repeat(MAX_MESSAGE_CHARS)}\n`)).resolves.toBeTypeOf('string');
    // 4000 CJK characters are 12 000 UTF-8 bytes, more than one fact holds: refused typed, and the sends of the
    // same burst still go through.
    const burst = [node.sendMessage(ch, 'before'), node.sendMessage(ch, '漢'.repeat(MAX_MESSAGE_CHARS)), node.sendMessage(ch, 'after')];
    await expect(burst[1]).rejects.toMatchObject({ code: 'InvalidInput' });
    await expect(Promise.all([burst[0], burst[2]])).resolves.toHaveLength(2);
    const count = (await node.deviceInfo()).factCount;
    await node.close();
    await expect(node.sendMessage(ch, 'late')).rejects.toMatchObject({ code: 'NodeClosed' });
    // genesis, the creator's member binding, the channel, the longest message, 'before' and 'after'
    expect(count).toBe(6);
  });

  it('two profiles in one process are two devices', async () => {
    const factory = new IDBFactory();
    const [a, b] = await Promise.all([openNode(factory, 'one'), openNode(factory, 'two')]);
    const [ia, ib] = await Promise.all([a.createIdentity('A'), b.createIdentity('B')]);
    expect(ia.deviceId).not.toBe(ib.deviceId);
    expect(ia.authorityId).not.toBe(ib.authorityId);
  });

  it('restores acknowledgment evidence at cold start', async () => {
    const factory = new IDBFactory();
    const node = await openNode(factory, 'acks');
    await node.createIdentity('Acker');
    const ch = await node.createChannel('c');
    const m = await node.sendMessage(ch, 'ack me');
    await node.close();
    const store = await openStore('aura-acks', { factory });
    expect(await store.trackedFactIds()).toEqual([m]);
    await store.putAcks([{ factId: m, peer: 'bafy-bob', ackedAt: 42 }]);
    store.close();
    const again = await openNode(factory, 'acks');
    expect(again.statusDetails(m)?.acks).toEqual([{ peer: 'bafy-bob', ackedAt: 42 }]);
    expect(again.messages(ch).consistency.ackedBy(m)).toEqual([{ peer: 'bafy-bob', ackedAt: 42 }]);
  });

  it('stored facts are the exact signed bytes', async () => {
    const factory = new IDBFactory();
    const node = await openNode(factory, 'bytes');
    await node.createIdentity('Bytes');
    const ch = await node.createChannel('c');
    await node.sendMessage(ch, 'verify me');
    await node.close();
    const store = await openStore('aura-bytes', { factory });
    const records = await store.loadFacts();
    expect(records.length).toBe(4);
    for (const r of records) expect(validateFact(r.bytes).id).toBe(r.id);
    store.close();
  });
});
