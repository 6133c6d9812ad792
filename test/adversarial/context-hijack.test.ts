import { describe, expect, it } from 'vitest';
import { contextTopic, purposeTopic } from '../../src/core/crypto/context-keys.ts';
import { encodeJoinCode } from '../../src/core/facts/join-code.ts';
import { Adversary, community, ContextHandle, dropped, flows, isMember, Profile, stillHealthy, texts, victimAndHonest } from '../support/adversary.ts';
import { MemoryBus, seededRandom, until } from '../support/node-net.ts';

/**
 * The channel's topic (and its witnesses' consensus topic, derived from the same real secret), and nothing
 * but the victim's own account topics (its devices' journal and consensus) besides.
 */
function expectOwnTopics(topics: ReadonlySet<string>, channelTopic: string, accountSecret: Uint8Array, channelSecret: Uint8Array): void {
  const own = new Set([channelTopic, purposeTopic(channelSecret, 'context-consensus'), contextTopic(accountSecret), purposeTopic(accountSecret, 'account-consensus')]);
  expect(topics.has(channelTopic)).toBe(true);
  for (const t of topics) expect(own.has(t), t).toBe(true);
}

describe('a join code reusing a context we hold, with another secret', () => {
  it('is refused with ContextConflict; the stored and used secret stay; the attacker cannot write into the channel', async () => {
    const { bus, victim, honest, ch, ctx } = await victimAndHonest();
    const secretBefore = (await victim.store.contextSecrets()).get(ctx.context)!;
    expect(secretBefore).toEqual(ctx.secret);

    // Mallory knows the context id (any member's code shows it) and makes a code for it with her own secret.
    const evilSecret = seededRandom('evil')(32);
    const evilCode = encodeJoinCode({ context: ctx.context, secret: evilSecret, name: 'general' });
    const evil = ContextHandle.of(evilCode);
    expect(evil.context).toBe(ctx.context);
    await expect(victim.node.joinChannel(evilCode)).rejects.toMatchObject({ name: 'NodeError', code: 'ContextConflict' });

    expect((await victim.store.contextSecrets()).get(ctx.context)).toEqual(secretBefore);
    const accountSecret = (await victim.store.contextSecrets()).get(victim.node.identity()!.authorityId)!;
    expectOwnTopics(victim.transport.topics(), ctx.topic, accountSecret, ctx.secret);
    expect(victim.transport.topics().has(contextTopic(evilSecret))).toBe(false);

    // Mallory writes a valid self-join and a message under her key: on her topic, and on ours sealed with hers.
    const mallory = new Adversary('hijacker');
    const facts = [mallory.binding(ctx.ns), mallory.message(ctx.ns, ch, 'written under the hijacked key')];
    evil.inject(bus, facts, mallory.device);
    for (const p of evil.seal(facts.map((f) => f.bytes))) bus.inject(ctx.topic, p, mallory.device);
    await until(() => dropped(victim, 'sealed:Forged') === 1 && dropped(honest, 'sealed:Forged') === 1, 'payloads under the wrong key are dropped');
    await flows(honest, [victim], ch, 'honest after the hijack attempt');
    await flows(victim, [honest], ch, 'victim after the hijack attempt');
    expect(texts(victim, ch)).not.toContain('written under the hijacked key');
    expect(isMember(victim, ctx.context, mallory.authority)).toBe(false);

    await stillHealthy(victim, [honest], ch, 'hijack');
    expect((await victim.store.contextSecrets()).get(ctx.context)).toEqual(secretBefore);
    expectOwnTopics(victim.transport.topics(), ctx.topic, accountSecret, ctx.secret);
    // Joining with the real code again is harmless: the same secret, nothing changes.
    await expect(victim.node.joinChannel(victim.node.joinCode(ch))).resolves.toBe(ctx.context);
    expectOwnTopics(victim.transport.topics(), ctx.topic, accountSecret, ctx.secret);
  });

  it('a hijacking code given to a member who has not yet joined cannot reach the real members', async () => {
    const bus = new MemoryBus();
    const victim = await Profile.open(bus, 'victim');
    const honest = await Profile.open(bus, 'honest');
    const newcomer = await Profile.open(bus, 'newcomer');
    const { ch, ctx } = await community([victim, honest]);
    const evilCode = encodeJoinCode({ context: ctx.context, secret: seededRandom('evil-2')(32), name: 'general' });
    // The newcomer holds no secret for the context yet, so it takes the code: it now sits on the evil topic.
    await newcomer.node.joinChannel(evilCode);
    await newcomer.node.joinChannel(victim.node.joinCode(ch)).then(
      () => expect.unreachable('a second secret for the same context must be refused'),
      (e: unknown) => expect(e).toMatchObject({ code: 'ContextConflict' }),
    );
    // The real members never see the newcomer's join made under the wrong key.
    await flows(honest, [victim], ch, 'honest while the newcomer is misled');
    expect(isMember(victim, ctx.context, newcomer.authority)).toBe(false);
    expect(newcomer.node.channels().data).toEqual([]);
  });
});
