import { describe, expect, it } from 'vitest';
import { authorityNamespace, type FactId } from '../../src/core/ids.ts';
import { Adversary, dropped, droppedLike, flows, isMember, Profile, stillHealthy, texts, victimAndHonest } from '../support/adversary.ts';
import { seededRandom, until } from '../support/node-net.ts';
import { deviceKey } from '../support/fixtures.ts';
import { sign } from '../../src/core/crypto/ed25519.ts';
import { consensusCommitMessage } from '../../src/core/authz/consensus-commit.ts';
import { encodeWitnessKey, WITNESS_KEY_BINDING } from '../../src/core/reduce/witness-keys.ts';

const HASH0 = '00'.repeat(32);
const fakeSignature = (seed: string) => seededRandom(seed)(64);

const setup = () => victimAndHonest({ mallory: 'finality-mallory' });

/** Neither Finalized nor SoftSafe, in the details popover and in the message list of everyone. */
function notSettled(ps: readonly Profile[], ch: string, id: FactId): void {
  for (const p of ps) {
    expect(p.node.statusDetails(id)!.agreement.level).toBe('Provisional');
    expect(p.node.messages(ch).data.find((m) => m.id === id)!.indicator).not.toBe('Finalized');
  }
}

describe('forged finality', () => {
  it('a member’s consensus commits (fake signature, backdated copy, a key only it endorsed) never count, the certificate is refused; the message stays Provisional', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    const id = await honest.node.sendMessage(ch, 'finalize me, if you can');
    await until(() => texts(victim, ch).includes('finalize me, if you can'), 'victim has the message');
    const covered = victim.node.journals.fact(id)!.fact.time;
    const commit = (consensusId: string, seed: string, time = mallory.now()) =>
      mallory.fact(ctx.ns, 'consensus.commit', { consensusId, prestateHash: HASH0, covers: [id], signers: [mallory.authority, honest.authority], signature: fakeSignature(seed) }, { time });
    const forged = [
      commit('c-1', 'sig-1'),
      // Backdated before the message it covers: would win a "first by fact order" rule.
      commit('c-1', 'sig-2', { wall: covered.wall - 86_400_000, logical: 0 }),
      mallory.fact(ctx.ns, 'consensus.cert', { certId: 'cert-1', covers: [id], witnesses: [mallory.authority, honest.authority] }),
    ];
    // A witness key only Mallory endorses (naming honest's device as the other witness), and a commit under it.
    const own = deviceKey('finality-mallory-witness-key');
    const honestDevice = honest.node.identity()!.deviceId;
    const endorsement = mallory.fact(ctx.ns, 'rel.binding', { bindingType: WITNESS_KEY_BINDING, authorities: [mallory.authority], data: encodeWitnessKey({ groupKey: own.publicKey, threshold: 2, participants: [mallory.device, honestDevice] }) });
    const unsigned = { consensusId: 'c-2', prestateHash: HASH0, covers: [id], signers: [mallory.authority], signature: new Uint8Array(64) };
    const underOwnKey = mallory.fact(ctx.ns, 'consensus.commit', { ...unsigned, signature: sign(consensusCommitMessage(ctx.ns, unsigned), own.secretKey) });
    ctx.inject(bus, [...forged, endorsement, underOwnKey], mallory.device);
    // The certificate kind has no protocol: refused. The commits wait for a key every witness endorsed: never.
    for (const p of [victim, honest]) await until(() => dropped(p, 'unauthorized:NoProtocol') === 1, `${p.name} refuses the certificate`);
    await until(() => victim.node.journals.fact(endorsement.id) !== undefined, 'the lone endorsement is stored (it proves nothing alone)');
    await new Promise((r) => setTimeout(r, 500));
    for (const f of [...forged, underOwnKey]) expect(victim.node.journals.fact(f.id)).toBeUndefined();
    notSettled([victim, honest], ch, id);
    await flows(honest, [victim], ch, 'honest after the forged commits');
    await stillHealthy(victim, [honest], ch, 'finality');
    notSettled([victim], ch, id);
  });

  it('a forged commit and certificate already in the store (an older version admitted them) do not finalize on reopen', async () => {
    const { victim, honest, ch, ctx, mallory } = await setup();
    const id = await honest.node.sendMessage(ch, 'stored evidence');
    await until(() => texts(victim, ch).includes('stored evidence'), 'victim has the message');
    await victim.store.appendFacts([
      mallory.fact(ctx.ns, 'consensus.commit', { consensusId: 'c-9', prestateHash: HASH0, covers: [id], signers: [mallory.authority], signature: fakeSignature('stored') }),
      mallory.fact(ctx.ns, 'consensus.cert', { certId: 'cert-9', covers: [id], witnesses: [mallory.authority] }),
    ]);
    await victim.reopen();
    await until(() => texts(victim, ch).includes('stored evidence'), 'reopened');
    notSettled([victim], ch, id);
    await flows(victim, [honest], ch, 'victim after reopening over forged evidence');
  });

  it('ceremony steps from a non-participant and an admin replacement are refused, never stored', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    // Mallory starts a ceremony with honest; an outsider (a member, but no party to it) tries to end it.
    const start = mallory.fact(ctx.ns, 'ceremony.start', { ceremonyKind: 'add-contact', participants: [honest.authority], threshold: 1, prestateHash: HASH0 });
    ctx.inject(bus, [start], mallory.device);
    const outsider = new Adversary('ceremony-outsider');
    await outsider.join(bus, ctx, [victim, honest]);
    const steps = [
      outsider.fact(ctx.ns, 'ceremony.abort', { ceremony: start.id, reason: 'hijacked' }),
      outsider.fact(ctx.ns, 'ceremony.supersede', { ceremony: start.id, by: start.id, reason: 'ExplicitCancel' }),
      outsider.fact(ctx.ns, 'ceremony.commit', { ceremony: start.id, consensusId: 'c-x' }),
    ];
    ctx.inject(bus, steps, outsider.device);
    // An admin replacement belongs in an authority journal; gossiped into a context it is the wrong namespace.
    const replace = outsider.fact(authorityNamespace(outsider.authority), 'maint.adminReplacement', { oldAdmin: honest.authority, newAdmin: outsider.authority, activationEpoch: 1, prestate: '0'.repeat(64) });
    ctx.inject(bus, [replace], outsider.device);
    // Today no ceremony kind has a protocol (NoProtocol); once they do, the steps must still be refused
    // (NotCeremonyParty) whether or not the start was admitted.
    await until(() => droppedLike(victim, 'unauthorized:') >= steps.length && dropped(victim, 'invalid-fact:WrongNamespace') === 1, 'all refused');
    for (const f of [...steps, replace]) expect(victim.node.journals.fact(f.id)).toBeUndefined();
    await flows(honest, [victim], ch, 'honest after the ceremony attack');
    for (const f of [...steps, replace]) expect(victim.node.journals.fact(f.id)).toBeUndefined();
  });

  it('a member who did not create the channel cannot set its topic', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    const topic = mallory.fact(ctx.ns, 'chat.topic', { channel: ch, topic: 'mallory owns this channel now' });
    ctx.inject(bus, [topic], mallory.device);
    for (const p of [victim, honest]) await until(() => dropped(p, 'unauthorized:MissingRight') === 1, `${p.name} refuses the topic`);
    for (const p of [victim, honest]) expect(p.node.channels().data.find((c) => c.id === ch)!.topic).toBeNull();
    expect(victim.node.journals.fact(topic.id)).toBeUndefined();
    await flows(honest, [victim], ch, 'honest after the topic attack');
  });

  it('a stranger’s device writing in a member’s name is never admitted, nor is its binding claiming that member', async () => {
    const { bus, victim, honest, ch, ctx } = await setup();
    const stranger = new Adversary('impersonator');
    const count = (await victim.node.deviceInfo()).factCount;
    // A message signed by the stranger's device, authored as honest.
    const fake = stranger.fact(ctx.ns, 'chat.message', { channel: ch, text: 'I am honest, really', ack: false }, { author: honest.authority });
    // And a member binding for honest's authority, carrying honest's real genesis, signed by the stranger's device.
    const genesis = [...honest.node.journals.get(authorityNamespace(honest.authority))!.facts.values()].find((f) => f.fact.kind === 'authority.genesis')!;
    const claim = stranger.fact(ctx.ns, 'rel.binding', { bindingType: 'member', authorities: [honest.authority], data: genesis.bytes }, { author: honest.authority });
    ctx.inject(bus, [fake, claim], stranger.device);
    await until(() => dropped(victim, 'unauthorized:InvalidMemberBinding') === 1, 'the claim is refused');
    await flows(honest, [victim], ch, 'the real honest writes');
    expect(texts(victim, ch)).not.toContain('I am honest, really');
    expect(victim.node.journals.fact(fake.id)).toBeUndefined();
    expect((await victim.node.deviceInfo()).factCount).toBe(count + 1);
    expect(victim.node.membersOf(ctx.context).devices.get(honest.authority)).toEqual(new Set([honest.device]));
    expect(isMember(victim, ctx.context, stranger.authority)).toBe(false);
    await stillHealthy(victim, [honest], ch, 'impersonation');
    expect(texts(victim, ch)).not.toContain('I am honest, really');
  });
});
