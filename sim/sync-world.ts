import type { DeviceId } from '../src/core/ids.ts';
import { initiateSync, serveSync, type SyncOutcome } from '../src/protocols/sync/session.ts';
import { EventQueue, pick, prng, shuffled } from './clock.ts';
import { Convergence } from './convergence.ts';
import { nativeVerifier, SimJournalHost, simContext, SimWriter, type SimContext } from './journal-host.ts';
import { buildMesh, nodeIds } from './mesh.ts';
import { SimNet } from './network.ts';

/** The sync service's period: every 3–5 s, jittered (`SyncService`); one anti-entropy round is 4 s here. */
export const ROUND_MS = 4_000;

/** With whom a node syncs in a round: every connected peer (as `SyncService.syncAll` does), or k random ones. */
export type Fanout = 'all' | number;

/**
 * N nodes, each with an in-memory journal of real signed facts, linked like a gossipsub mesh (the peers a
 * node is connected to), running real sync sessions (`initiateSync` / `serveSync`) over the simulated
 * network in anti-entropy rounds on the virtual clock.
 */
export class SyncWorld {
  readonly q = new EventQueue();
  readonly rnd: () => number;
  readonly net: SimNet;
  readonly ctx: SimContext;
  readonly hosts = new Map<string, SimJournalHost>();
  readonly links = new Map<string, string[]>();
  /** Every fact written so far, by id: what "holding every fact" means. */
  readonly written = new Set<string>();
  readonly conv: Convergence;
  readonly sessions = { ok: 0, failed: 0 };
  private readonly verifier = nativeVerifier();
  private nextId: number;

  constructor(
    n: number,
    seed: number,
    private readonly degree = 6,
  ) {
    this.rnd = prng(seed);
    this.net = new SimNet(this.q, this.rnd);
    this.ctx = simContext(seed);
    const ids = nodeIds(n);
    for (const [id, peers] of buildMesh(ids, degree, this.rnd)) {
      this.hosts.set(id, new SimJournalHost(id as DeviceId, this.ctx, this.verifier));
      this.links.set(id, peers);
    }
    this.nextId = n;
    this.conv = new Convergence();
  }

  get ids(): string[] {
    return [...this.hosts.keys()];
  }

  /** A writer living on `node`: its facts are `ours` in that node's pushes. */
  writer(node: string, label: string): { write: () => void } {
    const w = new SimWriter(this.ctx, label);
    const host = this.hosts.get(node)!;
    host.author = w.author;
    return {
      write: () => {
        const f = w.write(this.q.now);
        host.add(f);
        this.written.add(f.id);
        this.measure();
      },
    };
  }

  /** A fact every node already holds (shared history from before the scenario). */
  seed(label: string, count: number): void {
    const w = new SimWriter(this.ctx, label);
    for (let k = 0; k < count; k++) {
      const f = w.write(-1_000_000 + k);
      for (const h of this.hosts.values()) h.add(f);
      this.written.add(f.id);
    }
  }

  /** A brand-new node (empty journal) connected to `degree` random online nodes. */
  join(): string {
    const id = `n${String(this.nextId++).padStart(4, '0')}`;
    this.hosts.set(id, new SimJournalHost(id as DeviceId, this.ctx, this.verifier));
    const online = this.ids.filter((x) => x !== id && this.net.isOnline(x));
    const peers = shuffled(this.rnd, online).slice(0, this.degree).sort();
    this.links.set(id, peers);
    for (const p of peers) this.links.get(p)!.push(id);
    return id;
  }

  /** A journal holds only facts of `written` (nothing else exists in the world), so equal sizes mean all of them. */
  holdsAll(node: string): boolean {
    return this.hosts.get(node)!.size === this.written.size;
  }

  /** Nodes holding every fact written. */
  holding(): number {
    return this.ids.filter((id) => this.holdsAll(id)).length;
  }

  /** Facts that nodes' validation refused (every fact here is valid: this stays 0 unless validation breaks). */
  refused(): number {
    return [...this.hosts.values()].reduce((n, h) => n + h.refused, 0);
  }

  measure(): void {
    this.conv.record(this.q.now, this.holding(), this.hosts.size);
  }

  /** One real session, a initiating towards b, over a simulated stream. */
  async session(a: string, b: string): Promise<SyncOutcome> {
    const [ca, cb] = this.net.stream(a, b);
    if (this.net.reachable(a, b)) void serveSync(this.hosts.get(b)!, cb, a as DeviceId);
    const o = await initiateSync(this.hosts.get(a)!, ca, this.ctx.id, b as DeviceId, () => this.q.now);
    if (o.ok) this.sessions.ok++;
    else this.sessions.failed++;
    if (o.factsIn + o.factsOut > 0) this.measure();
    return o;
  }

  /**
   * Schedules one round starting at `start`: each online node, at a random moment within the round, syncs
   * with its connected peers (all of them one after the other, or `fanout` random ones).
   */
  scheduleRound(start: number, fanout: Fanout): void {
    for (const id of this.ids) {
      this.q.at(start + pick(this.rnd, ROUND_MS), () => {
        if (!this.net.isOnline(id)) return;
        // Connected peers only, as the service's `connectedPeers()`: nobody dials across a partition.
        const peers = this.links.get(id)!.filter((p) => this.net.reachable(id, p));
        const chosen = fanout === 'all' ? shuffled(this.rnd, peers) : shuffled(this.rnd, peers).slice(0, fanout);
        void (async () => {
          for (const p of chosen) if (this.net.reachable(id, p)) await this.session(id, p);
        })();
      });
    }
  }

  /** Runs rounds from `start` until every node holds every fact or `max` rounds; returns the rounds it took (null if never). */
  async roundsToConverge(start: number, fanout: Fanout, max: number): Promise<number | null> {
    for (let r = 1; r <= max; r++) {
      this.scheduleRound(start + (r - 1) * ROUND_MS, fanout);
      await this.q.runUntil(start + r * ROUND_MS);
      if (this.holding() === this.hosts.size) return r;
    }
    return null;
  }
}
