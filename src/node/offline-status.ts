import type { NetStatus } from '../net/transport.ts';

/** What a node without a transport reports: no relay, no peers, nothing sent or received. */
export const OFFLINE_STATUS: NetStatus = { relay: 'disconnected', relayAddress: null, peers: [], dropped: {}, published: 0, received: 0, observed: {} };
