import type { ContextId, DeviceId } from '../core/ids.ts';
import { ContextChannel } from './context-channel.ts';
import { DropCounter } from './drop-counter.ts';
import { Listeners } from './listeners.ts';
import type { SendTicket } from './send-ticket.ts';
import type { Delivery } from './transport.ts';

/** Payloads held per topic while no peer is on it; beyond this the oldest are dropped (and counted). */
const OUTBOX_MAX = 256;

/**
 * What every transport shares: joined contexts by topic, the node's handlers, counted drops, counters and
 * listeners, the opening of a payload that arrived on a topic, and an outbox for payloads that reached nobody.
 */
export abstract class TransportBase {
  protected readonly channels = new Map<string, ContextChannel>();
  protected readonly drops = new DropCounter();
  protected readonly listeners = new Listeners();
  protected deliveryHandler: (d: Delivery) => void = () => {};
  protected peerJoinedHandler: (c: ContextId, p: DeviceId) => void = () => {};
  protected published = 0;
  protected received = 0;
  /**
   * Sealed payloads that reached no peer (nobody on the topic yet, as just after a reconnect), sent again when
   * a peer joins the topic. Facts have anti-entropy behind them; acks have only this.
   */
  private readonly outbox = new Map<string, Uint8Array[]>();

  /** Publishes one sealed payload on a topic; resolves to how many peers it went to. */
  protected abstract send(topic: string, payload: Uint8Array): Promise<number> | number;

  onDelivery(handler: (d: Delivery) => void): void {
    this.deliveryHandler = handler;
  }

  onPeerJoined(handler: (context: ContextId, peer: DeviceId) => void): void {
    this.peerJoinedHandler = handler;
  }

  countDrop(reason: string): void {
    this.drops.count(reason);
    this.listeners.notify();
  }

  subscribe(listener: () => void): () => void {
    return this.listeners.add(listener);
  }

  protected channelOf(context: ContextId): ContextChannel | undefined {
    return [...this.channels.values()].find((c) => c.context === context);
  }

  /** Opens a payload from `topic`: delivered to the node if it opens with the context key, else counted. */
  protected receivePayload(topic: string, payload: Uint8Array, from: DeviceId): void {
    const ch = this.channels.get(topic);
    if (!ch) return;
    const opened = ch.open(payload);
    if ('drop' in opened) return this.countDrop(opened.drop);
    this.received++;
    this.deliveryHandler({ context: ch.context, facts: opened.facts, acks: opened.acks, from });
    this.listeners.notify();
  }

  /**
   * Seals with the context key and sends each payload that the ticket covers (charge-before-send: a payload
   * without a charged unit never leaves, and is counted); counts what went out, holds what reached nobody.
   */
  protected async sealAndSend(context: ContextId, kind: 'facts' | 'acks', items: readonly Uint8Array[], ticket: SendTicket, random: (n: number) => Uint8Array): Promise<void> {
    const ch = this.channelOf(context);
    if (!ch || items.length === 0) return;
    const payloads = kind === 'facts' ? ch.seal(items, random) : ch.sealAcks(items, random);
    for (const p of payloads) {
      if (ticket.context !== context || !ticket.take()) this.countDrop('uncharged-send');
      else await this.sendOrHold(ch.topic, p);
    }
    this.listeners.notify();
  }

  /** A peer joined one of our topics: what reached nobody goes out again, and the node hears of the peer. */
  protected topicJoined(topic: string, peer: DeviceId): void {
    const ch = this.channels.get(topic);
    if (!ch) return;
    const held = this.outbox.get(topic);
    if (held) {
      this.outbox.delete(topic);
      void (async () => {
        for (const p of held) await this.sendOrHold(topic, p).catch(() => this.countDrop('outbox-send-failed'));
      })();
    }
    this.peerJoinedHandler(ch.context, peer);
  }

  private async sendOrHold(topic: string, payload: Uint8Array): Promise<void> {
    const reached = await this.send(topic, payload);
    this.published++;
    if (reached > 0) return;
    const held = this.outbox.get(topic) ?? [];
    held.push(payload);
    if (held.length > OUTBOX_MAX) {
      held.shift();
      this.countDrop('outbox-overflow');
    }
    this.outbox.set(topic, held);
  }
}
