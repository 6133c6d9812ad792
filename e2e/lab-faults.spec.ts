import { expect, test, type Page } from '@playwright/test';
import { createChannel, onboardedTab, shareChannel } from './helpers.ts';
import { deviceIdOf } from './lab.ts';
import { relayTabs } from './relay-tab.ts';

/**
 * The lab's faults, driven through `window.auraLab.node.faults` on three tabs of three people sharing a channel
 * over a real relay and direct WebRTC: offline really stops traffic (counted on the other side), and a partition
 * removes the direct link until it heals.
 */
test.describe.configure({ mode: 'serial' });
test.setTimeout(300_000);

type Faults = { offline?: boolean; blocked?: string[]; latencyMs?: number; loss?: number };
type LabNode = {
  faults: { set(patch: Faults): void; heal(): void; status(): Required<Faults> };
  network(): { relay: string; peers: { deviceId: string; transport: string }[]; received: number; dropped: Record<string, number> };
  channels(): { data: { id: string; messageCount: number }[] };
  sendMessage(channel: string, text: string): Promise<string>;
};
declare const window: { auraLab: { node: LabNode } };

const tab = relayTabs();
const setFaults = (p: Page, patch: Faults) => p.evaluate((f) => window.auraLab.node.faults.set(f), patch);
const heal = (p: Page) => p.evaluate(() => window.auraLab.node.faults.heal());
const net = (p: Page) => p.evaluate(() => window.auraLab.node.network());
const directPeers = async (p: Page) => (await net(p)).peers.filter((x) => x.transport === 'webrtc').map((x) => x.deviceId);
const peers = async (p: Page) => (await net(p)).peers.map((x) => x.deviceId);
const messageCount = (p: Page) => p.evaluate(() => window.auraLab.node.channels().data[0]?.messageCount ?? 0);
const say = (p: Page, text: string) => p.evaluate((t) => window.auraLab.node.sendMessage(window.auraLab.node.channels().data[0]!.id, t), text);

test('offline from the lab stops traffic (the other tab counts nothing), and a lab partition removes the direct link until heal', async ({ browser }) => {
  // Two tabs first: everything Bob receives comes from Alice, so his `received` counter is hers alone.
  const a = await onboardedTab(tab, browser, 'lab-alice', 'Alice');
  const b = await onboardedTab(tab, browser, 'lab-bob', 'Bob');
  await createChannel(a, 'lab');
  await shareChannel(a, b, 'lab');
  const ida = await deviceIdOf(a);
  const idb = await deviceIdOf(b);
  await expect.poll(() => directPeers(a), { timeout: 90_000 }).toEqual([idb]);
  await say(a, 'alice: before');
  await expect.poll(() => messageCount(b), { timeout: 30_000 }).toBe(1);

  // Offline: Alice's tab closes the relay and every peer link; Bob drops her from his peer list.
  await setFaults(a, { offline: true });
  expect(await a.evaluate(() => window.auraLab.node.faults.status().offline)).toBe(true);
  await expect.poll(async () => ({ relay: (await net(a)).relay, peers: await peers(a) }), { timeout: 10_000 }).toEqual({ relay: 'disconnected', peers: [] });
  await expect.poll(() => peers(b), { timeout: 10_000 }).toEqual([]);
  const received = (await net(b)).received;
  for (const t of ['alice: offline 1', 'alice: offline 2', 'alice: offline 3']) await say(a, t);
  // Evidence that she tried: each payload she did not send is counted on her side …
  await expect.poll(async () => (await net(a)).dropped['lab:offline'] ?? 0, { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  // … and none of it reached Bob: his counters stand still.
  expect(await messageCount(a)).toBe(4);
  expect(await messageCount(b)).toBe(1);
  expect((await net(b)).received).toBe(received);

  // Back online: relay and link return at once, and Bob catches up.
  await heal(a);
  await expect.poll(() => messageCount(b), { timeout: 60_000 }).toBe(4);
  expect((await net(b)).received).toBeGreaterThan(received);
  await expect.poll(async () => (await net(a)).relay, { timeout: 10_000 }).toBe('connected');

  // A third tab; then Alice is partitioned from Bob: their direct (and relayed) link goes, both ways, while
  // Carol keeps both.
  const c = await onboardedTab(tab, browser, 'lab-carol', 'Carol');
  await shareChannel(a, c, 'lab');
  const idc = await deviceIdOf(c);
  for (const [p, others] of [[a, [idb, idc]], [b, [ida, idc]], [c, [ida, idb]]] as const) {
    await expect.poll(async () => (await directPeers(p)).sort(), { timeout: 90_000 }).toEqual([...others].sort());
  }
  await setFaults(a, { blocked: [idb] });
  await expect.poll(() => peers(a), { timeout: 10_000 }).toEqual([idc]);
  await expect.poll(() => peers(b), { timeout: 10_000 }).toEqual([idc]);
  // Gossip still crosses through Carol, and the link stays cut.
  await say(a, 'alice: across the partition');
  await expect.poll(() => messageCount(b), { timeout: 60_000 }).toBe(5);
  expect(await peers(b)).toEqual([idc]);
  expect(await peers(a)).toEqual([idc]);

  // Heal: the direct link is back.
  await heal(a);
  await expect.poll(async () => (await directPeers(a)).sort(), { timeout: 30_000 }).toEqual([idb, idc].sort());
  await expect.poll(async () => (await directPeers(b)).sort(), { timeout: 30_000 }).toEqual([ida, idc].sort());
});
