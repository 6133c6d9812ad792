import { noise } from '@chainsafe/libp2p-noise';
import { yamux } from '@chainsafe/libp2p-yamux';
import { identify } from '@libp2p/identify';
import { memory } from '@libp2p/memory';
import type { PeerId } from '@libp2p/interface';
import { multiaddr } from '@multiformats/multiaddr';
import { IDBFactory } from 'fake-indexeddb';
import { createLibp2p } from 'libp2p';
import { deviceKeyFromSeed } from '../../src/core/crypto/ed25519.ts';
import { auraGossipsub, libp2pKey, type BrowserNode } from '../../src/net/libp2p-node.ts';
import { Libp2pTransport } from '../../src/net/libp2p-transport.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import { openStore } from '../../src/store/store.ts';
import { seededRandom } from './node-net.ts';

export interface MeshPeer {
  readonly node: AuraNode;
  readonly libp2p: BrowserNode;
  readonly addr: string;
}

/**
 * A real libp2p network in one process: each peer is a libp2p 3 node (in-memory transport, noise, yamux,
 * identify, gossipsub) wrapped by the same Libp2pTransport the browser uses, under a full AuraNode.
 * Partitions are enforced by the connection gater and by hanging up.
 */
export class Mesh {
  readonly peers: MeshPeer[] = [];
  private readonly cut = new Set<string>();

  private key(a: PeerId | string, b: PeerId | string): string {
    return [a.toString(), b.toString()].sort().join('|');
  }

  async add(name: string): Promise<MeshPeer> {
    const random = seededRandom(`mesh-${name}`);
    const seed = random(32);
    const key = deviceKeyFromSeed(seed);
    const addr = `/memory/${name}-${Math.random().toString(36).slice(2, 8)}`;
    const self = key.deviceId;
    const libp2p = (await createLibp2p({
      privateKey: libp2pKey(key),
      addresses: { listen: [addr] },
      transports: [memory()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
      connectionGater: { denyDialPeer: async (p) => this.cut.has(this.key(self, p)), denyInboundEncryptedConnection: async (p) => this.cut.has(this.key(self, p)) },
      services: { identify: identify(), pubsub: auraGossipsub() },
    })) as unknown as BrowserNode;
    const transport = Libp2pTransport.over(libp2p, { key, relay: null, allowLocal: true, random });
    const store = await openStore(`aura-${name}`, { factory: new IDBFactory() });
    await store.putDeviceSeed(seed);
    const node = await AuraNode.open({ profile: name, store, now: () => Date.now(), random, transport, syncIntervalMs: [3_600_000, 3_600_001] });
    await node.createIdentity(name);
    const peer = { node, libp2p, addr };
    this.peers.push(peer);
    return peer;
  }

  async connectAll(): Promise<void> {
    for (let i = 0; i < this.peers.length; i++)
      for (let j = i + 1; j < this.peers.length; j++) {
        const [a, b] = [this.peers[i]!, this.peers[j]!];
        if (!this.cut.has(this.key(a.libp2p.peerId, b.libp2p.peerId)) && a.libp2p.getConnections(b.libp2p.peerId).length === 0) {
          await a.libp2p.dial(multiaddr(`${b.addr}/p2p/${b.libp2p.peerId.toString()}`));
        }
      }
  }

  async partition(a: MeshPeer, b: MeshPeer): Promise<void> {
    this.cut.add(this.key(a.libp2p.peerId, b.libp2p.peerId));
    await a.libp2p.hangUp(b.libp2p.peerId);
  }

  heal(): void {
    this.cut.clear();
  }

  async stop(): Promise<void> {
    for (const p of this.peers) await p.node.close();
  }
}
