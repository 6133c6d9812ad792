import { afterEach, describe, expect, it, vi } from 'vitest';
import { bytesEqual } from '../../src/core/encoding/bytes.ts';
import type { ContextId, DeviceId } from '../../src/core/ids.ts';
import { memoryChannelPair } from '../../src/net/memory-frames.ts';
import type { Charge } from '../../src/protocols/sync/charge.ts';
import { initiateSync, serveSync, type SyncOutcome } from '../../src/protocols/sync/session.ts';
import { SyncService, type SyncServiceOptions } from '../../src/protocols/sync/sync-service.ts';
import { CONTEXT, devices, facts, Journal, MemoryLinks } from './journal-host.ts';

const A = 'peer-a' as DeviceId;
const B = 'peer-b' as DeviceId;
const F = 'peer-flood' as DeviceId;
/** Lets the responder's side of a session that just ended finish its bookkeeping. */
const settle = () => new Promise((r) => setTimeout(r, 0));

function service(host: ConstructorParameters<typeof SyncService>[0], links: MemoryLinks, self: DeviceId, peers: DeviceId[], opts: Partial<SyncServiceOptions> = {}) {
  const outcomes: SyncOutcome[] = [];
  const s = new SyncService(host, links.net(self, peers), { now: () => 0, random: () => 0, ...opts }, (o) => outcomes.push(o), () => undefined);
  return { s, outcomes };
}

afterEach(() => void vi.useRealTimers());

describe('a push is evidence only when the peer stored all of it', () => {
  it('a responder that refuses a pushed fact answers partial, and the session is not ok', async () => {
    const a = new Journal(facts(0, 30));
    const b = new Journal(facts(0, 20));
    const bad = facts(25, 1)[0]!;
    b.verdict = (f) => (bytesEqual(f, bad) ? 'refused' : 'stored');
    const [ca, cb] = memoryChannelPair();
    const [out, served] = await Promise.all([initiateSync(a, ca, CONTEXT, B, () => 0), serveSync(b, cb, A)]);
    expect(served).toEqual({ ok: true, context: CONTEXT });
    expect(out).toMatchObject({ ok: false, failure: 'NotStored', factsOut: 9 });
    expect(b.set.size).toBe(29);
  });

  it('facts held by the responder (waiting for membership, say) are no evidence either', async () => {
    const a = new Journal(facts(0, 30));
    const b = new Journal(facts(0, 20));
    b.verdict = () => 'held';
    const links = new MemoryLinks();
    service(b, links, B, []);
    const { s, outcomes } = service(a, links, A, [B]);
    await s.syncWith(B);
    expect(outcomes.map((o) => [o.ok, o.failure, o.factsOut])).toEqual([[false, 'NotStored', 0]]);
    s.stop();
  });

  it("a relayed fact (another author's) the responder holds is counted, not a failure; our own are evidence", async () => {
    const a = new Journal(facts(0, 30));
    const b = new Journal(facts(0, 20));
    const future = facts(25, 1)[0]!;
    a.relayed = (f) => bytesEqual(f, future);
    b.verdict = (f) => (bytesEqual(f, future) ? 'held' : 'stored');
    const [ca, cb] = memoryChannelPair();
    const [out] = await Promise.all([initiateSync(a, ca, CONTEXT, B, () => 0), serveSync(b, cb, A)]);
    expect(out).toMatchObject({ ok: true, factsOut: 9, factsNotStored: 1 });
    expect(out.failure).toBeUndefined();
    expect(b.set.size).toBe(29);
  });

  it('facts fetched that the initiator could not store are reported in its outcome', async () => {
    const a = new Journal(facts(0, 20));
    const b = new Journal(facts(0, 30));
    const [held, refused] = [facts(21, 1)[0]!, facts(22, 1)[0]!];
    a.verdict = (f) => (bytesEqual(f, held) ? 'held' : bytesEqual(f, refused) ? 'refused' : 'stored');
    const [ca, cb] = memoryChannelPair();
    const [out] = await Promise.all([initiateSync(a, ca, CONTEXT, B, () => 0), serveSync(b, cb, A)]);
    expect(out).toMatchObject({ ok: true, factsIn: 10, factsHeld: 1, factsRefused: 1 });
    expect(a.set.size).toBe(28);
  });
});

describe('rate limits are per peer and context, and a refusal says when to come back', () => {
  const two = (from: number) => devices([new Journal(facts(from, 50), 'c1' as ContextId, 't1'), new Journal(facts(from + 1000, 50), 'c2' as ContextId, 't2')]);

  it('two peers sharing two contexts sync both, both ways at once, with no refusal and no score loss', async () => {
    const links = new MemoryLinks();
    const [a, b] = [two(0), two(10)];
    const sa = service(a, links, A, [B]);
    const sb = service(b, links, B, [A]);
    const outs = (await Promise.all([sa.s.syncWith(B), sb.s.syncWith(A)])).flat();
    await settle();
    expect(outs.map((o) => [o.peer, o.context, o.ok])).toEqual([
      [B, 'c1', true],
      [B, 'c2', true],
      [A, 'c1', true],
      [A, 'c2', true],
    ]);
    for (const x of [sa, sb]) {
      expect(x.s.metrics()).toMatchObject({ refused: 0, servedFailures: {}, peers: [{ failedSyncs: 0, successfulSyncs: 2, trust: 52 }] });
      x.s.stop();
    }
    for (const c of ['c1', 'c2']) expect(a.items(c).cell(0, a.items(c).size)).toEqual(b.items(c).cell(0, b.items(c).size));
  });

  it('a peer flooding one context is answered busy with the wait, and counted', async () => {
    const links = new MemoryLinks();
    const b = service(new Journal(facts(0, 20)), links, B, [], { now: () => 1_000 });
    const flooder = new Journal(facts(0, 20));
    const outs: SyncOutcome[] = [];
    for (let k = 0; k < 5; k++) outs.push(await initiateSync(flooder, links.open(F, B), CONTEXT, B, () => 1_000));
    await settle();
    expect(outs.map((o) => o.failure ?? 'ok')).toEqual(['ok', 'Busy', 'Busy', 'Busy', 'Busy']);
    expect(outs[1]!.retryAt).toBe(1_500);
    expect(b.s.metrics()).toMatchObject({ refused: 4, servedFailures: {} });
    b.s.stop();
  });

  it('an initiator told busy keeps the peer score, waits, and tries again after the wait', async () => {
    vi.useFakeTimers();
    let t = 0;
    const links = new MemoryLinks();
    const b = service(new Journal(facts(0, 20)), links, B, [], { now: () => t });
    const a = service(new Journal(facts(0, 30)), links, A, [B], { now: () => t });
    await initiateSync(new Journal(facts(0, 20)), links.open(A, B), CONTEXT, B, () => t); // A's device, another tab: B's limit is spent
    await a.s.syncWith(B);
    expect(a.outcomes.map((o) => [o.failure, o.retryAt])).toEqual([['Busy', 500]]);
    expect(a.s.metrics()).toMatchObject({ deferred: 1, peers: [{ failedSyncs: 0, successfulSyncs: 0, trust: 50 }] });
    await a.s.syncWith(B, true); // not before the wait, even when asked
    expect(a.outcomes).toHaveLength(1);
    t = 1_000;
    await vi.advanceTimersByTimeAsync(1_300);
    expect(a.outcomes.map((o) => o.ok)).toEqual([false, true]);
    a.s.stop();
    b.s.stop();
  });
});

describe('every sync frame is charged before it is sent', () => {
  it('frames sent equal frames charged, both sides, including deny and busy', async () => {
    const links = new MemoryLinks();
    const charged = new Map<DeviceId, [DeviceId, ContextId][]>();
    const counting =
      (self: DeviceId): Charge =>
      (peer, context, frames) => {
        for (let k = 0; k < frames; k++) charged.set(self, [...(charged.get(self) ?? []), [peer, context]]);
        return { ok: true };
      };
    const a = service(new Journal(facts(0, 300)), links, A, [B], { charge: counting(A) });
    const b = service(new Journal(facts(100, 300)), links, B, [A], { charge: counting(B) });
    const [first] = await a.s.syncWith(B);
    const [busy] = await a.s.syncWith(B, true);
    const denied = await initiateSync(new Journal([], 'other' as ContextId, 'other-topic'), links.open(F, B), 'other' as ContextId, B, () => 0);
    await settle();
    expect([first?.ok, busy?.failure, denied.failure]).toEqual([true, 'Busy', 'Denied']);
    expect(charged.get(A)!.length).toBe(links.sent.get(A));
    expect(charged.get(B)!.length).toBe(links.sent.get(B));
    expect(charged.get(A)!.length).toBeGreaterThan(4);
    // The responder charges the context `open` named, and a deny of a topic it does not hold to no context.
    expect(new Set(charged.get(B)!.map(([p, c]) => `${p}/${c}`))).toEqual(new Set([`${A}/${CONTEXT}`, `${F}/`]));
    a.s.stop();
    b.s.stop();
  });

  it('a spent budget ends the session as Budget before any stream opens: retried at resumeAt, no score loss', async () => {
    vi.useFakeTimers();
    let t = 0;
    let spent = true;
    const links = new MemoryLinks();
    const b = service(new Journal(facts(0, 20)), links, B, [], { now: () => t });
    const a = service(new Journal(facts(0, 30)), links, A, [B], { now: () => t, charge: () => (spent ? { ok: false, resumeAt: 5_000 } : { ok: true }) });
    await a.s.syncWith(B);
    expect(a.outcomes.map((o) => [o.ok, o.failure, o.retryAt])).toEqual([[false, 'Budget', 5_000]]);
    expect(links.opened).toBe(0);
    expect(a.s.metrics()).toMatchObject({ deferred: 1, peers: [{ failedSyncs: 0, successfulSyncs: 0, trust: 50 }] });
    await a.s.syncWith(B); // the periodic round leaves it alone until then
    expect(a.outcomes).toHaveLength(1);
    t = 4_000;
    await vi.advanceTimersByTimeAsync(4_000);
    expect(a.outcomes).toHaveLength(1);
    [t, spent] = [5_000, false];
    await vi.advanceTimersByTimeAsync(1_000);
    expect(a.outcomes.map((o) => o.ok)).toEqual([false, true]);
    expect(links.opened).toBe(1);
    a.s.stop();
    b.s.stop();
  });
});
