import type { Stream } from '@libp2p/interface';
import { lpStream } from '@libp2p/utils';
import { MAX_FRAME_BYTES, type FrameChannel } from './frame-channel.ts';

/** Length-prefixed frames over a libp2p stream; a frame over `max` ends the session with an error. */
export function streamFrames(stream: Stream, max = MAX_FRAME_BYTES): FrameChannel {
  const lp = lpStream(stream, { maxDataLength: max });
  const stats = { bytesIn: 0, bytesOut: 0 };
  return {
    stats,
    async send(frame) {
      stats.bytesOut += frame.length;
      await lp.write(frame, { signal: AbortSignal.timeout(10_000) });
    },
    async receive() {
      try {
        const f = (await lp.read({ signal: AbortSignal.timeout(15_000) })).subarray();
        stats.bytesIn += f.length;
        return f;
      } catch (e) {
        if (stream.readStatus !== 'readable' || (e as Error).name === 'UnexpectedEOFError') return null;
        throw e;
      }
    },
    async close() {
      await stream.close().catch(() => stream.abort(new Error('closed')));
    },
  };
}
