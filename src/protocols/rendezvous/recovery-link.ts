import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import { AuraError } from '../../core/errors.ts';
import type { DeviceId, PhysicalTime } from '../../core/ids.ts';
import type { RendezvousCode } from '../../core/rendezvous/code.ts';
import { rendezvousTopic, type Offer } from '../../core/rendezvous/offer.ts';
import { openRecoveryMessage, sealRecoveryMessage, type RecoveryMessage } from '../../core/rendezvous/recovery-message.ts';
import type { RawTopics } from './ceremony-run.ts';
import { RendezvousSession } from './rendezvous-session.ts';

export interface RecoveryLinkDeps {
  readonly key: DeviceKey;
  readonly code: RendezvousCode;
  readonly net: RawTopics;
  readonly now: () => PhysicalTime;
  readonly random: (n: number) => Uint8Array;
  readonly found: (offer: Offer) => void;
  readonly received: (from: DeviceId, m: RecoveryMessage) => void;
  readonly dropped: (reason: string) => void;
}

/**
 * One side of a recovery's rendezvous (DESIGN §5, §7): the recovering device and each guardian who entered its
 * code meet on the code's topic, then talk over one message topic, every message sealed to its one recipient
 * and signed by its sender. A message that does not open is a counted drop (`recover:…`), never a throw.
 */
export class RecoveryLink {
  private readonly rdv: RendezvousSession;
  private readonly topic: string;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(private readonly deps: RecoveryLinkDeps) {
    this.topic = rendezvousTopic(deps.code.secret, 'packages');
    this.rdv = new RendezvousSession({
      key: deps.key,
      code: deps.code,
      net: { publish: (t, b) => this.publish(t, b) },
      now: deps.now,
      addrs: () => [],
      random: deps.random,
      setTimer: (ms, run) => void setTimeout(run, ms),
      found: deps.found,
      dropped: deps.dropped,
    });
  }

  start(): void {
    const net = this.deps.net;
    this.unsubscribe.push(net.subscribeTopic(this.rdv.topic, (b) => this.rdv.receive(b)), net.subscribeTopic(this.topic, (b) => this.receive(b)));
    this.rdv.start();
  }

  stop(): void {
    this.rdv.stop();
    for (const u of this.unsubscribe.splice(0)) u();
  }

  send(to: DeviceId, m: RecoveryMessage): void {
    this.publish(this.topic, sealRecoveryMessage(this.deps.key, to, this.deps.code.secret, m, this.deps.random));
  }

  private publish(topic: string, bytes: Uint8Array): void {
    void this.deps.net.publishTopic(topic, bytes).catch(() => this.deps.dropped('recover:PublishFailed'));
  }

  private receive(bytes: Uint8Array): void {
    let opened;
    try {
      opened = openRecoveryMessage(this.deps.key, this.deps.code.secret, bytes);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      // Messages for the other devices on the topic are not ours to count.
      if (e.code !== 'NotForUs') this.deps.dropped(`recover:${e.code}`);
      return;
    }
    this.deps.received(opened.from, opened.message);
  }
}
