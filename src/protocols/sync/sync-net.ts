import type { ContextId, DeviceId } from '../../core/ids.ts';
import type { FrameChannel } from '../../net/frame-channel.ts';
import type { Transport } from '../../net/transport.ts';

/**
 * What the sync service needs from the network: who is reachable, and frame channels to and from them. The
 * context a session is for lets a channel be forwarded (protocols/forwarding), rooted in that context.
 */
export type SyncNet = Pick<Transport, 'connectedPeers' | 'onSyncChannel' | 'onPeerConnected'> & {
  openSync(peer: DeviceId, context?: ContextId): Promise<FrameChannel>;
};
