import type { Connection, Stream } from '@libp2p/interface';
import type { BrowserNode } from './libp2p-node.ts';
import { connectionTransport } from './peer-transport.ts';

export const LIVENESS_PROTOCOL = '/aura/live/1.0.0';
const BEAT_MS = 500;
const SILENCE_MS = 2_500;
const MAX_BEAT_BYTES = 64;

interface Link {
  out?: Stream;
  opening: boolean;
  /** Our own clock when the other side last proved alive (a beat, or the stream it accepted). */
  heard?: number;
}

/**
 * Each side of a direct WebRTC link sends a one-byte beat every half second on one long-lived stream, and aborts the
 * link after 2.5 s of silence: the other side of a WebRTC connection notices a closed tab (or one gone offline in the
 * lab) only after about 16 s, and the goal is that it leaves every peer list within 3 s. One stream per direction,
 * not a stream per beat: opening a data channel and negotiating its protocol is what a loaded tab was too slow to
 * finish in time, so it lost healthy links. A tab whose own timer ran late was blocked, not abandoned: it judges
 * nobody until it has heard again. The relay's connection is left to libp2p's own, slower monitor. Returns the stop.
 */
export function watchLiveness(node: BrowserNode, watched = (c: Connection) => connectionTransport(c) === 'webrtc'): () => void {
  const links = new Map<string, Link>();
  const link = (c: Connection): Link => links.get(c.id) ?? links.set(c.id, { opening: false }).get(c.id)!;
  void node
    .handle(LIVENESS_PROTOCOL, (stream, connection) => void hear(stream, link(connection)), { maxInboundStreams: 2, runOnLimitedConnection: false })
    .catch(() => {});
  let lastTick = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    const blocked = now - lastTick > 2 * BEAT_MS;
    lastTick = now;
    const open = new Set<string>();
    for (const c of node.getConnections()) {
      if (!watched(c)) continue;
      open.add(c.id);
      const l = link(c);
      if (blocked && l.heard !== undefined) l.heard = now;
      if (l.heard !== undefined && now - l.heard > SILENCE_MS) {
        c.abort(new Error('liveness: silent for 2.5 s'));
        continue;
      }
      if (l.out?.status === 'open') l.out.send(BEAT);
      else if (!l.opening) void openBeat(c, l);
    }
    for (const id of links.keys()) if (!open.has(id)) links.delete(id);
  }, BEAT_MS);
  return () => {
    clearInterval(timer);
    for (const l of links.values()) l.out?.abort(new Error('stopped'));
    void node.unhandle(LIVENESS_PROTOCOL).catch(() => {});
  };
}

const BEAT = Uint8Array.of(1);

async function openBeat(c: Connection, l: Link): Promise<void> {
  l.opening = true;
  try {
    l.out = await c.newStream(LIVENESS_PROTOCOL, { signal: AbortSignal.timeout(5_000) });
    l.heard ??= Date.now();
  } catch {
    // An older peer without the protocol, or a link already going: libp2p's own monitor still covers it.
  } finally {
    l.opening = false;
  }
}

async function hear(stream: Stream, l: Link): Promise<void> {
  try {
    for await (const chunk of stream) {
      // Beats carry no data: a peer streaming bulk here is abusing the link, not proving it alive.
      if (chunk.byteLength > MAX_BEAT_BYTES) throw new Error('liveness: not a beat');
      l.heard = Date.now();
    }
  } catch (e) {
    stream.abort(e instanceof Error ? e : new Error('liveness'));
  }
}
