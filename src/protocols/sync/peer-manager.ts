import type { DeviceId } from '../../core/ids.ts';

/** Spec 004 §8.1 peer metadata. Trust is 0..100 (members start at 50; a session that breaks costs trust). */
export interface PeerMetadata {
  readonly deviceId: DeviceId;
  trust: number;
  successfulSyncs: number;
  failedSyncs: number;
  activeSessions: number;
}

export interface ScoredPeer extends PeerMetadata {
  /** 0..100: 50% trust, 30% success rate, 20% load (free session capacity). */
  readonly score: number;
  readonly successRate: number;
}

export class PeerManager {
  private readonly peers = new Map<DeviceId, PeerMetadata>();

  constructor(private readonly maxSessionsPerPeer: number) {}

  get(device: DeviceId): PeerMetadata {
    let p = this.peers.get(device);
    if (!p) {
      p = { deviceId: device, trust: 50, successfulSyncs: 0, failedSyncs: 0, activeSessions: 0 };
      this.peers.set(device, p);
    }
    return p;
  }

  record(device: DeviceId, ok: boolean): void {
    const p = this.get(device);
    if (ok) {
      p.successfulSyncs++;
      p.trust = Math.min(100, p.trust + 1);
    } else {
      p.failedSyncs++;
      p.trust = Math.max(0, p.trust - 5);
    }
  }

  scored(device: DeviceId): ScoredPeer {
    const p = this.get(device);
    const total = p.successfulSyncs + p.failedSyncs;
    // A peer never tried gets the benefit of the doubt, so new peers are synced with at all.
    const successRate = total === 0 ? 1 : p.successfulSyncs / total;
    const load = 1 - Math.min(1, p.activeSessions / this.maxSessionsPerPeer);
    return { ...p, successRate, score: Math.round(0.5 * p.trust + 30 * successRate + 20 * load) };
  }

  /** Candidates best first, skipping peers at their session limit. */
  rank(devices: readonly DeviceId[]): ScoredPeer[] {
    return devices
      .map((d) => this.scored(d))
      .filter((p) => p.activeSessions < this.maxSessionsPerPeer)
      .sort((a, b) => b.score - a.score || (a.deviceId < b.deviceId ? -1 : 1));
  }

  all(): ScoredPeer[] {
    return [...this.peers.keys()].sort().map((d) => this.scored(d));
  }
}
