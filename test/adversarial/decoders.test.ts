import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { CID_LIKE_MAP, deepArray, dropped, flows, HUGE_LENGTHS, nonMinimalInt, nonMinimalLength, Profile, RawPeer, stillHealthy, TAG42_CID, texts, victimAndHonest, watchCrashes } from '../support/adversary.ts';
import { deviceKey } from '../support/fixtures.ts';
import { until } from '../support/node-net.ts';

let crashes: ReturnType<typeof watchCrashes>;
beforeEach(() => {
  crashes = watchCrashes();
});
afterEach(() => {
  crashes.stop();
  // Nothing escaped a listener while the attack ran.
  expect(crashes.seen).toEqual([]);
});

const setup = () => victimAndHonest({ mallory: 'decoder-mallory' });

/** The hostile inner facts, each with the drop reason it must be counted under. */
function hostileFacts(valid: Uint8Array): [Uint8Array, string][] {
  return [
    [CID_LIKE_MAP, 'invalid-fact:Malformed'],
    [TAG42_CID, 'invalid-fact:Malformed'],
    [deepArray(10_000), 'invalid-fact:Malformed'],
    ...HUGE_LENGTHS.map((b): [Uint8Array, string] => [b, 'invalid-fact:Malformed']),
    [nonMinimalInt(valid), 'invalid-fact:NonCanonical'],
    [nonMinimalLength(valid), 'invalid-fact:NonCanonical'],
  ];
}

const expectedDrops = (bad: [Uint8Array, string][]): Record<string, number> => {
  const out: Record<string, number> = {};
  for (const [, r] of bad) out[r] = (out[r] ?? 0) + 1;
  return out;
};
const sameCounts = (a: Record<string, number>, b: Record<string, number>): boolean =>
  Object.keys(a).length === Object.keys(b).length && Object.entries(b).every(([k, v]) => a[k] === v);
const invalidDrops = (p: Profile): Record<string, number> => Object.fromEntries(Object.entries(p.node.network().dropped).filter(([r]) => r.startsWith('invalid-fact:')));

describe('hostile CBOR inside sealed payloads and sync frames', () => {
  it('in one sealed batch, every hostile fact is a typed, counted drop and the valid fact beside it is admitted', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    const template = mallory.message(ctx.ns, ch, 'template').bytes;
    const bad = hostileFacts(template);
    const neighbour = mallory.message(ctx.ns, ch, 'the valid neighbour');
    // The valid fact sits between the hostile ones, in the same envelope.
    const batch = [...bad.slice(0, 4).map(([b]) => b), neighbour.bytes, ...bad.slice(4).map(([b]) => b)];
    expect(ctx.seal(batch)).toHaveLength(1);
    ctx.inject(bus, batch, mallory.device);
    const want = expectedDrops(bad);
    for (const p of [victim, honest]) {
      await until(() => texts(p, ch).includes('the valid neighbour') && sameCounts(invalidDrops(p), want), `${p.name}: isolated drops`);
    }
    expect(invalidDrops(victim)).toEqual(want);
    await flows(honest, [victim], ch, 'honest after the hostile batch');
    await stillHealthy(victim, [honest], ch, 'hostile batch');
  });

  it('the same facts pushed through a sync session: counted, the valid one stored, the session and later ones still work', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    const pusher = new RawPeer(bus, mallory.device);
    const bad = hostileFacts(mallory.message(ctx.ns, ch, 'template').bytes);
    const neighbour = mallory.message(ctx.ns, ch, 'pushed neighbour');
    const replies = await pusher.push(victim.device, ctx, [[...bad.map(([b]) => b), neighbour.bytes]]);
    expect(replies[0]).toMatchObject({ t: 'ok' });
    expect(replies).toHaveLength(2);
    await until(() => texts(victim, ch).includes('pushed neighbour'), 'the valid pushed fact is admitted');
    expect(invalidDrops(victim)).toEqual(expectedDrops(bad));
    await flows(honest, [victim], ch, 'honest after the hostile push');
    await stillHealthy(victim, [honest], ch, 'hostile push');
  });

  it('hostile envelopes (deep, huge lengths, non-minimal) are typed drops; the next honest payload is delivered', async () => {
    const { bus, victim, honest, ch, ctx } = await setup();
    const envelopes: [Uint8Array, string][] = [
      [deepArray(30_000), 'envelope:Malformed'],
      [CID_LIKE_MAP, 'envelope:Malformed'],
      ...HUGE_LENGTHS.map((b): [Uint8Array, string] => [b, 'envelope:Malformed']),
      // {v: 1, facts: [...]} with v written in two bytes.
      [Uint8Array.of(0xa2, 0x61, 0x76, 0x18, 0x01, 0x65, ...new TextEncoder().encode('facts'), 0x81, 0x41, 0x00), 'envelope:NonCanonical'],
    ];
    for (const [plain] of envelopes) bus.inject(ctx.topic, ctx.sealRaw(plain), 'intruder');
    const want: Record<string, number> = {};
    for (const [, r] of envelopes) want[r] = (want[r] ?? 0) + 1;
    const envelopeDrops = () => Object.fromEntries(Object.entries(victim.node.network().dropped).filter(([r]) => r.startsWith('envelope:')));
    await until(() => sameCounts(envelopeDrops(), want), 'envelope drops counted');
    expect(envelopeDrops()).toEqual(want);
    await flows(honest, [victim], ch, 'honest after the hostile envelopes');
    await stillHealthy(victim, [honest], ch, 'hostile envelopes');
  });

  it('hostile sync frames end that session with a typed failure; the responder serves the next session', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    const frames = [deepArray(10_000), HUGE_LENGTHS[0]!, encodeCanonical({ t: 'put', f: [1, 2] }).slice()];
    // One device per session: a responder may refuse a device's second session within its rate limit.
    for (const [i, f] of frames.entries()) {
      const replies = await new RawPeer(bus, deviceKey(`frames-${i}`).deviceId).session(victim.device, ctx, [f]);
      expect(replies).toMatchObject([{ t: 'ok' }]);
      expect(replies).toHaveLength(1);
    }
    await until(() => (victim.node.syncMetrics()!.servedFailures.Malformed ?? 0) === frames.length, 'each session failed as Malformed');
    expect(victim.node.syncMetrics()!.servedFailures.Error).toBeUndefined();
    // The responder still serves: a valid push after the hostile ones is stored.
    const later = mallory.message(ctx.ns, ch, 'pushed after hostile frames');
    await new RawPeer(bus, mallory.device).push(victim.device, ctx, [[later.bytes]]);
    await until(() => texts(victim, ch).includes('pushed after hostile frames'), 'later session served');
    await flows(honest, [victim], ch, 'honest after hostile frames');
    expect(dropped(victim, 'invalid-fact:Malformed')).toBe(0);
  });
});
