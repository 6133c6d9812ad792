import { arr, bytes, hash32, ident, int, obj, str, type Infer } from '../schema.ts';
import { MAX_VERSION_PART } from '../../limits.ts';
import { kind } from './kind-spec.ts';

export const SnapshotV1 = obj({ epoch: int(), digest: hash32, blobCid: ident });
export type SnapshotV1 = Infer<typeof SnapshotV1>;

const part = int({ max: MAX_VERSION_PART });
export const ProtocolVersion = obj({ major: part, minor: part, patch: part });
export type ProtocolVersion = Infer<typeof ProtocolVersion>;

/** A proposal names the cut and the blob it computed; witnesses recompute both before they sign the digest. */
export const SnapshotProposed = obj({ proposalId: ident, targetEpoch: int({ min: 1 }), digest: hash32, cut: obj({ wall: int(), logical: int() }), blobCid: ident });
export const SnapshotCompleted = obj({ proposalId: ident, snapshot: SnapshotV1, thresholdSignature: bytes({ max: 128 }) });
export const CacheInvalidated = obj({ keys: arr(str({ min: 1, max: 256 }), { min: 1, max: 256 }), epochFloor: int() });
/**
 * `prestate`: the commitment of the tree state it was proposed at. Its policy decides what attests the
 * activation (one device at t = 1, the devices' consensus at t ≥ 2), judged by content so the rule stays
 * monotone however the tree moves on.
 */
export const UpgradeActivated = obj({ packageId: ident, toVersion: ProtocolVersion, activationFence: int(), prestate: hash32 });
/**
 * In an authority journal, `prestate` as for an upgrade: at t ≥ 2 the devices' consensus may retire any
 * device's admin role. In a group context, `prestate` is the admin appointment the old admin holds and
 * `activationEpoch` the group's key epoch (its removals) from which the handover holds
 * (`reduce/group-admins.ts`, `authz/group-admin-rules.ts`).
 */
export const AdminReplacement = obj({ oldAdmin: ident, newAdmin: ident, activationEpoch: int(), prestate: hash32 });
export type SnapshotProposed = Infer<typeof SnapshotProposed>;
export type SnapshotCompleted = Infer<typeof SnapshotCompleted>;
export type CacheInvalidated = Infer<typeof CacheInvalidated>;
export type UpgradeActivated = Infer<typeof UpgradeActivated>;
export type AdminReplacement = Infer<typeof AdminReplacement>;

export const maintenanceKinds = {
  // A context's snapshots are its witnesses' (DESIGN §8): both kinds live in contexts too.
  'maint.snapshotProposed': kind('any', SnapshotProposed),
  'maint.snapshotCompleted': kind('any', SnapshotCompleted),
  'maint.cacheInvalidated': kind('authority', CacheInvalidated),
  'maint.upgradeActivated': kind('authority', UpgradeActivated),
  // A group's admin hands over in the group's context (DESIGN §8): 'any'.
  'maint.adminReplacement': kind('any', AdminReplacement),
};
