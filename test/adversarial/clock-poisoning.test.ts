import { describe, expect, it } from 'vitest';
import { MAX_LOGICAL, MAX_WALL_TIME } from '../../src/core/limits.ts';
import type { ChannelId } from '../../src/core/ids.ts';
import { Adversary, CID_LIKE_MAP, ContextHandle, deepArray, dropped, flows, isMember, Profile, stillHealthy, syncsWith, texts, victimAndHonest, watchCrashes } from '../support/adversary.ts';
import { Mesh, type MeshPeer } from '../support/libp2p-mesh.ts';
import { until } from '../support/node-net.ts';

const CENTURY_MS = 100 * 365.25 * 24 * 3600 * 1000;
const MINUTES_5 = 5 * 60_000;

/** The time of the victim's own message with this text, read from its journal. */
function timeOf(p: { node: Profile['node'] }, ch: ChannelId, text: string) {
  const id = p.node.messages(ch).data.find((m) => m.text === text)!.id;
  return p.node.journals.fact(id)!.fact.time;
}

const pair = () => victimAndHonest();

describe('clock poisoning on the memory bus', () => {
  it('a self-join and a message stamped a century ahead are held, never admitted, and do not drag the clock', async () => {
    const { bus, victim, honest, ch, ctx } = await pair();
    const mallory = new Adversary('clock-century');
    const far = Date.now() + CENTURY_MS;
    const count = (await victim.node.deviceInfo()).factCount;
    ctx.inject(bus, [mallory.binding(ctx.ns, { wall: far, logical: 0 }), mallory.message(ctx.ns, ch, 'from the next century', { wall: far, logical: 1 })], mallory.device);
    for (const p of [victim, honest]) await until(() => dropped(p, 'held:future') === 2, `${p.name} holds both future facts`);

    expect(texts(victim, ch)).not.toContain('from the next century');
    expect(isMember(victim, ctx.context, mallory.authority)).toBe(false);
    expect((await victim.node.deviceInfo()).factCount).toBe(count);
    await flows(honest, [victim], ch, 'honest after the century attack');
    await flows(victim, [honest], ch, 'victim after the century attack');
    expect(Math.abs(timeOf(victim, ch, 'victim after the century attack').wall - Date.now())).toBeLessThan(MINUTES_5);
    await stillHealthy(victim, [honest], ch, 'century');
    expect(texts(victim, ch)).not.toContain('from the next century');
  });

  it('time.wall = 2^53 − 1 is refused as malformed; the top valid reading (MAX_WALL_TIME, MAX_LOGICAL) is held', async () => {
    const { bus, victim, honest, ch, ctx } = await pair();
    const mallory = new Adversary('clock-top');
    await mallory.join(bus, ctx, [victim, honest]);
    ctx.inject(
      bus,
      [
        mallory.message(ctx.ns, ch, 'wall beyond the limit', { wall: Number.MAX_SAFE_INTEGER, logical: 0 }),
        mallory.message(ctx.ns, ch, 'the last reading there is', { wall: MAX_WALL_TIME, logical: MAX_LOGICAL }),
      ],
      mallory.device,
    );
    for (const p of [victim, honest]) {
      await until(() => dropped(p, 'invalid-fact:Malformed') === 1 && dropped(p, 'held:future') === 1, `${p.name} refuses one, holds the other`);
    }
    expect(texts(victim, ch).filter((t) => t.startsWith('wall') || t.startsWith('the last'))).toEqual([]);
    // Had the victim adopted the top reading, no valid reading would follow it: it could never write again.
    await flows(victim, [honest], ch, 'victim after the top-of-clock attack');
    const t = timeOf(victim, ch, 'victim after the top-of-clock attack');
    expect(Math.abs(t.wall - Date.now())).toBeLessThan(MINUTES_5);
    await flows(honest, [victim], ch, 'honest after the top-of-clock attack');
    await stillHealthy(victim, [honest], ch, 'top');
  });

  it('a member message at logical = MAX_LOGICAL (within the skew bound) is admitted, and the next local reading carries into the wall', async () => {
    const { bus, victim, honest, ch, ctx } = await pair();
    const mallory = new Adversary('clock-logical');
    await mallory.join(bus, ctx, [victim, honest]);
    const wall = Date.now() + 60_000;
    ctx.inject(
      bus,
      [
        mallory.message(ctx.ns, ch, 'logical at its maximum', { wall, logical: MAX_LOGICAL }),
        mallory.message(ctx.ns, ch, 'logical beyond it', { wall, logical: MAX_LOGICAL + 1 }),
      ],
      mallory.device,
    );
    await until(() => texts(victim, ch).includes('logical at its maximum') && dropped(victim, 'invalid-fact:Malformed') === 1, 'admitted and refused');
    expect(texts(victim, ch)).not.toContain('logical beyond it');
    // The victim orders its next fact after the one it saw: the counter cannot grow, so the wall moves on.
    await flows(victim, [honest], ch, 'victim after the counter attack');
    const t = timeOf(victim, ch, 'victim after the counter attack');
    expect(t.logical).toBeLessThanOrEqual(MAX_LOGICAL);
    expect(t.wall).toBeGreaterThan(wall);
    expect(t.wall - Date.now()).toBeLessThan(MINUTES_5);
    await stillHealthy(victim, [honest], ch, 'logical');
  });

  it('a far-future fact already in the store does not drag the clock when the profile reopens', async () => {
    const { victim, honest, ch, ctx } = await pair();
    const mallory = new Adversary('clock-stored');
    // As if an earlier version (or a wrong local clock) had admitted it: written straight into the real store.
    await victim.store.appendFacts([mallory.binding(ctx.ns), mallory.message(ctx.ns, ch, 'stored from the future', { wall: Date.now() + CENTURY_MS, logical: 0 })]);
    await victim.reopen();
    expect(texts(victim, ch)).toContain('stored from the future');
    await flows(victim, [honest], ch, 'victim after reopening over a future fact');
    expect(Math.abs(timeOf(victim, ch, 'victim after reopening over a future fact').wall - Date.now())).toBeLessThan(MINUTES_5);
    await flows(honest, [victim], ch, 'honest to the reopened victim');
    await victim.reopen();
    await flows(victim, [honest], ch, 'victim after a second reopening');
    expect(Math.abs(timeOf(victim, ch, 'victim after a second reopening').wall - Date.now())).toBeLessThan(MINUTES_5);
  });

  it('a future-stamped fact we hold and a peer must wait for does not make every later sync with it fail', async () => {
    const { victim, honest, ch, ctx } = await pair();
    const mallory = new Adversary('clock-stalls-sync');
    await victim.store.appendFacts([mallory.binding(ctx.ns), mallory.message(ctx.ns, ch, 'held by every peer', { wall: Date.now() + CENTURY_MS, logical: 0 })]);
    await victim.reopen();
    // The peer holds the pushed future fact (it is not stored, rightly); the rest of the session is still a
    // reconciliation that succeeded for everything else, and must not cost the peer its score forever.
    await syncsWith(victim, [honest]);
    expect(dropped(honest, 'held:future')).toBeGreaterThan(0);
    await stillHealthy(victim, [honest], ch, 'stored future');
  });
});

describe('clock and decoder attacks over real libp2p', () => {
  /** Three real libp2p nodes in one channel; mallory is a member that also publishes hand-made payloads. */
  async function mesh(): Promise<{ m: Mesh; victim: MeshPeer; honest: MeshPeer; mallory: MeshPeer; ch: ChannelId; ctx: ContextHandle }> {
    const m = new Mesh();
    const [victim, honest, mallory] = await Promise.all(['lv', 'lh', 'lm'].map((n) => m.add(`adv-${n}`)));
    await m.connectAll();
    const ch = await victim!.node.createChannel('p2p');
    const code = victim!.node.joinCode(ch);
    await honest!.node.joinChannel(code);
    await mallory!.node.joinChannel(code);
    for (const p of [victim!, honest!, mallory!]) await until(() => p.node.channels().data.length === 1 && p.node.statusDetails(ch)?.expected.length === 2, `${p.node.profile} joined`, 30_000);
    return { m, victim: victim!, honest: honest!, mallory: mallory!, ch, ctx: ContextHandle.of(code) };
  }

  const publish = async (from: MeshPeer, ctx: ContextHandle, facts: readonly Uint8Array[]) => {
    for (const p of ctx.seal(facts)) await from.libp2p.services.pubsub.publish(ctx.topic, p);
  };
  const p2pFlows = async (from: MeshPeer, to: MeshPeer, ch: ChannelId, text: string) => {
    await from.node.sendMessage(ch, text);
    await until(() => to.node.messages(ch).data.some((x) => x.text === text), `"${text}" arrives`, 30_000);
  };

  it('a century-ahead join and message are held by every receiver; the victim still writes with its own time', async () => {
    const { m, victim, honest, mallory, ch, ctx } = await mesh();
    try {
      const forger = new Adversary('p2p-clock');
      const far = Date.now() + CENTURY_MS;
      await publish(mallory, ctx, [forger.binding(ctx.ns, { wall: far, logical: 0 }).bytes, forger.message(ctx.ns, ch, 'p2p from the future', { wall: far, logical: 1 }).bytes]);
      for (const p of [victim, honest]) await until(() => (p.node.network().dropped['held:future'] ?? 0) === 2, 'held', 30_000);
      expect(victim.node.messages(ch).data.map((x) => x.text)).not.toContain('p2p from the future');
      await p2pFlows(victim, honest, ch, 'p2p victim after the clock attack');
      const id = victim.node.messages(ch).data.find((x) => x.text === 'p2p victim after the clock attack')!.id;
      expect(Math.abs(victim.node.journals.fact(id)!.fact.time.wall - Date.now())).toBeLessThan(MINUTES_5);
    } finally {
      await m.stop();
    }
  }, 120_000);

  it('deeply nested and CID-shaped facts are counted drops; the valid fact beside them is admitted', async () => {
    const crashes = watchCrashes();
    const { m, victim, honest, mallory, ch, ctx } = await mesh();
    try {
      const neighbour = new Adversary('p2p-neighbour');
      await publish(mallory, ctx, [deepArray(10_000), CID_LIKE_MAP, neighbour.binding(ctx.ns).bytes]);
      for (const p of [victim, honest]) {
        await until(() => (p.node.network().dropped['invalid-fact:Malformed'] ?? 0) === 2 && p.node.membersOf(ctx.context).view.rights.has(neighbour.authority), 'isolated', 30_000);
      }
      await p2pFlows(honest, victim, ch, 'p2p honest after the decoder attack');
      expect(crashes.seen).toEqual([]);
    } finally {
      crashes.stop();
      await m.stop();
    }
  }, 120_000);
});
