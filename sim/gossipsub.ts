import { auraGossipsub } from '../src/net/libp2p-node.ts';
import { pick, shuffled } from './clock.ts';

/** The gossipsub options the gossip model runs with (names as `@libp2p/gossipsub` spells them). */
export interface GossipsubParams {
  readonly D: number;
  readonly Dlo: number;
  readonly Dhi: number;
  readonly Dscore: number;
  readonly Dout: number;
  readonly Dlazy: number;
  readonly gossipFactor: number;
  readonly heartbeatInterval: number;
  readonly mcacheGossip: number;
  readonly floodPublish: boolean;
  readonly idontwantMinDataSize: number;
}

/**
 * The options every Aura node's gossipsub really runs with: the router `auraGossipsub()` builds, its options merged
 * with the library's defaults by the library itself — so a change in `src/net/` or in the library reaches the model.
 */
export function appGossipsub(): GossipsubParams {
  const silent = Object.assign(() => {}, { enabled: false, error: () => {}, trace: () => {} });
  // The router class keeps its merged options in `opts`; the exported interface does not name it.
  const router = auraGossipsub()({ logger: { forComponent: () => silent } } as never) as unknown as { opts: GossipsubParams };
  const { D, Dlo, Dhi, Dscore, Dout, Dlazy, gossipFactor, heartbeatInterval, mcacheGossip, floodPublish, idontwantMinDataSize } = router.opts;
  return { D, Dlo, Dhi, Dscore, Dout, Dlazy, gossipFactor, heartbeatInterval, mcacheGossip, floodPublish, idontwantMinDataSize };
}

/**
 * libp2p's `maxConnections` in a browser build (`libp2p/dist/src/connection-manager/constants.browser.js`; the
 * app sets no connection manager options). One of them is the relay's websocket.
 */
export const BROWSER_MAX_CONNECTIONS = 100;

/** Whether `a` dialled `b`: the app's rule is that the lower PeerId dials (`libp2p-transport.ts`). */
export const dialled = (a: string, b: string): boolean => a < b;

/**
 * The direct WebRTC links: every node dials every peer discovery names (`dialDirect`), in the random order the
 * announcements arrive; a link forms while both ends have room under the connection cap (libp2p refuses an
 * inbound connection beyond `maxConnections`). Every link is a gossipsub topic peer: all nodes share the topic.
 */
export function connect(ids: readonly string[], maxPeers: number, rnd: () => number): Map<string, string[]> {
  const n = ids.length;
  const peers = ids.map(() => [] as number[]);
  // Every pair once, shuffled in place (half a million at N = 1 000: a typed array keeps it fast).
  const pairs = new Int32Array((n * (n - 1)) / 2);
  for (let i = 0, k = 0; i < n; i++) for (let j = i + 1; j < n; j++) pairs[k++] = i * n + j;
  for (let k = pairs.length - 1; k > 0; k--) {
    const r = pick(rnd, k + 1);
    const t = pairs[k]!;
    pairs[k] = pairs[r]!;
    pairs[r] = t;
  }
  for (const pair of pairs) {
    const [i, j] = [Math.floor(pair / n), pair % n];
    if (peers[i]!.length < maxPeers && peers[j]!.length < maxPeers) {
      peers[i]!.push(j);
      peers[j]!.push(i);
    }
  }
  return new Map(ids.map((id, k) => [id, peers[k]!.map((p) => ids[p]!).sort()]));
}

/**
 * The topic mesh gossipsub's heartbeat builds over those links, by its rules: below D_lo a node grafts up to D
 * random candidates; a peer at D_hi refuses a graft unless it dialled the grafter; above D_hi a node keeps the
 * D_score oldest (every score is 0 here) and random others up to D, with D_out peers it dialled, and prunes the
 * rest; a node with fewer than D_out dialled mesh peers grafts some. Refused and pruned pairs back off (1 min,
 * longer than this settling). Control messages take effect at once; heartbeats run in a random order per round.
 */
export function heartbeatMesh(conns: ReadonlyMap<string, readonly string[]>, p: GossipsubParams, rnd: () => number): Map<string, string[]> {
  const ids = [...conns.keys()];
  const mesh = new Map(ids.map((id) => [id, new Set<string>()]));
  const backoff = new Set<string>();
  let changes = 0;
  const prune = (a: string, b: string) => {
    changes++;
    mesh.get(a)!.delete(b);
    mesh.get(b)!.delete(a);
    backoff.add(`${a}|${b}`).add(`${b}|${a}`);
  };
  const graft = (a: string, b: string) => {
    const theirs = mesh.get(b)!;
    changes++;
    mesh.get(a)!.add(b);
    if (theirs.has(a)) return;
    if (backoff.has(`${b}|${a}`) || (theirs.size >= p.Dhi && !dialled(b, a))) prune(a, b);
    else theirs.add(a);
  };
  for (let round = 0, before = -1; changes !== before && round < 50; round++) {
    before = changes;
    for (const id of shuffled(rnd, ids)) {
      const mine = mesh.get(id)!;
      const candidates = () => shuffled(rnd, conns.get(id)!).filter((c) => !mine.has(c) && !backoff.has(`${id}|${c}`));
      if (mine.size < p.Dlo) for (const c of candidates().slice(0, p.D - mine.size)) graft(id, c);
      if (mine.size > p.Dhi) {
        const ordered = [...mine];
        const keep = ordered.slice(0, p.Dscore).concat(shuffled(rnd, ordered.slice(p.Dscore)));
        const out = keep.slice(0, p.D).filter((c) => dialled(id, c)).length;
        if (out < p.Dout) {
          // Bubble dialled peers from outside the first D to the front, as the heartbeat does.
          const extra = keep.slice(p.D).filter((c) => dialled(id, c)).slice(0, p.D - out);
          keep.splice(0, keep.length, ...extra, ...keep.filter((c) => !extra.includes(c)));
        }
        for (const c of keep.slice(p.D)) prune(id, c);
      }
      const out = [...mine].filter((c) => dialled(id, c)).length;
      if (mine.size >= p.Dlo && out < p.Dout) for (const c of candidates().filter((c) => dialled(id, c)).slice(0, p.Dout - out)) graft(id, c);
    }
  }
  return new Map(ids.map((id) => [id, [...mesh.get(id)!].sort()]));
}

/** The greatest BFS distance from `from`, its first hop to `first`, every later hop over `next`. */
export function eccentricity(next: ReadonlyMap<string, readonly string[]>, from: string, first = next.get(from)!): number {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    const at = queue[i]!;
    for (const p of i === 0 ? first : next.get(at)!) {
      if (dist.has(p)) continue;
      dist.set(p, dist.get(at)! + 1);
      queue.push(p);
    }
  }
  return Math.max(...dist.values());
}
