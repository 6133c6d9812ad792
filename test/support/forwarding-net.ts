import { deviceKeyFromSeed, type DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { namespaceId } from '../../src/core/ids.ts';
import { MemoryBus, peerOn, seededRandom, until, type TestPeer } from './node-net.ts';

const NEVER: readonly [number, number] = [3_600_000, 3_600_001];
export const device = (p: TestPeer) => p.transport.device;

/** A test peer's device key: `peerOn` draws the seed first from the name's seeded randomness. */
export const keyOf = (name: string): DeviceKey => deviceKeyFromSeed(seededRandom(name)(32));

/** alice, bob and carol in one channel, each knowing the others as members; then alice and bob cut apart. */
export async function partitionedTrio(bus: MemoryBus): Promise<{ a: TestPeer; b: TestPeer; c: TestPeer; ch: string; ctx: string }> {
  const [a, b, c] = await Promise.all(['alice', 'bob', 'carol'].map((n) => peerOn(bus, n, { syncIntervalMs: NEVER })));
  const ch = await a!.node.createChannel('shared');
  const code = a!.node.joinCode(ch);
  for (const p of [b!, c!]) await p.node.joinChannel(code);
  for (const p of [a!, b!, c!]) await until(() => p.node.statusDetails(ch)?.expected.length === 2, 'members known');
  bus.partition(device(a!), device(b!));
  const ctx = namespaceId(a!.node.journals.fact(ch)!.fact.ns);
  return { a: a!, b: b!, c: c!, ch, ctx };
}

/** The path `from` reports to `to`: 'direct', the forwarder's DeviceId, or null. */
export const pathTo = (from: TestPeer, to: TestPeer) => from.node.forwarding.status().peers.find((p) => p.device === device(to))?.path;
