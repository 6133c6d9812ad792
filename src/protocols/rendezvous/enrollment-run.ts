import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { DeviceId, PhysicalTime } from '../../core/ids.ts';
import type { RendezvousCode } from '../../core/rendezvous/code.ts';
import { isFinished, stepEnrollment, type EnrollmentCeremony, type EnrollmentEvent } from '../../core/rendezvous/enrollment.ts';
import { derive, rendezvousTopic } from '../../core/rendezvous/offer.ts';
import { RendezvousSession } from './rendezvous-session.ts';

/** Raw topics of the transport (no context key): where offers, packages and confirmations travel. */
export interface RawTopics {
  subscribeTopic(topic: string, handler: (payload: Uint8Array, from: DeviceId) => void): () => void;
  publishTopic(topic: string, payload: Uint8Array): Promise<number>;
}

export interface EnrollmentRunDeps {
  readonly key: DeviceKey;
  readonly code: RendezvousCode;
  readonly net: RawTopics;
  readonly now: () => PhysicalTime;
  readonly random: (n: number) => Uint8Array;
  readonly addrs: () => readonly string[];
  readonly changed: (c: EnrollmentCeremony) => void;
  readonly dropped: (reason: string) => void;
}

/** Each tick applies the timeouts and sends again what the other side has not answered (gossip may miss one). */
export const TICK_MS = 2_000;

/** The ceremony id both devices derive from the code: never the secret itself. */
export function enrollmentId(code: RendezvousCode): string {
  return toHex(derive(code.secret, 'enrollment-id', 8));
}

/**
 * What both sides of an enrollment share: the rendezvous session on the code's topic, the package and
 * confirmation topics, a clock tick that applies the ceremony's timeouts, and the ceremony state, changed
 * only through `stepEnrollment`. Everything stops (timers, subscriptions) when the ceremony finishes.
 */
export abstract class EnrollmentRun {
  protected ceremony: EnrollmentCeremony;
  protected readonly packagesTopic: string;
  protected readonly confirmationsTopic: string;
  private readonly rdv: RendezvousSession;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    protected readonly deps: EnrollmentRunDeps,
    initial: EnrollmentCeremony,
  ) {
    this.ceremony = initial;
    this.packagesTopic = rendezvousTopic(deps.code.secret, 'packages');
    this.confirmationsTopic = rendezvousTopic(deps.code.secret, 'confirmations');
    this.rdv = new RendezvousSession({
      key: deps.key,
      code: deps.code,
      net: { publish: (t, b) => void deps.net.publishTopic(t, b).catch(() => deps.dropped('enroll:PublishFailed')) },
      now: deps.now,
      addrs: deps.addrs,
      random: deps.random,
      setTimer: (ms, run) => void setTimeout(() => !this.finished && run(), ms),
      found: (offer) => this.step({ type: 'met', peer: offer.device, at: deps.now() }),
      dropped: deps.dropped,
    });
  }

  get state(): EnrollmentCeremony {
    return this.ceremony;
  }

  get finished(): boolean {
    return isFinished(this.ceremony);
  }

  start(): void {
    const net = this.deps.net;
    this.unsubscribe.push(
      net.subscribeTopic(this.rdv.topic, (b) => this.rdv.receive(b)),
      net.subscribeTopic(this.packagesTopic, (b) => this.onPackage(b)),
      net.subscribeTopic(this.confirmationsTopic, (b) => this.onConfirmation(b)),
    );
    this.rdv.start();
    this.tick();
  }

  /** Applies an event; reports a change; on a change of phase, lets the side act on it; stops when done. */
  step(e: EnrollmentEvent): void {
    const before = this.ceremony;
    this.ceremony = stepEnrollment(before, e);
    if (this.ceremony === before) return;
    this.deps.changed(this.ceremony);
    if (this.finished) return this.stop();
    if (before.state.type !== this.ceremony.state.type || before.peer !== this.ceremony.peer) this.advance();
  }

  stop(): void {
    this.rdv.stop();
    for (const u of this.unsubscribe.splice(0)) u();
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  protected publish(topic: string, bytes: Uint8Array): void {
    void this.deps.net.publishTopic(topic, bytes).catch(() => this.deps.dropped('enroll:PublishFailed'));
  }

  private tick(): void {
    this.step({ type: 'tick', at: this.deps.now() });
    if (this.finished) return;
    this.resend();
    this.timer = setTimeout(() => this.tick(), TICK_MS);
  }

  /** The ceremony moved to a new phase (or met its peer). */
  protected abstract advance(): void;
  /** Called every tick while the ceremony runs: what this side repeats until answered. */
  protected abstract resend(): void;
  protected abstract onPackage(bytes: Uint8Array): void;
  protected abstract onConfirmation(bytes: Uint8Array): void;
}
