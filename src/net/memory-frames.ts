import type { FrameChannel } from './frame-channel.ts';

/** Two connected in-memory frame channels, for the in-process network. */
export function memoryChannelPair(): [FrameChannel, FrameChannel] {
  const queues: Uint8Array[][] = [[], []];
  const waiters: (((f: Uint8Array | null) => void) | null)[] = [null, null];
  const closed = [false, false];
  const make = (me: 0 | 1): FrameChannel => {
    const other = (1 - me) as 0 | 1;
    const stats = { bytesIn: 0, bytesOut: 0 };
    return {
      stats,
      async send(frame) {
        if (closed[me] || closed[other]) throw new Error('channel closed');
        stats.bytesOut += frame.length;
        const w = waiters[other];
        if (w) {
          waiters[other] = null;
          w(frame);
        } else queues[other]!.push(frame);
      },
      async receive() {
        const q = queues[me]!;
        const f = q.shift() ?? (closed[other] || closed[me] ? null : await new Promise<Uint8Array | null>((r) => (waiters[me] = r)));
        if (f) stats.bytesIn += f.length;
        return f;
      },
      async close() {
        closed[me] = true;
        for (const i of [0, 1] as const) {
          const w = waiters[i];
          if (w && queues[i]!.length === 0) {
            waiters[i] = null;
            w(null);
          }
        }
      },
    };
  };
  return [make(0), make(1)];
}
