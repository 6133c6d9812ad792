import type { ContextId, PhysicalTime } from '../core/ids.ts';

/** A context's snapshots as this device sees them (Maintenance → Snapshots). */
export interface ContextSnapshots {
  readonly context: ContextId;
  /** Its channels' names, for people. */
  readonly name: string;
  /** Messages held, compacted or not. */
  readonly messages: number;
  /** Facts this device still stores for the context (the tail). */
  readonly facts: number;
  /** The latest completed snapshot; `stored` once this device verified it against its own facts and pruned. */
  readonly latest: {
    readonly epoch: number;
    readonly covered: number;
    readonly completedAt: PhysicalTime;
    readonly stored: { readonly bytes: number; readonly pruned: number } | null;
  } | null;
  /** A proposal not completed yet. */
  readonly pending: { readonly epoch: number; readonly proposedAt: PhysicalTime } | null;
  /** A snapshot needs the context's witness group (two or more member authorities). */
  readonly canSnapshot: boolean;
}

export interface SnapshotsApi {
  list(): readonly ContextSnapshots[];
  /** Proposes a snapshot of the context up to a little before now; the witnesses verify and sign it. */
  takeSnapshot(context: ContextId): Promise<void>;
}
