import type { DeviceId } from '../../core/ids.ts';

/** How this device reaches a peer now, and what forwarding did with it. */
export interface ForwardPeerStatus {
  readonly device: DeviceId;
  /** 'direct': a link of our own; a DeviceId: the member that forwards to it; null: no way now. */
  readonly path: 'direct' | DeviceId | null;
  /** Messages from this peer accepted through a forwarder, and the last forwarder. */
  readonly received: number;
  readonly lastVia: DeviceId | null;
  /** Messages this device forwarded from or to this peer, as the member linked to both. */
  readonly forwarded: number;
  /** Forwarded messages or streams this peer handed us that we refused, by code. */
  readonly refused: Readonly<Record<string, number>>;
}

export interface ForwardingStatus {
  readonly peers: readonly ForwardPeerStatus[];
  /** Messages this device forwarded for others, in all. */
  readonly forwarded: number;
  /** Refusals in all. */
  readonly refused: number;
}

interface Tally {
  received: number;
  lastVia: DeviceId | null;
  forwarded: number;
  refused: Record<string, number>;
}

/** Counts per peer for `node.forwarding.status()` (memory only: the receipts themselves are facts). */
export class ForwardCounters {
  private readonly tallies = new Map<DeviceId, Tally>();
  private forwardedAll = 0;
  private refusedAll = 0;

  private of(peer: DeviceId): Tally {
    let t = this.tallies.get(peer);
    if (!t) this.tallies.set(peer, (t = { received: 0, lastVia: null, forwarded: 0, refused: {} }));
    return t;
  }

  peers(): DeviceId[] {
    return [...this.tallies.keys()];
  }

  forwarded(src: DeviceId, dst: DeviceId): void {
    this.of(src).forwarded++;
    this.of(dst).forwarded++;
    this.forwardedAll++;
  }

  received(src: DeviceId, via: DeviceId): void {
    const t = this.of(src);
    t.received++;
    t.lastVia = via;
  }

  refused(from: DeviceId, code: string): void {
    const t = this.of(from);
    t.refused[code] = (t.refused[code] ?? 0) + 1;
    this.refusedAll++;
  }

  status(peers: readonly DeviceId[], path: (d: DeviceId) => ForwardPeerStatus['path']): ForwardingStatus {
    const zero: Tally = { received: 0, lastVia: null, forwarded: 0, refused: {} };
    return {
      peers: peers.map((device) => {
        const t = this.tallies.get(device) ?? zero;
        return { device, path: path(device), received: t.received, lastVia: t.lastVia, forwarded: t.forwarded, refused: { ...t.refused } };
      }),
      forwarded: this.forwardedAll,
      refused: this.refusedAll,
    };
  }
}
