import { ReceiptLedger } from '../../core/forwarding/chain.ts';
import { decodeEnvelope } from '../../core/forwarding/envelope.ts';
import { ForwardError } from '../../core/forwarding/errors.ts';
import { isMemberDevice } from '../../core/forwarding/members.ts';
import { decodeReceipt } from '../../core/forwarding/receipt.ts';
import type { ContextId, DeviceId } from '../../core/ids.ts';
import type { FrameChannel } from '../../net/frame-channel.ts';
import { BudgetExhausted } from '../sync/charge.ts';
import type { SyncNet } from '../sync/sync-net.ts';
import { ForwardedChannel } from './forwarded-channel.ts';
import type { ForwardEvents, ForwardHost } from './forward-host.ts';
import { judge, stamp, type Direction } from './hop.ts';

/** Forward streams a direct peer may hold open with us at once (as destination or through us). */
export const MAX_STREAMS_PER_PEER = 8;
/** Envelopes a direct peer may hand us per second; beyond it the stream is refused (`forward:Overloaded`). */
export const MAX_ENVELOPES_PER_SECOND = 200;

/**
 * Forwarding with receipts (DESIGN §5, spec 000 §2.6), as a SyncNet: sessions with a directly connected peer
 * go direct; with a member reachable only through a member linked to both, they go through it, every frame
 * charged and receipted per hop and verified by whoever receives it. It also serves as that forwarder for
 * others: it passes on only messages whose chain verifies, within its own contexts, to a member it is linked to.
 */
export class ForwardingService implements SyncNet {
  private readonly ledger = new ReceiptLedger();
  private readonly streams = new Map<DeviceId, number>();
  private readonly rates = new Map<DeviceId, { second: number; n: number }>();
  private syncHandler: (ch: FrameChannel, peer: DeviceId) => void = () => {};
  private connectedHandler: (peer: DeviceId) => void = () => {};

  constructor(
    private readonly host: ForwardHost,
    private readonly direct: SyncNet,
    private readonly events: ForwardEvents,
    /** Members reachable only through a forwarder now. */
    private readonly routed: () => readonly DeviceId[],
  ) {
    host.links.onChannel((leg, peer) => void this.accept(leg, peer));
    direct.onSyncChannel((ch, peer) => this.syncHandler(ch, peer));
    direct.onPeerConnected((peer) => this.connectedHandler(peer));
  }

  connectedPeers(): DeviceId[] {
    return [...new Set([...this.direct.connectedPeers(), ...this.routed()])].sort();
  }

  async openSync(peer: DeviceId, context?: ContextId): Promise<FrameChannel> {
    if (context === undefined || this.host.connected().includes(peer)) return this.direct.openSync(peer, context);
    const via = this.host.via(context, peer);
    if (via === undefined) throw new ForwardError('NoRoute', `no member forwards to ${peer}`);
    return new ForwardedChannel(this.host, this.events, this.ledger, await this.host.links.open(via), context, peer, via, () => this.admit(via));
  }

  onSyncChannel(handler: (ch: FrameChannel, peer: DeviceId) => void): void {
    this.syncHandler = handler;
  }

  onPeerConnected(handler: (peer: DeviceId) => void): void {
    this.connectedHandler = handler;
  }

  /** A member became reachable through a forwarder: a moment to reconcile, as on a direct connection. */
  routeAppeared(peer: DeviceId): void {
    this.connectedHandler(peer);
  }

  /** A stream a direct peer opened: its first envelope says whether we are the destination or the forwarder. */
  private async accept(leg: FrameChannel, from: DeviceId): Promise<void> {
    const open = this.streams.get(from) ?? 0;
    if (open >= MAX_STREAMS_PER_PEER) return this.refuse(leg, from, new ForwardError('Busy', `${open} streams open`));
    this.streams.set(from, open + 1);
    try {
      const raw = await leg.receive();
      if (raw === null) return;
      this.admit(from);
      const first = decodeReceipt(decodeEnvelope(raw).chain[0]!);
      if (!this.host.holds(first.ctx)) throw new ForwardError('WrongContext', `not a context of ours: ${first.ctx}`);
      const dir: Direction = { ctx: first.ctx, src: first.src, dst: first.dst };
      const { env } = await judge(this.host, this.ledger, raw, from, dir);
      if (dir.dst !== this.host.key.deviceId) return await this.relay(leg, from, dir, env.frame, env.chain);
      this.events.accepted(dir.ctx, dir.src, from, env.chain);
      this.syncHandler(new ForwardedChannel(this.host, this.events, this.ledger, leg, dir.ctx, dir.src, from, () => this.admit(from), env.frame), dir.src);
    } catch (e) {
      await this.refuse(leg, from, e);
    } finally {
      this.streams.set(from, (this.streams.get(from) ?? 1) - 1);
    }
  }

  /** As forwarder: on to the destination, if it is a member's device we are linked to; then both ways until either end closes. */
  private async relay(inLeg: FrameChannel, from: DeviceId, dir: Direction, frame: Uint8Array, chain: readonly Uint8Array[]): Promise<void> {
    if (!isMemberDevice(this.host.members(dir.ctx), dir.dst)) throw new ForwardError('NotMember', `${dir.dst} is no member's device`);
    if (!this.host.connected().includes(dir.dst)) throw new ForwardError('NoRoute', `not linked to ${dir.dst}`);
    const out = await this.host.links.open(dir.dst).catch(() => {
      throw new ForwardError('NoRoute', `could not reach ${dir.dst}`);
    });
    await out.send(stamp(this.host, dir, dir.dst, frame, chain));
    this.events.forwarded(dir.ctx, dir.src, dir.dst);
    await Promise.all([this.pump(inLeg, out, from, dir), this.pump(out, inLeg, dir.dst, { ctx: dir.ctx, src: dir.dst, dst: dir.src })]);
  }

  /** Passes each verified envelope from `from` on, with this hop's receipt; the first refusal closes both legs. */
  private async pump(a: FrameChannel, b: FrameChannel, from: DeviceId, dir: Direction): Promise<void> {
    try {
      for (let raw = await a.receive(); raw !== null; raw = await a.receive()) {
        this.admit(from);
        const { env } = await judge(this.host, this.ledger, raw, from, dir);
        await b.send(stamp(this.host, dir, dir.dst, env.frame, env.chain));
        this.events.forwarded(dir.ctx, dir.src, dir.dst);
      }
      await b.close().catch(() => undefined);
    } catch (e) {
      await this.refuse(b, from, e);
      await a.close().catch(() => undefined);
    }
  }

  /** Per direct peer: at most MAX_ENVELOPES_PER_SECOND envelopes a second. */
  private admit(peer: DeviceId): void {
    const second = Math.floor(this.host.now() / 1_000);
    const r = this.rates.get(peer);
    if (!r || r.second !== second) this.rates.set(peer, { second, n: 1 });
    else if (++r.n > MAX_ENVELOPES_PER_SECOND) throw new ForwardError('Overloaded', `${peer} sent over ${MAX_ENVELOPES_PER_SECOND} envelopes this second`);
  }

  /** Closes a stream; a typed refusal is counted (`forward:<code>`), a broken stream is just closed. */
  private async refuse(leg: FrameChannel, from: DeviceId, e: unknown): Promise<void> {
    const code = e instanceof ForwardError || e instanceof BudgetExhausted ? e.code : null;
    if (code !== null) {
      this.host.drop(`forward:${code}`);
      this.events.refused(from, code);
    }
    await leg.close().catch(() => undefined);
  }
}
