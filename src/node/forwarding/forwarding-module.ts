import { purposeTopic } from '../../core/crypto/context-keys.ts';
import { ForwardError } from '../../core/forwarding/errors.ts';
import { isMemberDevice } from '../../core/forwarding/members.ts';
import { createLinkNote, verifyLinkNote } from '../../core/forwarding/link-note.ts';
import { budgetKey } from '../../core/flow/flow-budget.ts';
import { SEND_COST, TOPIC_RECIPIENT } from '../../core/flow/send-cost.ts';
import { journalOf, type AuthorityId, type ContextId, type DeviceId } from '../../core/ids.ts';
import { mayWrite } from '../../core/reduce/membership.ts';
import type { ForwardEvents, ForwardHost, HopCharge } from '../../protocols/forwarding/forward-host.ts';
import { ForwardingService } from '../../protocols/forwarding/forwarding-service.ts';
import type { SyncNet } from '../../protocols/sync/sync-net.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost, NodeModule } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { ForwardCounters, type ForwardingStatus } from './counters.ts';
import { Routes } from './routes.ts';
import type { SyncModule } from '../sync/sync-module.ts';

/** How often link notes are refreshed (and new contexts' note topics heard); a changed link set goes out at once. */
export const NOTE_INTERVAL_MS = 5_000;
const NOTE_PURPOSE = 'fwd-links';
const RECEIPT_RIGHT = 'forward:receipt';

/**
 * Forwarding with receipts in the node (DESIGN §5): advertises this device's links on each context (signed
 * link notes), learns its peers', gives the sync service a network where a member without a direct link is
 * reached through a member linked to both (`ForwardingService`), charges this device's budget for each hop it
 * makes, keeps accepted receipt chains as `receipt.forward` facts of the context, and reports per peer whether
 * it is direct or via whom (`status()`).
 */
export class ForwardingModule implements NodeModule {
  private readonly routes = new Routes();
  private readonly counters = new ForwardCounters();
  private service: ForwardingService | null = null;
  private readonly heard = new Map<ContextId, () => void>();
  private published = new Map<ContextId, string>();
  private timer: ReturnType<typeof setInterval> | null = null;
  private unsubscribe: (() => void) | null = null;
  /** (context, origin, forwarder) whose chain is kept as a fact this flow epoch already. */
  private kept = new Set<string>();
  private keptEpoch = -1;

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    sync: SyncModule,
  ) {
    sync.useNet(() => this.net());
  }

  /** The network the sync service runs on: the transport, with forwarding where it has forward links. */
  net(): SyncNet {
    const t = this.host.deps.transport!;
    if (!t.forward) return t;
    this.service ??= new ForwardingService(this.forwardHost(), t, this.events(), () => this.routed());
    return this.service;
  }

  start(): void {
    const t = this.host.deps.transport!;
    this.unsubscribe = t.subscribe(() => this.advertise(false));
    this.timer = setInterval(() => this.advertise(true), NOTE_INTERVAL_MS);
    this.advertise(true);
  }

  async stop(): Promise<void> {
    if (this.timer !== null) clearInterval(this.timer);
    this.unsubscribe?.();
    for (const off of this.heard.values()) off();
  }

  /** Per peer: direct, via which member, or unreachable; with counts of messages forwarded and refused. */
  status(): ForwardingStatus {
    const connected = new Set(this.host.deps.transport?.connectedPeers() ?? []);
    const peers = new Set<DeviceId>([...connected, ...this.routed(), ...this.counters.peers()]);
    peers.delete(this.host.key.deviceId);
    return this.counters.status([...peers].sort(), (d) => (connected.has(d) ? 'direct' : (this.anyVia(d) ?? null)));
  }

  private contexts(): ContextId[] {
    const me = this.host.identity()?.authorityId;
    return [...this.membership.secretsView().keys()].filter((c) => c !== me).sort();
  }

  /** Members reachable only through a forwarder now. */
  private routed(): DeviceId[] {
    const out = new Set<DeviceId>();
    for (const ctx of this.contexts()) for (const d of this.routes.listed(ctx)) if (this.via(ctx, d) !== undefined) out.add(d);
    return [...out];
  }

  private via(ctx: ContextId, peer: DeviceId): DeviceId | undefined {
    if (!this.host.deps.transport?.forward || peer === this.host.key.deviceId || !isMemberDevice(this.host.membersOf(ctx), peer)) return undefined;
    return this.routes.via(ctx, peer, new Set(this.host.deps.transport?.connectedPeers() ?? []), this.host.charges.epoch);
  }

  private anyVia(peer: DeviceId): DeviceId | undefined {
    for (const ctx of this.contexts()) {
      const v = this.via(ctx, peer);
      if (v !== undefined) return v;
    }
    return undefined;
  }

  /**
   * Hears each held context's note topic, and publishes this device's links there when they changed (or, on
   * `refresh`, once per tick so late joiners and a new epoch see them). Only member devices are named.
   */
  private advertise(refresh: boolean): void {
    const t = this.host.deps.transport;
    // A device that cannot forward (no forward links) says nothing: its links are no route for anyone.
    if (!t?.forward || this.host.closed || this.host.identity() === null) return;
    const connected = t.connectedPeers();
    for (const ctx of this.contexts()) {
      const secret = this.membership.secretsView().get(ctx)!;
      const topic = purposeTopic(secret, NOTE_PURPOSE);
      if (!this.heard.has(ctx)) this.heard.set(ctx, t.subscribeTopic(topic, (payload) => this.heardNote(ctx, payload)));
      const members = this.host.membersOf(ctx);
      const links = connected.filter((d) => isMemberDevice(members, d));
      const epoch = this.host.charges.epoch;
      const said = `${epoch}:${links.join(',')}`;
      if (!refresh && this.published.get(ctx) === said) continue;
      if (!this.host.charges.charge(ctx, [TOPIC_RECIPIENT], 'forward', 1).ok) continue;
      this.published.set(ctx, said);
      void t.publishTopic(topic, createLinkNote(this.host.key, ctx, epoch, links));
    }
  }

  private heardNote(ctx: ContextId, payload: Uint8Array): void {
    try {
      const n = verifyLinkNote(payload, { ctx, members: this.host.membersOf(ctx), epoch: this.host.charges.epoch });
      const before = new Set(this.routed());
      this.routes.note(n);
      for (const d of this.routed()) if (!before.has(d)) this.service?.routeAppeared(d);
      this.host.changed(false);
    } catch (e) {
      if (!(e instanceof ForwardError)) throw e;
      this.host.countDrop(`forward:note:${e.code}`);
    }
  }

  private authorityOf(ctx: ContextId, device: DeviceId): AuthorityId | undefined {
    const m = this.host.membersOf(ctx);
    return [...m.devices.keys()].find((a) => mayWrite(m, a, device));
  }

  private forwardHost(): ForwardHost {
    const host = this.host;
    return {
      key: host.key,
      links: host.deps.transport!.forward!,
      holds: (ctx) => this.membership.hasContext(ctx),
      members: (ctx) => host.membersOf(ctx),
      epoch: () => host.charges.epoch,
      charge: (ctx, next, cost) => this.charge(ctx, next, cost),
      nonce: () => host.deps.random(16),
      now: () => host.deps.now(),
      connected: () => host.deps.transport!.connectedPeers(),
      via: (ctx, peer) => this.via(ctx, peer),
      drop: (code) => host.countDrop(code),
      ...(host.deps.verify ? { verify: host.deps.verify } : {}),
    };
  }

  /** This hop's charge to the next device's authority, and the budget's figures right after it. */
  private charge(ctx: ContextId, next: DeviceId, cost: number): HopCharge {
    const to = this.authorityOf(ctx, next);
    const epoch = this.host.charges.epoch;
    if (to === undefined) return { ok: false, resumeAt: this.host.deps.now() + 60_000 };
    const c = this.host.charges.charge(ctx, [to], 'forward', cost / SEND_COST.forward);
    if (!c.ok) return c;
    const b = this.host.charges.budgets.get(budgetKey(ctx, to, epoch))!;
    return { ok: true, epoch: b.epoch, spent: b.spent, limit: b.limit };
  }

  private events(): ForwardEvents {
    return {
      forwarded: (_ctx, src, dst) => {
        this.counters.forwarded(src, dst);
        this.host.changed(false);
      },
      accepted: (ctx, src, via, chain) => {
        this.counters.received(src, via);
        void this.keep(ctx, src, via, chain);
      },
      refused: (from, code) => {
        this.counters.refused(from, code);
        this.host.changed(false);
      },
    };
  }

  /** The first accepted chain per (context, origin, forwarder) and flow epoch is kept as a fact of the context. */
  private async keep(ctx: ContextId, src: DeviceId, via: DeviceId, chain: readonly Uint8Array[]): Promise<void> {
    const epoch = this.host.charges.epoch;
    if (epoch !== this.keptEpoch) {
      this.keptEpoch = epoch;
      this.kept = new Set();
    }
    const key = JSON.stringify([ctx, src, via]);
    const me = this.host.identity();
    if (this.kept.has(key) || me === null || this.membership.deviceRemoved()) return;
    this.kept.add(key);
    const view = this.host.membersOf(ctx).view;
    if (!view.rights.has(me.authorityId)) return;
    const fact = draft(this.host, journalOf(ctx), 'receipt.forward', { chain: [...chain] });
    await this.host.write({ context: ctx, facts: [fact], membership: view, right: RECEIPT_RIGHT }).catch(() => this.host.countDrop('forward:receipt-not-kept'));
  }
}
