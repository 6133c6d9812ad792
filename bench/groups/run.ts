import '../../relay/polyfill.ts';
import 'fake-indexeddb/auto';
import { openFromDevice, sealToDevice } from '../../src/core/crypto/device-box.ts';
import { createFact } from '../../src/core/facts/create.ts';
import { validateFact } from '../../src/core/facts/validate.ts';
import { contextNamespace } from '../../src/core/ids.ts';
import { befriend } from '../../test/support/contacts-net.ts';
import { deviceKey } from '../../test/support/fixtures.ts';
import { MemoryBus, peerOn, until, type TestPeer } from '../../test/support/node-net.ts';
import { median, report, timeRuns } from '../report.ts';

/**
 * Contacts, groups and proposals on the in-memory bus (real nodes, crypto and fake IndexedDB in one process),
 * each beside a baseline measured in the same run: a message from send to arrival on the same bus.
 * Run: `npm run bench:groups`.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const idOf = (p: TestPeer) => p.node.identity()!.authorityId;

async function messageRoundTrip(a: TestPeer, b: TestPeer, ch: string, text: string): Promise<number> {
  const t = performance.now();
  await a.node.sendMessage(ch, text);
  await until(() => b.node.messages(ch).data.some((m) => m.text === text), 'arrival', 30_000);
  return performance.now() - t;
}

async function invitationAndProposal(run: number) {
  const bus = new MemoryBus();
  const [alice, bob, carol] = [await peerOn(bus, `a${run}`), await peerOn(bus, `b${run}`), await peerOn(bus, `c${run}`)];
  let t = performance.now();
  await befriend(alice, bob);
  const invitation = performance.now() - t;
  await befriend(alice, carol);
  const group = await alice.node.groups.createGroup('bench', [idOf(bob), idOf(carol)]);
  for (const p of [bob, carol]) {
    await until(() => p.node.groups.invitations().length === 1, 'invited', 30_000);
    await p.node.groups.accept(group);
  }
  for (const p of [alice, bob, carol]) await until(() => p.node.groups.groups()[0]?.ceremony.state.type === 'Committed', 'committed', 30_000);
  const ch = alice.node.groups.groups()[0]!.channels[0]!;
  // Let the witnesses settle their key before measuring (the first checkpoint needs the DKG).
  await alice.node.sendMessage(ch, 'warm-up');
  await until(() => alice.node.messages(ch).data.every((m) => m.indicator === 'Finalized'), 'first checkpoint', 90_000);
  const message = await messageRoundTrip(alice, bob, ch, 'baseline');
  const id = await alice.node.proposals.propose(group, 'set-role', [idOf(carol), 'admin']);
  await until(() => bob.node.proposals.proposals(group).some((p) => p.id === id && p.awaitingMe), 'bob asked', 30_000);
  const proposal = () => alice.node.proposals.proposals(group).find((p) => p.id === id);
  const votes = [bob, carol].filter((p) => p.node.proposals.proposals(group).some((x) => x.id === id && x.awaitingMe));
  for (const p of votes.slice(0, -1)) await p.node.proposals.vote(id, true);
  t = performance.now();
  await votes.at(-1)!.node.proposals.vote(id, true);
  await until(() => proposal()?.applied != null, 'applied', 30_000);
  const applied = performance.now() - t;
  await until(() => (proposal()?.applied as { agreement?: { level: string } } | null)?.agreement?.level === 'Finalized', 'finalized', 60_000);
  const finalized = performance.now() - t;
  for (const p of [alice, bob, carol]) await p.node.close();
  return { invitation, message, applied, finalized };
}

/** A removal's new key for `n` members (one device each): seal a box per device, sign, then every member validates and opens. */
function rotation(n: number): { rotate: number[]; message: number[] } {
  const keys = Array.from({ length: n }, (_, i) => deviceKey(`bench-rotation-${i}`));
  const random = (k: number) => crypto.getRandomValues(new Uint8Array(k));
  const ns = contextNamespace('bench-rotation');
  const time = { wall: 1_800_000_000_000, logical: 0 };
  const rotate = timeRuns(RUNS * 3, () => {
    const secret = random(32);
    const boxes = keys.map((k) => ({ device: k.deviceId, box: sealToDevice(keys[0]!, k.deviceId, 'aura/group-key', new Uint8Array(8), secret, random) }));
    const f = createFact(keys[0]!, { ns, kind: 'group.rekey', author: 'bench', time, body: { epoch: 1, boxes } });
    for (const k of keys) {
      validateFact(f.bytes);
      openFromDevice(k, 'aura/group-key', new Uint8Array(8), boxes.find((b) => b.device === k.deviceId)!.box, 128);
    }
  });
  const message = timeRuns(RUNS * 3, () => {
    const f = createFact(keys[0]!, { ns, kind: 'chat.message', author: 'bench', time, body: { channel: 'bafyreiabw7fz5t6aosrqgn6ju2tp4se7by34iyd7l6wl7pt5qdml3ozigm', text: 'x', ack: true } });
    for (let i = 0; i < n; i++) validateFact(f.bytes);
  });
  return { rotate, message };
}

const results = [];
for (let i = 0; i < RUNS; i++) results.push(await invitationAndProposal(i));
report('groups.invitation.code-to-committed', median(results.map((r) => r.invitation)), 'ms');
report('groups.baseline.message-send-to-arrival', median(results.map((r) => r.message)), 'ms');
report('groups.proposal.last-approval-to-applied', median(results.map((r) => r.applied)), 'ms');
report('groups.proposal.last-approval-to-finalized', median(results.map((r) => r.finalized)), 'ms');
const r20 = rotation(20);
report('groups.rotation.20-members', median(r20.rotate), 'ms');
report('groups.baseline.message-to-20-members', median(r20.message), 'ms');
report('groups.rotation.20-members.ratio', median(r20.rotate) / median(r20.message), 'x');
process.exit(0);
