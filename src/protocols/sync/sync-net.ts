import type { Transport } from '../../net/transport.ts';

/** What the sync service needs from the network: who is connected, and frame channels to and from them. */
export type SyncNet = Pick<Transport, 'connectedPeers' | 'openSync' | 'onSyncChannel' | 'onPeerConnected'>;
