import type { DeviceId } from '../core/ids.ts';
import type { FrameChannel } from './frame-channel.ts';

/** Protocol id of forwarded frames (protocols/forwarding), next to `/aura/sync/1.0.0`. */
export const FORWARD_PROTOCOL = '/aura/fwd/1.0.0';

/** Streams of forward envelopes to and from directly connected peers; the envelopes are judged above. */
export interface ForwardLinks {
  /** A new forward stream to a connected peer. */
  open(peer: DeviceId): Promise<FrameChannel>;
  /** Streams peers opened to us (one handler: the latest). */
  onChannel(handler: (ch: FrameChannel, peer: DeviceId) => void): void;
}
