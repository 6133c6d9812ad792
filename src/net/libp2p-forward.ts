import { peerIdFromString } from '@libp2p/peer-id';
import { MAX_FORWARD_BYTES } from '../core/forwarding/envelope.ts';
import type { DeviceId } from '../core/ids.ts';
import type { FrameChannel } from './frame-channel.ts';
import { FORWARD_PROTOCOL, type ForwardLinks } from './forward-links.ts';
import type { BrowserNode } from './libp2p-node.ts';
import { streamFrames } from './stream-frames.ts';

/** Forward streams over libp2p: `/aura/fwd/1.0.0`, length-prefixed envelopes of at most MAX_FORWARD_BYTES. */
export function libp2pForwardLinks(node: BrowserNode, limited: boolean): ForwardLinks {
  let handler: (ch: FrameChannel, peer: DeviceId) => void = () => {};
  void node.handle(FORWARD_PROTOCOL, (stream, connection) => handler(streamFrames(stream, MAX_FORWARD_BYTES), connection.remotePeer.toString()), {
    runOnLimitedConnection: limited,
  });
  return {
    async open(peer) {
      const stream = await node.dialProtocol(peerIdFromString(peer), FORWARD_PROTOCOL, { signal: AbortSignal.timeout(5_000), runOnLimitedConnection: limited });
      return streamFrames(stream, MAX_FORWARD_BYTES);
    },
    onChannel(h) {
      handler = h;
    },
  };
}
