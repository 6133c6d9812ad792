import { validateFactWith } from '../src/core/facts/validate.ts';
import { ContextChannel } from '../src/net/context-channel.ts';
import { EventQueue, pick, prng, randomBytes } from './clock.ts';
import { nativeVerifier, simContext, SimWriter } from './journal-host.ts';
import { buildMesh, degreeStats, nodeIds } from './mesh.ts';
import { SimNet, DEFAULT_LINKS } from './network.ts';
import { Convergence, type Curve } from './convergence.ts';

export interface GossipOptions {
  readonly n: number;
  readonly seed: number;
  /** Mesh degree per topic (gossipsub D). */
  readonly d?: number;
  /** Datagram loss; lost forwards are repaired by IHAVE/IWANT at heartbeats. */
  readonly loss?: number;
}

export interface GossipResult {
  readonly scenario: 'gossip';
  readonly n: number;
  readonly seed: number;
  readonly d: number;
  readonly loss: number;
  readonly degree: { min: number; max: number; mean: number };
  /** ⌈log_D N⌉ + 2: the goal for the most hops any node's first copy took. */
  readonly bound: number;
  readonly reached: number;
  readonly maxHops: number;
  /** The most mesh hops from the publisher to any node (BFS): the hops if every hop took the same time. */
  readonly meshHops: number;
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

const HEARTBEAT_MS = 1_000;
/** gossipsub's D_lazy: peers outside the mesh told IHAVE at each heartbeat. */
const D_LAZY = 6;
/** Heartbeats a message id is gossiped for (gossipsub's mcache gossip window). */
const GOSSIP_WINDOW = 3;

/**
 * One publish on a context's topic: the payload is sealed by the real ContextChannel, and every node opens it
 * and validates its fact with the core before forwarding it to its mesh peers (as a gossipsub validator
 * would). Duplicates are dropped (gossipsub's seen cache; one message here, so by node). Heartbeats gossip IHAVE to D_lazy random
 * non-mesh peers, which ask IWANT for what they lack.
 */
export async function gossipReach(opts: GossipOptions): Promise<GossipResult> {
  const d = opts.d ?? 6;
  const loss = opts.loss ?? 0;
  const rnd = prng(opts.seed);
  const q = new EventQueue();
  const net = new SimNet(q, rnd, { ...DEFAULT_LINKS, loss });
  const ids = nodeIds(opts.n);
  const mesh = buildMesh(ids, d, rnd);
  const ctx = simContext(opts.seed);
  const channel = new ContextChannel(ctx.id, ctx.secret);
  const verifier = nativeVerifier();
  const hop = new Map<string, number>();
  const seenAt = new Map<string, number>();
  const conv = new Convergence();
  let messages = 0;
  let duplicates = 0;
  let repaired = 0;

  const publisher = ids[pick(rnd, ids.length)]!;
  const fact = new SimWriter(ctx, `gossip-${opts.seed}`).write(0);
  const [payload] = channel.seal([fact.bytes], randomBytes(rnd));

  const send = (from: string, to: string, viaIwant: boolean) => {
    messages++;
    net.datagram(from, to, () => void accept(to, from, hop.get(from)! + 1, viaIwant));
  };
  const accept = async (node: string, from: string | null, h: number, viaIwant: boolean) => {
    if (hop.has(node)) return void duplicates++;
    hop.set(node, h);
    // Opened and validated before it is forwarded: what does not open or verify goes no further.
    const opened = channel.open(payload!);
    if ('drop' in opened || opened.facts.length !== 1) throw new Error(`the sealed payload did not open: ${JSON.stringify(opened)}`);
    for (const raw of opened.facts) await validateFactWith(raw, verifier, { namespace: ctx.ns });
    seenAt.set(node, q.now);
    if (viaIwant) repaired++;
    conv.record(q.now, hop.size, opts.n);
    for (const p of mesh.get(node)!) if (p !== from) send(node, p, false);
  };
  const heartbeat = (node: string) => {
    if (hop.size === opts.n) return;
    const at = seenAt.get(node);
    if (at !== undefined && q.now - at <= GOSSIP_WINDOW * HEARTBEAT_MS) {
      const inMesh = new Set(mesh.get(node));
      for (let k = 0; k < D_LAZY; k++) {
        const other = ids[pick(rnd, ids.length)]!;
        if (other === node || inMesh.has(other)) continue;
        // IHAVE → IWANT (if it lacks the id) → the message: one round trip, then the payload.
        messages++;
        net.datagram(node, other, () => {
          if (hop.has(other)) return;
          messages++;
          net.datagram(other, node, () => send(node, other, true));
        });
      }
    }
    q.after(HEARTBEAT_MS, () => heartbeat(node));
  };
  for (const id of ids) q.after(pick(rnd, HEARTBEAT_MS), () => heartbeat(id));
  q.after(0, () => void accept(publisher, null, 0, false));
  for (let t = HEARTBEAT_MS; hop.size < opts.n && t <= 30 * HEARTBEAT_MS; t += HEARTBEAT_MS) await q.runUntil(t);

  const hist: number[] = [];
  for (const h of hop.values()) hist[h] = (hist[h] ?? 0) + 1;
  const maxHops = hist.length - 1;
  return {
    scenario: 'gossip',
    n: opts.n,
    seed: opts.seed,
    d,
    loss,
    degree: degreeStats(mesh),
    bound: Math.ceil(Math.log(opts.n) / Math.log(d)) + 2,
    reached: hop.size,
    maxHops,
    meshHops: eccentricity(mesh, publisher),
    hops: Array.from({ length: maxHops + 1 }, (_, k) => hist[k] ?? 0),
    repaired,
    timeToAllMs: hop.size === opts.n ? Math.max(...seenAt.values()) : null,
    messages,
    duplicates,
    lost: net.stats.lost,
    curve: conv.curve(),
  };
}

/** The greatest BFS distance from `from` over the mesh. */
function eccentricity(mesh: ReadonlyMap<string, readonly string[]>, from: string): number {
  const dist = new Map([[from, 0]]);
  const queue = [from];
  for (let i = 0; i < queue.length; i++) {
    for (const p of mesh.get(queue[i]!)!) {
      if (dist.has(p)) continue;
      dist.set(p, dist.get(queue[i]!)! + 1);
      queue.push(p);
    }
  }
  return Math.max(...dist.values());
}
