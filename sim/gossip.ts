import { validateFactWith } from '../src/core/facts/validate.ts';
import { ContextChannel } from '../src/net/context-channel.ts';
import { EventQueue, pick, prng, randomBytes, shuffled } from './clock.ts';
import { appGossipsub, BROWSER_MAX_CONNECTIONS, connect, eccentricity, heartbeatMesh, type GossipsubParams } from './gossipsub.ts';
import { nativeVerifier, simContext, SimWriter } from './journal-host.ts';
import { degreeStats, nodeIds } from './mesh.ts';
import { SimNet, DEFAULT_LINKS } from './network.ts';
import { Convergence, type Curve } from './convergence.ts';

export interface GossipOptions {
  readonly n: number;
  readonly seed: number;
  /** Datagram loss; lost forwards are repaired by IHAVE/IWANT at heartbeats. */
  readonly loss?: number;
  /** How link latencies are drawn (`LinkModel.layout`): per link (the default) or from positions on a plane. */
  readonly layout?: 'link' | 'plane';
  /** The gossipsub options; the app's own (`appGossipsub()`) unless a test changes one. */
  readonly gossipsub?: GossipsubParams;
}

export interface GossipResult {
  readonly scenario: 'gossip';
  readonly n: number;
  readonly seed: number;
  readonly D: number;
  readonly floodPublish: boolean;
  readonly loss: number;
  readonly layout: 'link' | 'plane';
  /** Direct links per node (the topic peers) and topic-mesh peers per node. */
  readonly links: { min: number; max: number; mean: number };
  readonly degree: { min: number; max: number; mean: number };
  /** ⌈log_D N⌉ + 2, the goal. */
  readonly bound: number;
  readonly reached: number;
  /** Peers the publisher sent the message to (all its topic peers under flood publish, else its mesh). */
  readonly publishedTo: number;
  /**
   * Forwarding rounds until every node has it, if every hop took one round and none were lost: the BFS depth
   * from the publisher, its first hop to `publishedTo`, later hops over the mesh.
   */
  readonly rounds: number;
  /** The same depth through the mesh alone (no flood publish): the mesh distance. */
  readonly meshHops: number;
  /** Hops of the first copy each node accepted (publisher excluded): median, 99th percentile, max. */
  readonly hopsMedian: number;
  readonly hopsP99: number;
  readonly maxHops: number;
  /** Nodes by the hop count of the first copy they accepted (the publisher at 0). */
  readonly hops: number[];
  /** Nodes that got it through IHAVE/IWANT rather than the mesh. */
  readonly repaired: number;
  readonly timeToAllMs: number | null;
  readonly messages: number;
  readonly duplicates: number;
  readonly lost: number;
  readonly curve: Curve;
}

/**
 * One publish on a context's topic, by the app's gossipsub options (`appGossipsub`): the publisher sends to every
 * topic peer (flood publish) or to its mesh; a node forwards its first copy to its mesh peers but the sender and
 * those that said IDONTWANT; at each heartbeat a node holding a message of its last `mcacheGossip` heartbeats sends
 * IHAVE to max(D_lazy, gossipFactor × its non-mesh topic peers) of them, which ask IWANT for what they lack. The
 * app registers no topic validator, so gossipsub forwards before the app sees the payload; the app then opens it
 * with the real ContextChannel and validates its fact with the core (no virtual time passes for either).
 */
export async function gossipReach(opts: GossipOptions): Promise<GossipResult> {
  const p = opts.gossipsub ?? appGossipsub();
  const loss = opts.loss ?? 0;
  const layout = opts.layout ?? 'link';
  const rnd = prng(opts.seed);
  const q = new EventQueue();
  const net = new SimNet(q, rnd, { ...DEFAULT_LINKS, loss, layout });
  const ids = nodeIds(opts.n);
  const conns = connect(ids, BROWSER_MAX_CONNECTIONS - 1, rnd);
  const mesh = heartbeatMesh(conns, p, rnd);
  const ctx = simContext(opts.seed);
  const channel = new ContextChannel(ctx.id, ctx.secret);
  const verifier = nativeVerifier();
  const hop = new Map<string, number>();
  const seenAt = new Map<string, number>();
  /** `a|b`: b told a IDONTWANT. */
  const dontWant = new Set<string>();
  const gossipLeft = new Map<string, number>();
  const conv = new Convergence();
  let messages = 0;
  let duplicates = 0;
  let repaired = 0;

  const publisher = ids[pick(rnd, ids.length)]!;
  const fact = new SimWriter(ctx, `gossip-${opts.seed}`).write(0);
  const [payload] = channel.seal([fact.bytes], randomBytes(rnd));
  const idontwant = payload!.length >= p.idontwantMinDataSize;
  const meshOf = (node: string) => mesh.get(node)!;
  const publishTo = p.floodPublish ? conns.get(publisher)! : publishPeers(meshOf(publisher), conns.get(publisher)!, p.D, rnd);

  const send = (from: string, to: string, viaIwant: boolean) => {
    messages++;
    net.datagram(from, to, () => void accept(to, from, hop.get(from)! + 1, viaIwant));
  };
  const accept = async (node: string, from: string | null, h: number, viaIwant: boolean) => {
    if (hop.has(node)) return void duplicates++;
    hop.set(node, h);
    seenAt.set(node, q.now);
    gossipLeft.set(node, p.mcacheGossip);
    if (viaIwant) repaired++;
    conv.record(q.now, hop.size, opts.n);
    if (from === null) for (const to of publishTo) send(node, to, false);
    else {
      if (idontwant) for (const to of meshOf(node)) if (to !== from) (messages++, net.datagram(node, to, () => dontWant.add(`${to}|${node}`)));
      for (const to of meshOf(node)) if (to !== from && !dontWant.has(`${node}|${to}`)) send(node, to, false);
    }
    // Delivered to the app: what does not open or verify is the app's drop, not gossipsub's.
    const opened = channel.open(payload!);
    if ('drop' in opened || opened.facts.length !== 1) throw new Error(`the sealed payload did not open: ${JSON.stringify(opened)}`);
    for (const raw of opened.facts) await validateFactWith(raw, verifier, { namespace: ctx.ns });
  };
  const heartbeat = (node: string) => {
    if (hop.size === opts.n) return;
    const left = gossipLeft.get(node) ?? 0;
    if (left > 0) {
      gossipLeft.set(node, left - 1);
      const inMesh = new Set(meshOf(node));
      const candidates = conns.get(node)!.filter((c) => !inMesh.has(c));
      const target = Math.min(candidates.length, Math.max(p.Dlazy, Math.floor(p.gossipFactor * candidates.length)));
      for (const other of shuffled(rnd, candidates).slice(0, target)) {
        // IHAVE → IWANT (if it lacks the id) → the message: one round trip, then the payload.
        messages++;
        net.datagram(node, other, () => {
          if (hop.has(other)) return;
          messages++;
          net.datagram(other, node, () => send(node, other, true));
        });
      }
    }
    q.after(p.heartbeatInterval, () => heartbeat(node));
  };
  for (const id of ids) q.after(pick(rnd, p.heartbeatInterval), () => heartbeat(id));
  q.after(0, () => void accept(publisher, null, 0, false));
  const horizon = 75 * p.heartbeatInterval;
  for (let t = p.heartbeatInterval; hop.size < opts.n && t <= horizon; t += p.heartbeatInterval) await q.runUntil(t);

  const hist: number[] = [];
  for (const h of hop.values()) hist[h] = (hist[h] ?? 0) + 1;
  const hops = Array.from(hist, (c) => c ?? 0);
  return {
    scenario: 'gossip',
    n: opts.n,
    seed: opts.seed,
    D: p.D,
    floodPublish: p.floodPublish,
    loss,
    layout,
    links: degreeStats(conns),
    degree: degreeStats(mesh),
    bound: Math.ceil(Math.log(opts.n) / Math.log(p.D)) + 2,
    reached: hop.size,
    publishedTo: publishTo.length,
    rounds: eccentricity(mesh, publisher, publishTo),
    meshHops: eccentricity(mesh, publisher),
    hopsMedian: percentile(hops, 0.5),
    hopsP99: percentile(hops, 0.99),
    maxHops: hops.length - 1,
    hops,
    repaired,
    timeToAllMs: hop.size === opts.n ? Math.max(...seenAt.values()) : null,
    messages,
    duplicates,
    lost: net.stats.lost,
    curve: conv.curve(),
  };
}

/** Without flood publish: the mesh, topped up to D with random topic peers if it is smaller. */
function publishPeers(mesh: readonly string[], topic: readonly string[], d: number, rnd: () => number): string[] {
  const others = shuffled(rnd, topic.filter((t) => !mesh.includes(t)));
  return [...mesh, ...others.slice(0, Math.max(0, d - mesh.length))];
}

/** The nearest-rank percentile of a histogram (index = hops, value = nodes), the publisher at 0 left out. */
export function percentile(hist: readonly number[], f: number): number {
  const counts = hist.map((c, h) => (h === 0 ? 0 : c));
  const rank = Math.ceil(f * counts.reduce((a, b) => a + b, 0));
  let seen = 0;
  for (let h = 0; h < counts.length; h++) if ((seen += counts[h]!) >= rank) return h;
  return counts.length - 1;
}
