import { MAX_FRAME_BYTES } from '../core/limits.ts';

/** Protocol id of anti-entropy sessions, and the most a frame may carry (its length prefix excluded). */
export const SYNC_PROTOCOL = '/aura/sync/1.0.0';
export { MAX_FRAME_BYTES };

/** A bidirectional, ordered channel of frames between two devices (a libp2p stream, or memory in tests). */
export interface FrameChannel {
  send(frame: Uint8Array): Promise<void>;
  /** The next frame, or null once the other side closed. Oversized frames throw. */
  receive(): Promise<Uint8Array | null>;
  close(): Promise<void>;
  /** Bytes sent and received so far, for metrics. */
  readonly stats: { bytesIn: number; bytesOut: number };
  /** A forwarded channel is rooted in one context (its receipts'): a session over it may be about no other. */
  readonly context?: string;
}
