import { describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION, versionToWire } from '../../src/core/version.ts';
import type { DeviceId } from '../../src/core/ids.ts';
import { MAX_FRAME_BYTES, type FrameChannel } from '../../src/net/frame-channel.ts';
import { memoryChannelPair } from '../../src/net/memory-frames.ts';
import { decodeFrame, encodeFrame } from '../../src/protocols/sync/frames.ts';
import { initiateSync, serveSync } from '../../src/protocols/sync/session.ts';
import type { SyncNet } from '../../src/protocols/sync/sync-net.ts';
import { SyncService } from '../../src/protocols/sync/sync-service.ts';
import { CONTEXT, facts, Journal, recording, TOPIC } from './journal-host.ts';

describe('a sync session over frames', () => {
  it('reconciles a large difference in rounds of several frames, each within the limit, and both journals end equal', async () => {
    const shared = facts(0, 4000);
    const a = new Journal([...shared, ...facts(10_000, 1200)]);
    const b = new Journal([...shared, ...facts(20_000, 1200)]);
    const [ca, cb] = memoryChannelPair();
    const sizes: number[] = [];
    const [out, served] = await Promise.all([
      initiateSync(a, recording(ca, sizes), CONTEXT, 'peer-b' as DeviceId, () => 0),
      serveSync(b, recording(cb, sizes), 'peer-a' as DeviceId),
    ]);
    expect(served).toEqual({ ok: true, context: CONTEXT });
    expect(out.ok).toBe(true);
    expect(out.factsIn).toBe(1200);
    expect(out.factsOut).toBe(1200);
    expect(out.rounds).toBeLessThanOrEqual(6);
    expect(a.ids()).toEqual(b.ids());
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
    // Some round took more than one frame: the reply to the opening cells alone is larger than a frame.
    expect(sizes.filter((s) => s > MAX_FRAME_BYTES / 2).length).toBeGreaterThan(1);
  });

  it('asks the responder for the acks it is missing, after the facts, in frames within the limit', async () => {
    const a = new Journal(facts(0, 50));
    a.wanted = Array.from({ length: 2500 }, (_, k) => Uint8Array.of(k & 0xff, k >> 8, 1, 2, 3, 4, 5, 6));
    const [ca, cb] = memoryChannelPair();
    const sizes: number[] = [];
    const [out] = await Promise.all([
      initiateSync(a, ca, CONTEXT, 'peer-b' as DeviceId, () => 0),
      serveSync(new Journal(facts(0, 50)), recording(cb, sizes), 'peer-a' as DeviceId),
    ]);
    expect(out.ok).toBe(true);
    // One request carries at most 1024 keys; the rest wait for the next session.
    expect(a.gotAcks).toEqual(a.wanted.slice(0, 1024).map((k) => Uint8Array.from([0xac, ...k])));
    expect(Math.max(...sizes)).toBeLessThanOrEqual(MAX_FRAME_BYTES);
  });

  it('a second session right after finds nothing and moves no facts', async () => {
    const same = facts(0, 3000);
    const [ca, cb] = memoryChannelPair();
    const [out] = await Promise.all([
      initiateSync(new Journal(same), ca, CONTEXT, 'peer-b' as DeviceId, () => 0),
      serveSync(new Journal(same), cb, 'peer-a' as DeviceId),
    ]);
    expect(out).toMatchObject({ ok: true, rounds: 1, factsIn: 0, factsOut: 0 });
  });

  it('a responder that sends garbage ends the session with a typed error, and the initiator stores nothing', async () => {
    const a = new Journal(facts(0, 500));
    const [ca, cb] = memoryChannelPair();
    const liar = (async () => {
      decodeFrame((await cb.receive())!); // open
      await cb.send(encodeFrame({ t: 'ok' }));
      for (;;) {
        const f = await cb.receive();
        if (f === null) return;
        if (decodeFrame(f).t === 'rec' && (decodeFrame(f) as { last: boolean }).last) await cb.send(encodeFrame({ t: 'rec', m: Uint8Array.of(2, 0, 9), last: true }));
      }
    })();
    const out = await initiateSync(a, ca, CONTEXT, 'peer-b' as DeviceId, () => 0);
    await liar;
    expect(out.ok).toBe(false);
    expect(out.error).toMatch(/^Malformed/);
    expect(a.set.size).toBe(500);
  });

  it('an initiator that sends a round of too many frames is cut off by the responder', async () => {
    const b = new Journal(facts(0, 500));
    const [ca, cb] = memoryChannelPair();
    const served = serveSync(b, cb, 'peer-a' as DeviceId);
    await ca.send(encodeFrame({ t: 'open', topic: TOPIC, proof: new Uint8Array(32) }));
    expect(decodeFrame((await ca.receive())!)).toEqual({ t: 'ok', ver: versionToWire(PROTOCOL_VERSION) });
    for (let k = 0; k < 70; k++) await ca.send(encodeFrame({ t: 'rec', m: Uint8Array.of(2), last: false })).catch(() => undefined);
    const result = await served;
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/^TooLarge/);
    expect(result.failure).toBe('TooLarge');
  });

  it('the sync service counts the sessions it served that ended on errors, by cause', async () => {
    let serve: ((ch: FrameChannel, peer: DeviceId) => void) | undefined;
    const net: SyncNet = {
      onSyncChannel: (h) => (serve = h),
      onPeerConnected: () => undefined,
      openSync: () => Promise.reject(new Error('not used')),
      connectedPeers: () => [],
    };
    let changes = 0;
    const service = new SyncService(new Journal(facts(0, 100)), net, { now: () => 0, random: () => 0 }, () => undefined, () => changes++);
    expect(service.metrics().servedFailures).toEqual({});
    for (const bad of [Uint8Array.of(0xff), encodeFrame({ t: 'bye' })]) {
      const [mine, theirs] = memoryChannelPair();
      serve!(mine, `peer-${bad.length}` as DeviceId);
      await theirs.send(bad);
      while ((await theirs.receive()) !== null);
    }
    await new Promise((r) => setTimeout(r, 0));
    expect(service.metrics().servedFailures).toEqual({ Malformed: 1, Unexpected: 1 });
    expect(changes).toBeGreaterThanOrEqual(2);
    service.stop();
  });

  it('a peer that denies (it does not hold the context) is not retried, and a peer that failed otherwise is', async () => {
    const opened: string[] = [];
    const answer = new Map<string, 'deny' | 'vanish'>([
      ['observer', 'deny'],
      ['flaky', 'vanish'],
    ]);
    const net: SyncNet = {
      onSyncChannel: () => undefined,
      onPeerConnected: () => undefined,
      connectedPeers: () => [],
      openSync: async (peer) => {
        opened.push(peer);
        const [mine, theirs] = memoryChannelPair();
        void theirs.receive().then(async () => {
          if (answer.get(peer) === 'deny') await theirs.send(encodeFrame({ t: 'deny' }));
          await theirs.close();
        });
        return mine;
      },
    };
    const outcomes: { peer: string; failure?: string }[] = [];
    const service = new SyncService(new Journal(facts(0, 10)), net, { now: () => 0, random: () => 0 }, (o) => outcomes.push(o), () => undefined);
    await service.syncWith('observer' as DeviceId);
    await service.syncWith('flaky' as DeviceId);
    expect(outcomes.map((o) => [o.peer, o.failure])).toEqual([
      ['observer', 'Denied'],
      ['flaky', 'Unexpected'],
    ]);
    await new Promise((r) => setTimeout(r, 1_500)); // past the first retry (1 s + jitter)
    expect(opened.filter((p) => p === 'observer')).toHaveLength(1);
    expect(opened.filter((p) => p === 'flaky').length).toBeGreaterThanOrEqual(2);
    const peer = (id: string) => service.metrics().peers.find((p) => p.deviceId === id)!;
    expect(peer('observer')).toMatchObject({ failedSyncs: 0, trust: 50 });
    expect(peer('flaky').failedSyncs).toBeGreaterThanOrEqual(2);
    service.stop();
  });
});
