import type { AuthorityId, DeviceId, PhysicalTime } from '../core/ids.ts';

/** What this device remembers about a peer device between sessions. Later issues extend it. */
export interface PeerRecord {
  readonly deviceId: DeviceId;
  /** Known once the peer proved which authority it belongs to. */
  readonly authorityId?: AuthorityId;
  readonly lastSeen: PhysicalTime;
  /** 0..100, the trust part of the peer score. */
  readonly trust: number;
  readonly successfulSyncs: number;
  readonly failedSyncs: number;
}
