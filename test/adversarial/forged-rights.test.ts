import { describe, expect, it } from 'vitest';
import { dropped, flows, stillHealthy, victimAndHonest } from '../support/adversary.ts';
import { until } from '../support/node-net.ts';

const setup = () => victimAndHonest({ mallory: 'rights-mallory' });

describe('forged channel rights', () => {
  it('a member without the rename right forges renames (now, backdated, and stamped later than the owner’s): every receiver refuses them, counted; the owner’s rename still counts', async () => {
    const { bus, victim, honest, ch, ctx, mallory } = await setup();
    const name = (p: typeof victim) => p.node.channels().data.find((c) => c.id === ch)!.name;
    const now = mallory.now();
    const forged = [
      mallory.fact(ctx.ns, 'chat.rename', { channel: ch, name: 'mallory was here' }),
      // Backdated before the channel itself, and just inside the skew bound ahead: "latest wins" must not help.
      mallory.fact(ctx.ns, 'chat.rename', { channel: ch, name: 'backdated' }, { time: { wall: now.wall - 86_400_000, logical: 0 } }),
      mallory.fact(ctx.ns, 'chat.rename', { channel: ch, name: 'from the future' }, { time: { wall: now.wall + 60_000, logical: 0 } }),
    ];
    ctx.inject(bus, forged, mallory.device);
    for (const p of [victim, honest]) await until(() => dropped(p, 'unauthorized:MissingRight') === forged.length, `${p.name} refuses every forged rename`);
    for (const f of forged) expect(victim.node.journals.fact(f.id)).toBeUndefined();
    for (const p of [victim, honest]) expect(name(p)).toBe('general');

    // The owner (the victim created the channel) renames: it counts everywhere, the forgeries still do not.
    await victim.node.chat.renameChannel(ch, 'lobby');
    await until(() => name(honest) === 'lobby', 'honest sees the owner’s rename');
    expect(name(victim)).toBe('lobby');
    await flows(honest, [victim], ch, 'honest after the rename attack');
    await stillHealthy(victim, [honest], ch, 'rights');
    expect(name(victim)).toBe('lobby');
  });
});
