import type { Connection } from '@libp2p/interface';
import { byteStream } from '@libp2p/utils';
import type { BrowserNode } from './libp2p-node.ts';
import { connectionTransport } from './peer-transport.ts';

const PING_PROTOCOL = '/ipfs/ping/1.0.0';
const INTERVAL_MS = 1_000;
const TIMEOUT_MS = 2_000;

/**
 * Direct WebRTC links are pinged every second and aborted when a ping goes unanswered for 2 s: the other side of
 * a WebRTC connection notices a closed tab (or one gone offline in the lab) only after about 16 s, and the goal is
 * that it leaves every peer list within 3 s. The relay's connection is left to libp2p's own, slower monitor: a
 * busy relay must not be dropped. Returns the stop.
 */
export function watchLiveness(node: BrowserNode): () => void {
  const inFlight = new Set<string>();
  const timer = setInterval(() => {
    for (const c of node.getConnections()) {
      if (connectionTransport(c) !== 'webrtc' || inFlight.has(c.id)) continue;
      inFlight.add(c.id);
      void ping(c)
        .catch((e: unknown) => c.abort(e instanceof Error ? e : new Error('ping failed')))
        .finally(() => inFlight.delete(c.id));
    }
  }, INTERVAL_MS);
  return () => clearInterval(timer);
}

async function ping(c: Connection): Promise<void> {
  const signal = AbortSignal.timeout(TIMEOUT_MS);
  const stream = await c.newStream(PING_PROTOCOL, { signal });
  try {
    const bytes = byteStream(stream);
    await bytes.write(crypto.getRandomValues(new Uint8Array(32)), { signal });
    await bytes.read({ bytes: 32, signal });
    await stream.close({ signal });
  } catch (e) {
    stream.abort(e instanceof Error ? e : new Error('ping failed'));
    throw e;
  }
}
