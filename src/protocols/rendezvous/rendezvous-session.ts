import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import { AuraError } from '../../core/errors.ts';
import type { DeviceId, PhysicalTime } from '../../core/ids.ts';
import type { RendezvousCode } from '../../core/rendezvous/code.ts';
import { createOffer, MAX_OFFER_TTL_MS, rendezvousTopic, verifyOffer, type Offer } from '../../core/rendezvous/offer.ts';

/** How offers move: publication on the code's topic (gossip in the app, a test bus in tests). */
export interface RendezvousNet {
  publish(topic: string, bytes: Uint8Array): void;
}

export interface RendezvousDeps {
  readonly key: DeviceKey;
  readonly code: RendezvousCode;
  readonly net: RendezvousNet;
  readonly now: () => PhysicalTime;
  /** Where this device can be dialled (its listen addresses). */
  readonly addrs: () => readonly string[];
  readonly random: (n: number) => Uint8Array;
  readonly setTimer: (ms: number, run: () => void) => void;
  /** Another device holding the code made itself known (once per device), with where to dial it. */
  readonly found: (offer: Offer) => void;
  readonly dropped: (reason: string) => void;
}

/**
 * Offers are flooded again this often until answered or expired: gossip may miss the first. The first repeats
 * come sooner (250 ms, doubling): the other side often starts listening a moment after our first offer.
 */
export const OFFER_INTERVAL_MS = 2_000;
const FIRST_OFFER_INTERVAL_MS = 250;
/** Distinct devices one session keeps track of; a flood of code holders beyond it is dropped and counted. */
export const MAX_RENDEZVOUS_PEERS = 8;
/** How long each offer we make is good for (never past the code's expiry). */
const OFFER_TTL_MS = Math.min(MAX_OFFER_TTL_MS, 60_000);

/**
 * One side of a rendezvous (DESIGN §5): while the code is valid, flood our signed offer on its topic; verify
 * every offer heard there (MAC under the code's secret, the device's signature, expiry); report each other
 * device once, and answer it with our offer at once so that whoever came second learns of us too.
 */
export class RendezvousSession {
  readonly topic: string;
  private readonly seen = new Map<DeviceId, Offer>();
  private stopped = false;
  private interval = FIRST_OFFER_INTERVAL_MS;

  constructor(private readonly deps: RendezvousDeps) {
    this.topic = rendezvousTopic(deps.code.secret);
  }

  start(): void {
    this.flood();
  }

  stop(): void {
    this.stopped = true;
  }

  /** Devices found so far. */
  peers(): DeviceId[] {
    return [...this.seen.keys()].sort();
  }

  receive(bytes: Uint8Array): void {
    if (this.stopped) return;
    let offer: Offer;
    try {
      offer = verifyOffer(bytes, this.deps.code.secret, this.deps.now());
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      this.deps.dropped(`rendezvous:${e.code}`);
      return;
    }
    if (offer.device === this.deps.key.deviceId) return;
    if (offer.purpose !== this.deps.code.purpose) return this.deps.dropped('rendezvous:WrongPurpose');
    const known = this.seen.get(offer.device);
    if (known === undefined && this.seen.size >= MAX_RENDEZVOUS_PEERS) return this.deps.dropped('rendezvous:TooManyPeers');
    // A newer offer from a known device updates where to dial it; it is reported only once.
    if (known !== undefined && known.expires >= offer.expires) return;
    this.seen.set(offer.device, offer);
    if (known === undefined) {
      // Answer first: the other side must know us before whatever `found` sends it (a package) arrives.
      this.publishOffer();
      this.deps.found(offer);
    }
  }

  private flood(): void {
    if (this.stopped || this.deps.now() >= this.deps.code.expires) return;
    this.publishOffer();
    this.deps.setTimer(this.interval, () => this.flood());
    this.interval = Math.min(OFFER_INTERVAL_MS, this.interval * 2);
  }

  private publishOffer(): void {
    const now = this.deps.now();
    const expires = Math.min(this.deps.code.expires, now + OFFER_TTL_MS);
    if (expires < now) return;
    const offer = createOffer(this.deps.key, this.deps.code.secret, { purpose: this.deps.code.purpose, addrs: this.deps.addrs().filter((a) => a.length <= 256).slice(0, 8), expires, nonce: this.deps.random(16) });
    this.deps.net.publish(this.topic, offer);
  }
}
