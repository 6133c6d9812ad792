import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { DeviceId, PhysicalTime } from '../../core/ids.ts';
import type { RendezvousCode } from '../../core/rendezvous/code.ts';
import { isFinished, type RendezvousCeremonyEvent } from '../../core/rendezvous/enrollment.ts';
import { derive, rendezvousTopic } from '../../core/rendezvous/offer.ts';
import { RendezvousSession } from './rendezvous-session.ts';

/** Raw topics of the transport (no context key): where offers, packages and confirmations travel. */
export interface RawTopics {
  subscribeTopic(topic: string, handler: (payload: Uint8Array, from: DeviceId) => void): () => void;
  publishTopic(topic: string, payload: Uint8Array): Promise<number>;
}

export interface CeremonyRunDeps<C> {
  readonly key: DeviceKey;
  readonly code: RendezvousCode;
  readonly net: RawTopics;
  readonly now: () => PhysicalTime;
  readonly random: (n: number) => Uint8Array;
  readonly addrs: () => readonly string[];
  readonly changed: (c: C) => void;
  readonly dropped: (reason: string) => void;
}

/** Each tick applies the timeouts and sends again what the other side has not answered (gossip may miss one). */
export const TICK_MS = 2_000;

/** The ceremony id both devices derive from the code: never the secret itself. */
export function ceremonyIdOf(code: RendezvousCode): string {
  return toHex(derive(code.secret, `${code.purpose}-id`, 8));
}

/** What a run needs of its ceremony: the phase, and the device met. */
interface RunCeremony {
  readonly state: { readonly type: string };
  readonly peer: DeviceId | null;
}

/**
 * What both sides of a rendezvous ceremony (enrollment, invitation) share: the rendezvous session on the
 * code's topic, the package and confirmation topics (one way each), a clock tick that applies the ceremony's
 * timeouts, and the ceremony state, changed only through the core's pure `reduce` (`stepEnrollment`,
 * `stepInvitation`). Everything stops (timers, subscriptions) when the ceremony finishes. Drops are counted
 * under `tag` (`enroll:…`, `invite:…`).
 */
export abstract class CeremonyRun<C extends RunCeremony, E extends { readonly type: string }> {
  protected ceremony: C;
  protected readonly packagesTopic: string;
  protected readonly confirmationsTopic: string;
  private readonly rdv: RendezvousSession;
  private readonly unsubscribe: (() => void)[] = [];
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    protected readonly deps: CeremonyRunDeps<C>,
    initial: C,
    private readonly reduce: (c: C, e: E | RendezvousCeremonyEvent) => C,
    protected readonly tag: 'enroll' | 'invite',
  ) {
    this.ceremony = initial;
    this.packagesTopic = rendezvousTopic(deps.code.secret, 'packages');
    this.confirmationsTopic = rendezvousTopic(deps.code.secret, 'confirmations');
    this.rdv = new RendezvousSession({
      key: deps.key,
      code: deps.code,
      net: { publish: (t, b) => void deps.net.publishTopic(t, b).catch(() => deps.dropped(`${tag}:PublishFailed`)) },
      now: deps.now,
      addrs: deps.addrs,
      random: deps.random,
      setTimer: (ms, run) => void setTimeout(() => !this.finished && run(), ms),
      found: (offer) => this.step({ type: 'met', peer: offer.device, at: deps.now() }),
      dropped: deps.dropped,
    });
  }

  get state(): C {
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
  step(e: E | RendezvousCeremonyEvent): void {
    const before = this.ceremony;
    this.ceremony = this.reduce(before, e);
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
    void this.deps.net.publishTopic(topic, bytes).catch(() => this.deps.dropped(`${this.tag}:PublishFailed`));
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
