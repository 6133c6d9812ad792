import '../../relay/polyfill.ts';
import 'fake-indexeddb/auto';
import { befriend } from '../../test/support/contacts-net.ts';
import { deviceOn, MemoryBus, peerOn, until, type TestPeer } from '../../test/support/node-net.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { webCryptoSigner } from '../../src/node/webcrypto-sign.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { median, report } from '../report.ts';

/**
 * `npm run bench:recovery` (issue 12): recovery from the last guardian approval to the first message sent as the
 * recovered authority, with HISTORY messages to restore — real nodes (real crypto, fake IndexedDB) on the
 * in-memory bus in one process, the scenario of `test/node/recovery.test.ts`: alice guarded 2-of-3 by her
 * contacts bob, carol and dave (no waiting period), a group with bob and carol holding the history; alice's
 * device is lost; a fresh device asks, bob and carol approve. Beside it, in the same run: one message from send
 * to arrival between the same peers on the same bus, and a fresh device joining a plain channel of HISTORY
 * messages (no recovery) until it shows them all. RUNS rounds; medians as JSON lines.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const HISTORY = Number(process.env.BENCH_HISTORY ?? 1000);
const WAIT = 120_000;
/** The app's crypto (the platform's Ed25519 signs and verifies, as `browserDeps`); `BENCH_CRYPTO=noble`: the pure-JS default of tests. */
const NOBLE = process.env.BENCH_CRYPTO === 'noble';
const deps = (): Partial<NodeDeps> => (NOBLE ? {} : { verify: webCryptoVerifier(), signer: (key) => webCryptoSigner(key) });
const on = (bus: MemoryBus, name: string) => peerOn(bus, name, deps());
const idOf = (p: TestPeer) => p.node.identity()!.authorityId;
const count = (p: TestPeer, ch: string) => p.node.messages(ch).data.length;

/** Sends `n` messages at once (the node batches a burst into one write) and waits until `to` has them all. */
async function burst(from: TestPeer, to: readonly TestPeer[], ch: string, n: number): Promise<void> {
  const before = count(from, ch);
  await Promise.all(Array.from({ length: n }, (_, i) => from.node.sendMessage(ch, `history ${i} `.padEnd(40, '.'))));
  for (const p of to) await until(() => count(p, ch) >= before + n, `${p.node.profile} has the history`, WAIT);
}

async function roundTrip(a: TestPeer, b: TestPeer, ch: string, text: string): Promise<number> {
  const t = performance.now();
  await a.node.sendMessage(ch, text);
  await until(() => b.node.messages(ch).data.some((m) => m.text === text), 'arrival', WAIT);
  return performance.now() - t;
}

/** Alice, guarded 2-of-3 by bob, carol and dave, in a group with bob and carol whose channel holds HISTORY messages. */
async function guardedWithHistory(bus: MemoryBus, run: number) {
  const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((n) => on(bus, `${n}${run}`))) as [TestPeer, TestPeer, TestPeer, TestPeer];
  for (const p of [bob, carol, dave]) await befriend(alice, p);
  await alice.node.guardians.setGuardians([idOf(bob), idOf(carol), idOf(dave)], 2, 0);
  for (const p of [bob, carol, dave]) {
    await until(() => p.node.guardians.invitations().length === 1, 'asked to guard', WAIT);
    const inv = p.node.guardians.invitations()[0]!;
    await p.node.guardians.answer(inv.context, inv.ceremony, true);
  }
  await until(() => alice.node.guardians.view()?.setup?.state.type === 'Committed', 'the guardian setup commits', WAIT);
  for (const p of [bob, carol, dave]) await until(() => p.node.guardians.wards().some((w) => w.authority === idOf(alice) && w.holdsShare), 'holds a share', WAIT);
  const group = await alice.node.groups.createGroup('team', [idOf(bob), idOf(carol)]);
  for (const p of [bob, carol]) {
    await until(() => p.node.groups.invitations().some((i) => i.context === group), 'invited', WAIT);
    await p.node.groups.accept(group);
  }
  for (const p of [alice, bob, carol]) await until(() => p.node.groups.groups()[0]?.ceremony.state.type === 'Committed', 'the group commits', WAIT);
  const general = alice.node.groups.groups()[0]!.channels[0]!;
  await burst(alice, [bob, carol], general, HISTORY);
  // Let the burst's acks settle, so that neither the baseline nor the recovery runs behind them.
  await until(() => alice.node.messages(general).data.every((m) => m.indicator === 'Delivered' || m.indicator === 'Finalized'), 'the history is delivered', WAIT);
  return { alice, bob, carol, dave, general };
}

/** One round: the recovery with its phases, and both baselines, all on one bus. */
async function round(run: number) {
  const bus = new MemoryBus();
  const { alice, bob, carol, dave, general } = await guardedWithHistory(bus, run);
  const message = await roundTrip(alice, bob, general, 'baseline');
  const history = count(bob, general);
  const aliceId = idOf(alice);
  await alice.node.close();

  const fresh = await deviceOn(bus, `alice-new${run}`, deps());
  const { code, device } = fresh.node.guardians.startRecovery('alice');
  const helps = [bob, carol].map((g) => g.node.guardians.help(code).id);
  for (const [i, g] of [bob, carol].entries()) await until(() => g.node.guardians.helps().find((h) => h.id === helps[i])?.device === device, 'meets the new device', WAIT);
  await bob.node.guardians.approve(helps[0]!, aliceId);
  // t0: the last guardian's approval is issued.
  const t0 = performance.now();
  await carol.node.guardians.approve(helps[1]!, aliceId);
  await until(() => fresh.node.guardians.recovering()?.phase === 'recovered', 'the fresh device recovers alice', WAIT);
  const recovered = performance.now() - t0;
  await until(() => fresh.node.groups.groups().some((g) => g.channels.includes(general)), 'the group comes back', WAIT);
  const group = performance.now() - t0;
  await until(() => count(fresh, general) >= history, 'the history comes back', WAIT);
  const restored = performance.now() - t0;
  await fresh.node.sendMessage(general, 'back as alice');
  await until(() => bob.node.messages(general).data.some((m) => m.text === 'back as alice' && m.author === aliceId), 'bob reads alice again', WAIT);
  const total = performance.now() - t0;

  // Baseline: a fresh device with an identity joins a plain channel of HISTORY messages, no recovery.
  const archive = await bob.node.createChannel('archive');
  await burst(bob, [], archive, HISTORY);
  const erin = await on(bus, `erin${run}`);
  const t1 = performance.now();
  await erin.node.joinChannel(bob.node.joinCode(archive));
  await until(() => count(erin, archive) >= HISTORY, 'erin has the archive', WAIT);
  const join = performance.now() - t1;
  for (const p of [bob, carol, dave, fresh, erin]) await p.node.close();
  const r = { recovered, group, restored, total, message, join };
  console.error(`run ${run}: ${JSON.stringify(Object.fromEntries(Object.entries(r).map(([k, v]) => [k, Math.round(v)])))}`);
  return r;
}

const results: Awaited<ReturnType<typeof round>>[] = [];
for (let i = 0; i < RUNS; i++) results.push(await round(i));
const m = (k: keyof (typeof results)[number]) => median(results.map((r) => r[k]));
report('recovery.last-approval-to-recovered', m('recovered'), 'ms');
report('recovery.last-approval-to-group', m('group'), 'ms');
report(`recovery.last-approval-to-history-${HISTORY}`, m('restored'), 'ms');
report('recovery.last-approval-to-first-message-arrived', m('total'), 'ms');
report('recovery.first-message-send-to-arrival', median(results.map((r) => r.total - r.restored)), 'ms');
report('recovery.baseline.message-send-to-arrival', m('message'), 'ms');
report(`recovery.baseline.join-to-history-${HISTORY}`, m('join'), 'ms');
report('recovery.ratio.total-to-join', m('total') / m('join'), 'x');
process.exit(0);
