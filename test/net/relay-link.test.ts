import { createRequire } from 'node:module';
import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { webSockets } from '@libp2p/websockets';
import { createLibp2p } from 'libp2p';
import { afterEach, describe, expect, it } from 'vitest';
import { startRelay, type RelayHandle } from '../../relay/relay.ts';
import { RelayLink } from '../../src/net/relay-link.ts';
import { seededRandom, until } from '../support/node-net.ts';

// @libp2p/websockets dials with the global WebSocket, which Node 20 only has behind a flag (as in test/relay).
if (!('WebSocket' in globalThis)) {
  const { WebSocket } = createRequire(import.meta.url)('ws') as { WebSocket: typeof globalThis.WebSocket };
  Object.defineProperty(globalThis, 'WebSocket', { configurable: true, writable: true, value: WebSocket });
}

const stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops.splice(0).reverse()) await s();
});

async function client() {
  const node = await createLibp2p({ transports: [webSockets()], connectionEncrypters: [noise()], streamMuxers: [yamux()], services: { identify: identify() } });
  stops.push(async () => node.stop());
  return node;
}

describe('the relay link', () => {
  it('after failed dials it waits out a backoff, but `now` (online, visible, lab heal) dials at once from the first step', async () => {
    let relay: RelayHandle = await startRelay({ port: 0 });
    const port = relay.port;
    const address = relay.address;
    await relay.stop();
    let paused = false;
    let ups = 0;
    const link = new RelayLink(await client(), { address, random: seededRandom('relay-link'), paused: () => paused, changed: () => {}, up: () => ups++ });
    await link.connect();
    // The relay is down: the dial failed and the next one waits behind a timer.
    expect(link.state).toBe('disconnected');
    relay = await startRelay({ port });
    stops.push(() => relay.stop());
    // Paused (offline), `now` does nothing.
    paused = true;
    link.now();
    expect(link.state).toBe('disconnected');
    paused = false;
    link.now();
    expect(link.state).toBe('connecting');
    await until(() => link.state === 'connected', 'the relay link is back');
    expect(ups).toBe(1);
    expect(link.peer?.toString()).toBe(relay.peerId);
    link.pause();
  });
});
