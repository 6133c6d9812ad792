import type { FrameChannel } from '../src/net/frame-channel.ts';
import type { EventQueue } from './clock.ts';

/** The link model: a base latency per link (drawn once), jitter per message, loss of datagrams. */
export interface LinkModel {
  /** A link's one-way base latency is drawn uniformly from [min, max] ms. */
  readonly latencyMs: readonly [number, number];
  /** Added to each message: uniform in [0, jitterMs]. */
  readonly jitterMs: number;
  /** Probability that a datagram (a gossip message) is lost; streams (sync sessions) are reliable. */
  readonly loss: number;
  /**
   * `link` (the default): each link's base drawn on its own, so a two-hop path often beats a slow direct link.
   * `plane`: nodes at random points of a square whose diagonal spans `latencyMs`, a link's base the minimum
   * plus their distance — latencies that keep the triangle inequality, as geography mostly does.
   */
  readonly layout?: 'link' | 'plane';
}

export const DEFAULT_LINKS: LinkModel = { latencyMs: [10, 80], jitterMs: 10, loss: 0 };

/**
 * The in-memory network of the simulator: who is online, partitions (nodes in different groups cannot reach
 * each other), per-link latency, datagram loss, and reliable ordered streams that break when their link does.
 */
export class SimNet {
  private readonly offline = new Set<string>();
  private group: ReadonlyMap<string, number> | null = null;
  private readonly base = new Map<string, number>();
  private readonly at = new Map<string, [number, number]>();
  /** Datagrams and stream frames delivered, and datagrams lost or cut by a partition. */
  readonly stats = { delivered: 0, lost: 0, cut: 0 };

  constructor(
    private readonly q: EventQueue,
    private readonly rnd: () => number,
    readonly model: LinkModel = DEFAULT_LINKS,
  ) {}

  /** Splits the nodes: only nodes of one group reach each other, until `heal`. */
  partition(groups: readonly (readonly string[])[]): void {
    this.group = new Map(groups.flatMap((g, k) => g.map((n) => [n, k] as const)));
  }

  heal(): void {
    this.group = null;
  }

  setOnline(node: string, online: boolean): void {
    if (online) this.offline.delete(node);
    else this.offline.add(node);
  }

  isOnline(node: string): boolean {
    return !this.offline.has(node);
  }

  reachable(a: string, b: string): boolean {
    if (this.offline.has(a) || this.offline.has(b)) return false;
    return this.group === null || this.group.get(a) === this.group.get(b);
  }

  /** One-way delay of a message on the link now: the link's base plus jitter. */
  delay(a: string, b: string): number {
    const key = a < b ? `${a}|${b}` : `${b}|${a}`;
    let base = this.base.get(key);
    if (base === undefined) {
      const [min, max] = this.model.latencyMs;
      if (this.model.layout === 'plane') {
        const [pa, pb] = [this.point(a, (max - min) / Math.SQRT2), this.point(b, (max - min) / Math.SQRT2)];
        base = min + Math.round(Math.hypot(pa[0] - pb[0], pa[1] - pb[1]));
      } else base = min + Math.floor(this.rnd() * (max - min + 1));
      this.base.set(key, base);
    }
    return base + Math.floor(this.rnd() * (this.model.jitterMs + 1));
  }

  /** A node's point on the `plane` layout, drawn when first needed. */
  private point(node: string, side: number): [number, number] {
    let p = this.at.get(node);
    if (p === undefined) this.at.set(node, (p = [this.rnd() * side, this.rnd() * side]));
    return p;
  }

  /** A datagram: lost with the model's probability, or when the link is cut at either end of its flight. */
  datagram(from: string, to: string, deliver: () => void): void {
    if (!this.reachable(from, to)) return void this.stats.cut++;
    if (this.rnd() < this.model.loss) return void this.stats.lost++;
    this.q.after(this.delay(from, to), () => {
      if (!this.reachable(from, to)) return void this.stats.cut++;
      this.stats.delivered++;
      deliver();
    });
  }

  /** A reliable, ordered stream between two nodes (a libp2p stream): frames arrive after the link's delay, in order; it breaks when the link does. */
  stream(a: string, b: string): [FrameChannel, FrameChannel] {
    const inbox: Uint8Array[][] = [[], []];
    const waiter: (((f: Uint8Array | null) => void) | null)[] = [null, null];
    const ended = [false, false];
    const lastAt = [0, 0];
    const ends = [a, b];
    const wake = (side: number, f: Uint8Array | null) => {
      const w = waiter[side];
      if (w) {
        waiter[side] = null;
        w(f);
      } else if (f) inbox[side]!.push(f);
    };
    const breakBoth = () => {
      for (const s of [0, 1]) {
        ended[s] = true;
        if (inbox[s]!.length === 0) wake(s, null);
      }
    };
    /** Frames and the close travel in order: each no earlier than the one before it. */
    const carry = (from: number, run: () => void) => {
      const at = Math.max(lastAt[from]!, this.q.now + this.delay(ends[from]!, ends[1 - from]!));
      lastAt[from] = at;
      this.q.at(at, () => (this.reachable(a, b) ? run() : breakBoth()));
    };
    const end = (me: number): FrameChannel => {
      const stats = { bytesIn: 0, bytesOut: 0 };
      return {
        stats,
        send: async (frame) => {
          if (ended[me]) throw new Error('stream closed');
          if (!this.reachable(a, b)) {
            breakBoth();
            throw new Error('link down');
          }
          stats.bytesOut += frame.length;
          carry(me, () => {
            this.stats.delivered++;
            wake(1 - me, frame);
          });
        },
        receive: async () => {
          const f = inbox[me]!.shift() ?? (ended[me] ? null : await new Promise<Uint8Array | null>((r) => (waiter[me] = r)));
          if (f) stats.bytesIn += f.length;
          return f;
        },
        close: async () => {
          if (ended[me]) return;
          ended[me] = true;
          wake(me, null);
          carry(me, () => {
            ended[1 - me] = true;
            if (inbox[1 - me]!.length === 0) wake(1 - me, null);
          });
        },
      };
    };
    return [end(0), end(1)];
  }
}
