import type { ContextId, DeviceId } from '../../core/ids.ts';
import type { ItemSet } from '../../core/sync/index.ts';

/** What the sync protocol needs from the node's journals. Implemented by the node; nothing here does I/O. */
export interface SyncHost {
  contextOfTopic(topic: string): ContextId | undefined;
  topicOf(context: ContextId): string | undefined;
  /** The peer device is a proven device of a member of the context: only such peers are served. */
  isMemberDevice(context: ContextId, device: DeviceId): boolean;
  /** Contexts this device and the peer device both belong to, sorted. */
  sharedContexts(device: DeviceId): ContextId[];
  items(context: ContextId): ItemSet;
  /** The canonical bytes of the facts with these id digests that this device holds. */
  factBytes(context: ContextId, digests: readonly Uint8Array[]): Uint8Array[];
  /** Validates, admits and commits received facts, like gossip deliveries. */
  ingest(context: ContextId, facts: readonly Uint8Array[]): Promise<void>;
}
