import type { ContextId, DeviceId } from '../core/ids.ts';
import { ContextChannel } from './context-channel.ts';
import { DropCounter } from './drop-counter.ts';
import { Listeners } from './listeners.ts';
import type { Delivery } from './transport.ts';

/**
 * What every transport shares: joined contexts by topic, the node's handlers, counted drops, counters and
 * listeners, and the opening of a payload that arrived on a topic.
 */
export abstract class TransportBase {
  protected readonly channels = new Map<string, ContextChannel>();
  protected readonly drops = new DropCounter();
  protected readonly listeners = new Listeners();
  protected deliveryHandler: (d: Delivery) => void = () => {};
  protected peerJoinedHandler: (c: ContextId, p: DeviceId) => void = () => {};
  protected published = 0;
  protected received = 0;

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

  /** Seals with the context key and hands each payload to `send`; counts what went out. */
  protected async sealAndSend(context: ContextId, kind: 'facts' | 'acks', items: readonly Uint8Array[], random: (n: number) => Uint8Array, send: (topic: string, payload: Uint8Array) => Promise<void> | void): Promise<void> {
    const ch = this.channelOf(context);
    if (!ch || items.length === 0) return;
    const payloads = kind === 'facts' ? ch.seal(items, random) : ch.sealAcks(items, random);
    for (const p of payloads) {
      await send(ch.topic, p);
      this.published++;
    }
    this.listeners.notify();
  }
}
