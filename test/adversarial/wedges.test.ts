import { describe, expect, it } from 'vitest';
import { cidOf } from '../../src/core/encoding/cid.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { Adversary, CID_LIKE_MAP, deepArray, dropped, droppedLike, flows, isMember, stillHealthy, TAG42_CID, texts, victimAndHonest, watchCrashes } from '../support/adversary.ts';
import { until } from '../support/node-net.ts';

/** Odd "genesis" bytes a binding may carry (its `data` holds at most 4 KiB). */
const ODD_DATA: readonly [string, Uint8Array][] = [
  ['a CID-shaped map', CID_LIKE_MAP],
  ['a tag-42 CID', TAG42_CID],
  ['4 000 nested arrays', deepArray(4_000)],
  ['one byte', Uint8Array.of(0xff)],
];

const setup = () => victimAndHonest();

describe('wedges: odd bytes inside facts that are themselves valid', () => {
  it('member bindings whose genesis is odd CBOR are refused; later facts of the context are still admitted; the victim reopens', async () => {
    const crashes = watchCrashes();
    try {
      const { bus, victim, honest, ch, ctx } = await setup();
      const bindings = ODD_DATA.map(([label, data]) => {
        const a = new Adversary(`wedge-member-${label}`);
        return a.fact(ctx.ns, 'rel.binding', { bindingType: 'member', authorities: [a.authority], data });
      });
      ctx.inject(bus, bindings, 'wedge-intruder');
      for (const p of [victim, honest]) await until(() => dropped(p, 'unauthorized:InvalidMemberBinding') === bindings.length, `${p.name} refuses every odd self-join`);
      await flows(honest, [victim], ch, 'honest after the odd self-joins');
      await stillHealthy(victim, [honest], ch, 'odd self-joins');
      expect(crashes.seen).toEqual([]);
    } finally {
      crashes.stop();
    }
  });

  it('a nameless member’s other bindings with odd data are admitted, and the name index never throws on them, live or on reopen', async () => {
    const crashes = watchCrashes();
    try {
      const { bus, victim, honest, ch, ctx } = await setup();
      // No display name in its genesis: every binding of this author is looked at for a name.
      const mallory = new Adversary('wedge-nameless', { name: null });
      await mallory.join(bus, ctx, [victim, honest]);
      const odd = ODD_DATA.map(([, data]) => mallory.fact(ctx.ns, 'rel.binding', { bindingType: 'contact', authorities: [mallory.authority, honest.authority], data }));
      ctx.inject(bus, odd, mallory.device);
      for (const p of [victim, honest]) await until(() => odd.every((f) => p.node.journals.fact(f.id) !== undefined), `${p.name} admits the odd bindings`);
      expect(victim.node.names.nameOf(mallory.authority)).toBe(`…${mallory.authority.slice(-6)}`);
      // Later facts of the same context, from the same author and from others, still enter.
      ctx.inject(bus, [mallory.message(ctx.ns, ch, 'mallory after the odd bindings')], mallory.device);
      await until(() => texts(victim, ch).includes('mallory after the odd bindings'), 'mallory still admitted');
      await flows(honest, [victim], ch, 'honest after the odd bindings');
      await stillHealthy(victim, [honest], ch, 'odd bindings');
      // Restore replayed every stored binding through the name index: still there, nothing counted as corrupt.
      for (const f of odd) expect(victim.node.journals.fact(f.id)).toBeDefined();
      expect(isMember(victim, ctx.context, mallory.authority)).toBe(true);
      expect(droppedLike(victim, 'restore:')).toBe(0);
      expect(crashes.seen).toEqual([]);
    } finally {
      crashes.stop();
    }
  });

  it('a stored record that no longer decodes is skipped and counted on reopen; the rest of the profile opens', async () => {
    const { victim, honest, ch } = await setup();
    await flows(honest, [victim], ch, 'before the disk went bad');
    const before = texts(victim, ch);
    // A record written behind the node's back (a damaged disk, an older bug): its bytes are no fact at all.
    for (const bytes of [CID_LIKE_MAP, deepArray(10_000)]) {
      const ns = `context:${ch}`;
      const junk = { id: cidOf(bytes), bytes, fact: { ns, kind: 'chat.message', device: victim.device, time: { wall: Date.now(), logical: 0 } } } as unknown as ValidatedFact;
      await victim.store.appendFacts([junk]);
    }
    await victim.reopen();
    await until(() => texts(victim, ch).length === before.length, 'reopened with its messages');
    expect(dropped(victim, 'restore:corrupt-fact')).toBe(2);
    await flows(victim, [honest], ch, 'victim after a corrupt record');
    await flows(honest, [victim], ch, 'honest after a corrupt record');
  });
});
