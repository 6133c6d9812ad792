import type { FrostKeyPackage } from '../../core/crypto/frost.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import { AuraError } from '../../core/errors.ts';
import type { DeviceId, PhysicalTime } from '../../core/ids.ts';
import { TOPIC_RECIPIENT } from '../../core/flow/send-cost.ts';
import { SealedTopic } from '../../net/sealed-topic.ts';
import { DkgSession } from '../../protocols/consensus/dkg-session.ts';
import { decodeGroupMessage, encodeGroupMessage, type GroupBody } from '../../protocols/consensus/group-wire.ts';
import type { NodeHost } from '../host/node-host.ts';

/** DESIGN §7: a key generation waits this long for every participant's part. */
export const DKG_TIMEOUT_MS = 45_000;
const EARLY_MAX = 64;

export interface GroupChannelDeps {
  readonly host: NodeHost;
  /** Prefix of this group's counted drops ('account', 'checkpoint'). */
  readonly tag: string;
  /** The sealed topic's purpose, derived from the secret below. */
  readonly purpose: string;
  readonly secret: () => Uint8Array | undefined;
  /** The context (or authority) whose budget pays for the group's messages. */
  readonly context: () => string | undefined;
  /** The devices that may take part now, sorted: messages from anyone else are dropped. */
  readonly participants: () => readonly DeviceId[];
  readonly began: (participants: readonly DeviceId[], threshold: number) => void;
  readonly keyReady: (key: FrostKeyPackage, initiator: boolean) => Promise<void>;
  readonly failed: (reason: string) => void;
  readonly consensus: (from: DeviceId, bytes: Uint8Array) => void;
  /** A recovery code from a fellow guardian (guardian groups only; elsewhere a counted drop). */
  readonly recoveryCode?: (from: DeviceId, code: string) => void;
}

/**
 * A witness group's sealed channel (an authority's devices, or a context's witnesses): its topic, the DKG that
 * makes the group key (start, join when the start names exactly the current participants, resends, timeout),
 * and the consensus messages of the group, each from a participant or dropped and counted.
 */
export class WitnessGroupChannel {
  private topic: SealedTopic | null = null;
  private dkg: { session: DkgSession; start: GroupBody | null; deadline: PhysicalTime } | null = null;
  private readonly early: [DeviceId, GroupBody][] = [];
  /** DKG ids this device has taken part in: a repeated start is not joined again. */
  private readonly seen = new Set<string>();

  constructor(private readonly deps: GroupChannelDeps) {}

  get running(): boolean {
    return this.dkg !== null && !this.dkg.session.finished;
  }

  /** Subscribes once the secret is known; true when the channel is open. */
  open(): boolean {
    const secret = this.deps.secret();
    const transport = this.deps.host.deps.transport;
    if (!this.topic && secret && transport) {
      this.topic = new SealedTopic(transport, secret, this.deps.purpose, this.deps.host.deps.random);
      this.topic.subscribe((bytes, from) => this.receive(from, bytes), (r) => this.deps.host.countDrop(`${this.deps.tag}:${r}`));
    }
    return this.topic !== null;
  }

  /** Charged before it leaves (DESIGN §5), to the topic: a refused charge is a counted drop, never a send. */
  send(to: DeviceId | 'all', body: GroupBody): void {
    const { host, tag } = this.deps;
    const context = this.deps.context();
    if (!this.topic || context === undefined) return;
    if (!host.charges.charge(context, [TOPIC_RECIPIENT], 'groupMessage', 1).ok) return host.countDrop(`${tag}:InsufficientBudget`);
    void this.topic.publish(encodeGroupMessage(to, body)).catch(() => host.countDrop(`${tag}:PublishFailed`));
  }

  /** Starts a DKG among `participants` (this device included), repeated until every one has joined. */
  startDkg(participants: readonly DeviceId[], threshold: number): void {
    this.open();
    const id = toHex(this.deps.host.deps.random(32));
    const start: GroupBody = { type: 'dkg-start', id, participants: [...participants], threshold };
    this.send('all', start);
    this.begin(id, participants, threshold, start);
  }

  tick(): void {
    const d = this.dkg;
    if (!d || d.session.finished) return;
    if (this.deps.host.deps.now() >= d.deadline) return d.session.abort('a participant did not take part in time');
    if (d.start) this.send('all', d.start);
    d.session.resend();
  }

  stop(): void {
    this.dkg?.session.abort('stopped');
  }

  private begin(id: string, participants: readonly DeviceId[], threshold: number, start: GroupBody | null): void {
    this.seen.add(id);
    this.deps.began(participants, threshold);
    const session = new DkgSession(id, participants, threshold, {
      key: this.deps.host.key,
      random: this.deps.host.deps.random,
      send: (to, body) => this.send(to, body),
      done: (key) => void this.deps.keyReady(key, start !== null),
      failed: (reason) => this.deps.failed(reason),
      dropped: (r) => this.deps.host.countDrop(r),
    });
    this.dkg = { session, start, deadline: this.deps.host.deps.now() + DKG_TIMEOUT_MS };
    session.start();
    for (const [from, body] of this.early.splice(0)) if ('id' in body && body.id === id) session.receive(from, body);
  }

  private receive(from: DeviceId, bytes: Uint8Array): void {
    const { host, tag } = this.deps;
    let m;
    try {
      m = decodeGroupMessage(bytes);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      return host.countDrop(`${tag}:${e.code}`);
    }
    // Consensus messages to others are heard too: the service checks every session for equivocation.
    if (m.to !== 'all' && m.to !== host.key.deviceId && m.body.type !== 'consensus') return;
    const participants = this.deps.participants();
    if (!participants.includes(from)) return host.countDrop(`${tag}:NotAParticipant`);
    const body = m.body;
    if (body.type === 'consensus') return this.deps.consensus(from, body.bytes);
    if (body.type === 'recovery-code') return this.deps.recoveryCode ? this.deps.recoveryCode(from, body.code) : host.countDrop(`${tag}:Unexpected`);
    if (body.type === 'dkg-start') return this.join(from, body, participants);
    if (this.dkg?.session.id === body.id) return this.dkg.session.receive(from, body);
    if (this.early.length < EARLY_MAX) this.early.push([from, body]);
  }

  /** Joins a DKG another participant started, if it names exactly the current participants, us included. */
  private join(from: DeviceId, body: Extract<GroupBody, { type: 'dkg-start' }>, participants: readonly DeviceId[]): void {
    if (this.seen.has(body.id)) return;
    if (this.running) return this.deps.host.countDrop(`${this.deps.tag}:DkgBusy`);
    const same = body.participants.length === participants.length && [...body.participants].sort().every((d, i) => d === participants[i]);
    if (!same || body.threshold > participants.length || !body.participants.includes(from) || !participants.includes(this.deps.host.key.deviceId)) {
      return this.deps.host.countDrop(`${this.deps.tag}:BadDkgStart`);
    }
    this.begin(body.id, participants, body.threshold, null);
  }
}
