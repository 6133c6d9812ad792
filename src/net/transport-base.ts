import type { ContextId, DeviceId } from '../core/ids.ts';
import { ContextChannel } from './context-channel.ts';
import { DropCounter } from './drop-counter.ts';
import type { FaultChange, Faults, LabFaults } from './faults.ts';
import { Listeners } from './listeners.ts';
import type { SendTicket } from './send-ticket.ts';
import type { Delivery } from './transport.ts';

/** Payloads held per topic while no peer is on it; beyond this the oldest are dropped (and counted). */
const OUTBOX_MAX = 256;
/** A raw-topic payload (a rendezvous offer or package) is small; anything larger is not ours. */
export const MAX_RAW_PAYLOAD = 20 * 1024;

/** Receives what arrives on a raw topic; it judges the bytes itself (typed refusals, counted drops). */
export type RawTopicHandler = (payload: Uint8Array, from: DeviceId) => void;

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
  /** Raw topics (no context key: rendezvous) and their handlers. */
  protected readonly rawTopics = new Map<string, RawTopicHandler>();
  /** Lab: payloads seen on topics observed without membership, by topic. */
  protected readonly observed = new Map<string, number>();
  /**
   * Sealed payloads that reached no peer (nobody on the topic yet, as just after a reconnect), sent again when
   * a peer joins the topic. Facts have anti-entropy behind them; acks have only this.
   */
  private readonly outbox = new Map<string, Uint8Array[]>();

  /** The lab's faults: every payload leaves through them (`emit`), and the transport applies them to its links. */
  constructor(readonly faults: Faults) {}

  /** Publishes one sealed payload on a topic; resolves to how many peers it went to. */
  protected abstract send(topic: string, payload: Uint8Array): Promise<number> | number;
  /** Starts or stops hearing a topic on the wire (beyond the joined contexts). */
  protected abstract listen(topic: string, on: boolean): void;
  /** Brings the links in line with changed faults: cut what is now cut, meet again at once what came back. */
  protected abstract applyFaults(change: FaultChange): void;

  labFaults(): LabFaults {
    return this.faults.current;
  }

  setFaults(patch: Partial<LabFaults>): void {
    this.applyFaults(this.faults.set(patch));
    this.listeners.notify();
  }

  /** Hears a raw topic until the returned function is called; one handler per topic (the latest). */
  subscribeTopic(topic: string, handler: RawTopicHandler): () => void {
    this.rawTopics.set(topic, handler);
    this.listen(topic, true);
    return () => {
      if (this.rawTopics.get(topic) !== handler) return;
      this.rawTopics.delete(topic);
      this.listen(topic, false);
    };
  }

  /** Publishes raw bytes on a topic (bounded in size); resolves to how many peers they went to. */
  async publishTopic(topic: string, payload: Uint8Array): Promise<number> {
    if (payload.length > MAX_RAW_PAYLOAD) {
      this.countDrop('raw:TooLarge');
      return 0;
    }
    return (await this.emit(topic, payload)) ?? 0;
  }

  /**
   * Lab: hears a raw topic without its secret, to show what a non-member sees: sealed payloads it can count
   * but never open.
   */
  observe(topic: string): void {
    if (this.observed.has(topic)) return;
    this.observed.set(topic, 0);
    this.listen(topic, true);
  }

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

  /** A joined context's next epoch: its payloads are sealed under this secret's key from now on. */
  rekey(context: ContextId, secret: Uint8Array): void {
    this.channelOf(context)?.rekey(secret);
  }

  protected channelOf(context: ContextId): ContextChannel | undefined {
    return [...this.channels.values()].find((c) => c.context === context);
  }

  /** Opens a payload from `topic`: delivered to the node if it opens with the context key, else counted. */
  protected receivePayload(topic: string, payload: Uint8Array, from: DeviceId): void {
    // Gossip a third member relays from a blocked peer still arrives (a partition cuts links, not messages).
    if (this.faults.current.offline) return this.countDrop('lab:offline');
    const seen = this.observed.get(topic);
    if (seen !== undefined) {
      this.observed.set(topic, seen + 1);
      this.listeners.notify();
    }
    const raw = this.rawTopics.get(topic);
    if (raw) {
      if (payload.length > MAX_RAW_PAYLOAD) return this.countDrop('raw:TooLarge');
      this.received++;
      return raw(payload, from);
    }
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

  /**
   * Every payload leaves here, through the lab's faults: offline it reaches nobody (counted `lab:offline`, and
   * a sealed one is held), otherwise it waits out the latency and may be lost (counted `lab:loss`; null: it
   * went nowhere and is not held, as a payload a network lost).
   */
  private async emit(topic: string, payload: Uint8Array): Promise<number | null> {
    // Without latency the payload leaves now, in this turn (as before the lab): a receiver that subscribes a
    // moment later must not hear what was published before it came.
    if (this.faults.current.latencyMs > 0) await this.faults.delay();
    if (this.faults.current.offline) {
      this.countDrop('lab:offline');
      return 0;
    }
    if (this.faults.lose()) {
      this.countDrop('lab:loss');
      return null;
    }
    this.published++;
    return this.send(topic, payload);
  }

  private async sendOrHold(topic: string, payload: Uint8Array): Promise<void> {
    const reached = await this.emit(topic, payload);
    if (reached === null || reached > 0) return;
    const held = this.outbox.get(topic) ?? [];
    held.push(payload);
    if (held.length > OUTBOX_MAX) {
      held.shift();
      this.countDrop('outbox-overflow');
    }
    this.outbox.set(topic, held);
  }
}
