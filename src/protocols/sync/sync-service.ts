import type { ContextId, DeviceId } from '../../core/ids.ts';
import type { FrameChannel } from '../../net/frame-channel.ts';
import { FREE, type Charge } from './charge.ts';
import { FIRST_CONTACT_GRACE_MS, FirstContact } from './first-contact.ts';
import { PeerManager, type ScoredPeer } from './peer-manager.ts';
import { RateLimiter } from './rate-limiter.ts';
import { initiateSync, serveSync, type Admission, type SyncFailure, type SyncOutcome } from './session.ts';
import { SessionManager } from './session-manager.ts';
import type { SyncHost } from './sync-host.ts';
import type { SyncNet } from './sync-net.ts';
import { isVersionFailure } from './version-gate.ts';

export interface SyncServiceOptions {
  readonly now: () => number;
  readonly random: () => number;
  /** Anti-entropy period, jittered within [min, max] ms (spec 000 §4: every few seconds). */
  readonly intervalMs?: readonly [number, number];
  readonly maxSessionsPerPeer?: number;
  readonly maxSessions?: number;
  /** The current identity epoch (sessions abort when it advances). */
  readonly epoch?: () => number;
  /** Charged before every frame of every session, either way (spec 000 §2.2); by default frames are free. */
  readonly charge?: Charge;
  /** This device: at first contact the lower DeviceId of a pair opens the session (`FirstContact`). */
  readonly self?: DeviceId;
  /** How long the higher DeviceId waits for its peer's session before opening its own (ms). */
  readonly firstContactGraceMs?: number;
}

export interface SyncMetrics {
  readonly peers: readonly ScoredPeer[];
  readonly recent: readonly SyncOutcome[];
  readonly running: readonly { readonly peer: DeviceId; readonly context: string; readonly done: number; readonly total: number }[];
  /** Sessions we refused as responder (a peer over its rate limit for a context, or all peers over ours). */
  readonly refused: number;
  /** Sessions we served that ended in an error, by cause (a peer's malformed or oversized frames, say). */
  readonly servedFailures: Readonly<Partial<Record<SyncFailure, number>>>;
  /** Peer and context pairs waiting to be tried again: the peer was busy, or our budget for frames is spent. */
  readonly deferred: number;
}

const RECENT = 50;
/** A failed session is retried after 1 s, doubling per failure in a row, up to 30 s (then the periodic round). */
const RETRY_BASE_MS = 1_000;
const RETRY_MAX_MS = 30_000;

/**
 * Spec 004 §8: runs reconciliation on connect, after reconnects and periodically (jittered), with the
 * best-scoring peers first, bounded sessions per peer and overall, rate limits both ways (per peer and
 * context, and overall), every frame charged before it is sent, and metrics.
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
  /** Per peer and context: not before this time (ms), since the peer was busy or our budget is spent. */
  private readonly notBefore = new Map<string, number>();
  private readonly charge: Charge;
  private readonly firstContact: FirstContact;
  private stopped = false;
  private lastEpoch = 0;

  constructor(
    private readonly host: SyncHost,
    private readonly net: SyncNet,
    private readonly opts: SyncServiceOptions,
    private readonly onOutcome: (o: SyncOutcome) => void,
    private readonly onChange: () => void,
  ) {
    this.charge = opts.charge ?? FREE;
    this.peers = new PeerManager(opts.maxSessionsPerPeer ?? 1);
    this.sessions = new SessionManager(opts.maxSessionsPerPeer ?? 1, opts.maxSessions ?? 4);
    this.firstContact = new FirstContact(opts.self, opts.firstContactGraceMs ?? FIRST_CONTACT_GRACE_MS, (peer, skip) => void this.syncWith(peer, false, skip));
    net.onSyncChannel((ch, peer) => void this.serve(ch, peer));
    net.onPeerConnected((peer) => this.contact(peer));
  }

  /** A peer newly connected or seen on a shared context's topic: one session between us, not one each way. */
  contact(peer: DeviceId): void {
    if (!this.stopped) this.firstContact.contact(peer);
  }

  start(): void {
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.firstContact.stop();
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

  async syncWith(peer: DeviceId, explicit = false, skip: ReadonlySet<ContextId> = new Set()): Promise<SyncOutcome[]> {
    const out: SyncOutcome[] = [];
    for (const context of this.host.sharedContexts(peer)) {
      const key = `${peer}/${context}`;
      if (skip.has(context)) continue;
      if (this.stopped || this.opts.now() < (this.notBefore.get(key) ?? 0)) continue;
      if (!explicit && this.outbound.admit(key, this.opts.now()) !== 0) continue;
      const s = this.sessions.tryStart(peer, context, this.opts.epoch?.() ?? 0);
      if (!s) continue;
      this.peers.get(peer).activeSessions++;
      try {
        const o = await initiateSync(this.host, () => this.net.openSync(peer, context), context, peer, this.opts.now, {
          charge: this.charge,
          signal: s.abort.signal,
          onProgress: (done, total) => {
            s.done = done;
            s.total = total;
            this.onChange();
          },
        });
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
    const now = this.opts.now();
    const deferred = [...this.notBefore.values()].filter((t) => t > now).length;
    return { peers: this.peers.all(), recent: [...this.recent], running, refused: this.refused, servedFailures: { ...this.servedFailures }, deferred };
  }

  private finish(o: SyncOutcome): void {
    // A peer that does not hold the context is no partner for it: no retry, and no mark against its score.
    // A busy peer, or our spent budget, is no fault of the peer's either: try again later, score untouched.
    // Versions that do not meet are no partners either, until one side updates (the periodic round asks again).
    const deferred = o.failure === 'Busy' || o.failure === 'Budget';
    const noPartner = o.failure === 'Denied' || isVersionFailure(o.failure);
    if (!noPartner) this.retryLater(o);
    if (!noPartner && !deferred) this.peers.record(o.peer, o.ok);
    this.recent.unshift(o);
    this.recent.length = Math.min(this.recent.length, RECENT);
    this.onOutcome(o);
  }

  /**
   * A session that did not succeed is tried again soon with backoff — not before `retryAt` when the peer was
   * busy (its word honoured up to the longest backoff) or our budget was spent — so one refusal does not
   * leave a peer behind until the next periodic round, and a busy peer is not asked again before then.
   */
  private retryLater(o: SyncOutcome): void {
    const key = `${o.peer}/${o.context}`;
    const r = this.retries.get(key) ?? { failures: 0, timer: null };
    if (r.timer !== null) clearTimeout(r.timer);
    r.timer = null;
    this.notBefore.delete(key);
    if (o.ok || this.stopped) {
      this.retries.delete(key);
      return;
    }
    r.failures++;
    const now = this.opts.now();
    const until = o.retryAt === undefined ? now : o.failure === 'Busy' ? Math.min(o.retryAt, now + RETRY_MAX_MS) : o.retryAt;
    if (until > now) this.notBefore.set(key, until);
    const backoff = Math.min(RETRY_MAX_MS, RETRY_BASE_MS * 2 ** Math.min(r.failures - 1, 5));
    const delay = Math.max(backoff, until - now);
    r.timer = setTimeout(() => {
      r.timer = null;
      void this.syncWith(o.peer, true);
    }, delay + Math.floor(this.opts.random() * (delay / 4)));
    this.retries.set(key, r);
  }

  private async serve(ch: FrameChannel, peer: DeviceId): Promise<void> {
    const admit = (context: string): Admission => {
      const wait = this.inbound.admit(`${peer}/${context}`, this.opts.now());
      return wait === 0 ? { ok: true } : { ok: false, retryAfter: wait };
    };
    const o = await serveSync(this.host, ch, peer, { charge: this.charge, admit });
    if (o.ok && o.context !== undefined) this.firstContact.served(peer, o.context);
    if (o.failure === undefined) return;
    if (o.failure === 'Busy') this.refused++;
    else this.servedFailures[o.failure] = (this.servedFailures[o.failure] ?? 0) + 1;
    this.onChange();
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
