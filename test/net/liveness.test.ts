import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import type { Connection } from '@libp2p/interface';
import { memory } from '@libp2p/memory';
import { multiaddr } from '@multiformats/multiaddr';
import { createLibp2p } from 'libp2p';
import { afterEach, describe, expect, it } from 'vitest';
import type { BrowserNode } from '../../src/net/libp2p-node.ts';
import { watchLiveness } from '../../src/net/liveness.ts';
import { until } from '../support/node-net.ts';

const nodes: BrowserNode[] = [];
const stops: (() => void)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0)) s();
  for (const n of nodes.splice(0)) await n.stop();
});

async function pair(): Promise<[BrowserNode, BrowserNode, string]> {
  const addr = `/memory/live-${Math.random().toString(36).slice(2, 8)}`;
  const make = async (listen: string[]) =>
    (await createLibp2p({ addresses: { listen }, transports: [memory()], connectionEncrypters: [noise()], streamMuxers: [yamux()] })) as unknown as BrowserNode;
  const a = await make([]);
  const b = await make([addr]);
  nodes.push(a, b);
  await a.dial(multiaddr(`${addr}/p2p/${b.peerId.toString()}`));
  return [a, b, addr];
}

const every = () => true;
const open = (n: BrowserNode) => n.getConnections().filter((c: Connection) => c.status === 'open').length;
const beats = (n: BrowserNode) => n.getConnections().flatMap((c: Connection) => c.streams).filter((s) => s.protocol === '/aura/live/1.0.0').length;

describe('liveness beats on direct links', () => {
  it('a peer that falls silent is cut within seconds, not libp2p’s minutes', async () => {
    const [a, b] = await pair();
    const stopA = watchLiveness(a, every);
    stops.push(watchLiveness(b, every));
    await until(() => beats(a) === 2 && beats(b) === 2, 'a beat stream each way', 10_000);
    // a stops beating but keeps its connection: only b's watch can notice.
    stopA();
    await until(() => open(b) === 0, 'b cuts the silent link', 15_000);
  }, 30_000);

  it('a tab whose own timers were blocked does not cut links it could not hear meanwhile', async () => {
    const [a, b] = await pair();
    stops.push(watchLiveness(a, every), watchLiveness(b, every));
    await until(() => beats(a) === 2 && beats(b) === 2, 'a beat stream each way', 10_000);
    // Both sides blocked for longer than the silence limit (a loaded machine, a long reduction).
    const end = Date.now() + 3_500;
    while (Date.now() < end);
    // A few beats later, both still hold the link and are beating again.
    const heard = Date.now();
    await until(() => Date.now() - heard > 1_500, 'three beats pass', 10_000);
    expect(open(a)).toBe(1);
    expect(open(b)).toBe(1);
  }, 30_000);

  it('a chunk that is not a beat ends that stream, not the link', async () => {
    const [a, b] = await pair();
    stops.push(watchLiveness(b, every));
    const s = await a.dialProtocol(b.peerId, '/aura/live/1.0.0');
    s.send(new Uint8Array(10_000));
    await until(() => s.status !== 'open', 'b aborts the bulk stream', 10_000);
    expect(open(a)).toBe(1);
  }, 30_000);
});
