import type { DeviceId } from '../../core/ids.ts';
import { PeerManager, type ScoredPeer } from './peer-manager.ts';
import { RateLimiter } from './rate-limiter.ts';
import { initiateSync, serveSync, type SyncFailure, type SyncOutcome } from './session.ts';
import { SessionManager } from './session-manager.ts';
import type { SyncHost } from './sync-host.ts';
import type { SyncNet } from './sync-net.ts';

export interface SyncServiceOptions {
  readonly now: () => number;
  readonly random: () => number;
  /** Anti-entropy period, jittered within [min, max] ms (spec 000 §4: every few seconds). */
  readonly intervalMs?: readonly [number, number];
  readonly maxSessionsPerPeer?: number;
  readonly maxSessions?: number;
  /** The current identity epoch (sessions abort when it advances). */
  readonly epoch?: () => number;
}

export interface SyncMetrics {
  readonly peers: readonly ScoredPeer[];
  readonly recent: readonly SyncOutcome[];
  readonly running: readonly { readonly peer: DeviceId; readonly context: string; readonly done: number; readonly total: number }[];
  readonly refused: number;
  /** Sessions we served that ended in an error, by cause (a peer's malformed or oversized frames, say). */
  readonly servedFailures: Readonly<Partial<Record<SyncFailure, number>>>;
}

const RECENT = 50;
/** A failed session is retried after 1 s, doubling per failure in a row, up to 30 s (then the periodic round). */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * Spec 004 §8: runs reconciliation on connect, after reconnects and periodically (jittered), with the
 * best-scoring peers first, bounded sessions per peer and overall, rate limits both ways, and metrics.
 */
export class SyncService {
  private readonly peers: PeerManager;
  private readonly sessions: SessionManager;
  private readonly inbound = new RateLimiter(500, 20);
  private readonly outbound = new RateLimiter(250, 20);
  private readonly recent: SyncOutcome[] = [];
  private refused = 0;
  private readonly servedFailures: Partial<Record<SyncFailure, number>> = {};
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Failures in a row and the pending retry, per peer and context. */
  private readonly retries = new Map<string, { failures: number; timer: ReturnType<typeof setTimeout> | null }>();
  private stopped = false;
  private lastEpoch = 0;

  constructor(
    private readonly host: SyncHost,
    private readonly net: SyncNet,
    private readonly opts: SyncServiceOptions,
    private readonly onOutcome: (o: SyncOutcome) => void,
    private readonly onChange: () => void,
  ) {
    this.peers = new PeerManager(opts.maxSessionsPerPeer ?? 1);
    this.sessions = new SessionManager(opts.maxSessionsPerPeer ?? 1, opts.maxSessions ?? 4);
    net.onSyncChannel((ch, peer) => void this.serve(ch, peer));
    net.onPeerConnected((peer) => void this.syncWith(peer));
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    for (const r of this.retries.values()) if (r.timer !== null) clearTimeout(r.timer);
    for (const s of this.sessions.list()) s.abort.abort(new Error('stopped'));
  }

  /**
   * A round with every connected peer, best first. `explicit` (the person pressed "Sync now") skips our own
   * outbound rate limit; the responder's inbound limit still applies.
   */
  async syncAll(explicit = false): Promise<SyncOutcome[]> {
    this.checkEpoch();
    const out: SyncOutcome[] = [];
    for (const p of this.peers.rank(this.net.connectedPeers())) out.push(...(await this.syncWith(p.deviceId, explicit)));
    return out;
  }

  async syncWith(peer: DeviceId, explicit = false): Promise<SyncOutcome[]> {
    const out: SyncOutcome[] = [];
    for (const context of this.host.sharedContexts(peer)) {
      if (this.stopped || (!explicit && !this.outbound.allow(`${peer}/${context}`, this.opts.now()))) continue;
      const s = this.sessions.tryStart(peer, context, this.opts.epoch?.() ?? 0);
      if (!s) continue;
      this.peers.get(peer).activeSessions++;
      try {
        const ch = await this.net.openSync(peer);
        s.abort.signal.addEventListener('abort', () => void ch.close());
        const o = await initiateSync(this.host, ch, context, peer, this.opts.now, (done, total) => {
          s.done = done;
          s.total = total;
          this.onChange();
        });
        this.finish(o);
        out.push(o);
      } catch (e) {
        const o: SyncOutcome = { context, peer, ok: false, error: e instanceof Error ? e.message : String(e), failure: 'Error', factsIn: 0, factsOut: 0, bytesIn: 0, bytesOut: 0, rounds: 0, ms: 0, startedAt: this.opts.now() };
        this.finish(o);
        out.push(o);
      } finally {
        this.peers.get(peer).activeSessions--;
        this.sessions.end(s);
        this.onChange();
      }
    }
    return out;
  }

  metrics(): SyncMetrics {
    const running = this.sessions.list().map((s) => ({ peer: s.peer, context: s.context, done: s.done, total: s.total }));
    return { peers: this.peers.all(), recent: [...this.recent], running, refused: this.refused, servedFailures: { ...this.servedFailures } };
  }

  private finish(o: SyncOutcome): void {
    // A peer that does not hold the context is no partner for it: no retry, and no mark against its score.
    if (o.failure !== 'Denied') {
      this.retryIfFailed(o);
      this.peers.record(o.peer, o.ok);
    }
    this.recent.unshift(o);
    this.recent.length = Math.min(this.recent.length, RECENT);
    this.onOutcome(o);
  }

  /**
   * A failed session (the peer was busy, rate-limited us, or the connection dropped) is tried again soon with
   * backoff, so one refusal does not leave a peer behind until the next periodic round.
   */
  private retryIfFailed(o: SyncOutcome): void {
    const key = `${o.peer}/${o.context}`;
    const r = this.retries.get(key) ?? { failures: 0, timer: null };
    if (r.timer !== null) clearTimeout(r.timer);
    r.timer = null;
    if (o.ok || this.stopped) {
      this.retries.delete(key);
      return;
    }
    r.failures++;
    const delay = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(r.failures - 1, 5));
    r.timer = setTimeout(() => {
      r.timer = null;
      void this.syncWith(o.peer, true);
    }, delay + Math.floor(this.opts.random() * (delay / 4)));
    this.retries.set(key, r);
  }

  private async serve(ch: Parameters<typeof serveSync>[1], peer: DeviceId): Promise<void> {
    if (!this.inbound.allow(peer, this.opts.now())) {
      this.refused++;
      await ch.close();
      return;
    }
    const o = await serveSync(this.host, ch, peer);
    if (o.failure !== undefined) {
      this.servedFailures[o.failure] = (this.servedFailures[o.failure] ?? 0) + 1;
      this.onChange();
    }
  }

  private checkEpoch(): void {
    const e = this.opts.epoch?.() ?? 0;
    if (e > this.lastEpoch) this.sessions.epochAdvanced(e);
    this.lastEpoch = e;
  }

  private schedule(): void {
    if (this.stopped) return;
    const [min, max] = this.opts.intervalMs ?? [3_000, 5_000];
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.syncAll().finally(() => this.schedule());
    }, min + Math.floor(this.opts.random() * (max - min)));
  }
}
