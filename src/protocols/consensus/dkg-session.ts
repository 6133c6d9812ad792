import { openFromDevice, sealToDevice } from '../../core/crypto/device-box.ts';
import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import { participantIdFromString, type FrostKeyPackage, type ParticipantId } from '../../core/crypto/frost.ts';
import { dkgRound1, dkgRound2, dkgRound3, type DkgRound1Package, type DkgRound2Package, type DkgState } from '../../core/crypto/frost-dkg.ts';
import { utf8 } from '../../core/encoding/bytes.ts';
import { decodeCanonical, encodeCanonical } from '../../core/encoding/cbor.ts';
import { AuraError } from '../../core/errors.ts';
import { bytes, hash32, obj } from '../../core/facts/schema.ts';
import type { DeviceId } from '../../core/ids.ts';
import type { GroupBody } from './group-wire.ts';

export interface DkgSessionDeps {
  readonly key: DeviceKey;
  readonly random: (n: number) => Uint8Array;
  readonly send: (to: DeviceId | 'all', body: GroupBody) => void;
  readonly done: (key: FrostKeyPackage) => void;
  readonly failed: (reason: string) => void;
  readonly dropped: (reason: string) => void;
}

const DOMAIN = 'dkg-share';
const MAX_ANSWERS = 32;
const Share = obj({ identifier: hash32, signingShare: bytes({ len: 32 }) });

/** A device's FROST identifier: derived from its DeviceId, so every participant computes everyone's. */
export const participantOf = (device: DeviceId): ParticipantId => participantIdFromString(device);

/**
 * One device's part in a DKG among the devices of an authority (DESIGN §2; noble's three-round DKG): round-1
 * packages to everyone, round-2 shares each sealed to its one recipient and signed by its sender, then the key
 * package. A package from a device that is not a participant, or claiming another's identifier, is dropped.
 */
export class DkgSession {
  private readonly byParticipant = new Map<ParticipantId, DeviceId>();
  private state: DkgState | null = null;
  private readonly round1 = new Map<DeviceId, DkgRound1Package>();
  private readonly round2 = new Map<DeviceId, DkgRound2Package>();
  private sentRound2 = false;
  private over = false;
  private succeeded = false;
  /** Answers sent to each peer after we finished (bounded: a peer's session lasts ~22 resend ticks). */
  private readonly answered = new Map<DeviceId, number>();
  /** What we sent, to send again while the DKG runs (gossip may lose a message; duplicates are ignored). */
  private readonly outbox: [DeviceId | 'all', GroupBody][] = [];

  constructor(
    readonly id: string,
    readonly participants: readonly DeviceId[],
    readonly threshold: number,
    private readonly deps: DkgSessionDeps,
  ) {
    for (const d of participants) this.byParticipant.set(participantOf(d), d);
  }

  get finished(): boolean {
    return this.over;
  }

  start(): void {
    const me = this.deps.key.deviceId;
    const r1 = dkgRound1(participantOf(me), { min: this.threshold, max: this.participants.length }, this.deps.random);
    this.state = r1.state;
    this.send('all', { type: 'dkg1', id: this.id, identifier: r1.package.identifier, commitment: r1.package.commitment, proofOfKnowledge: r1.package.proofOfKnowledge });
    this.advance();
  }

  resend(): void {
    if (!this.over) for (const [to, body] of this.outbox) this.deps.send(to, body);
  }

  private send(to: DeviceId | 'all', body: GroupBody): void {
    this.outbox.push([to, body]);
    this.deps.send(to, body);
  }

  /** Round-1 package or round-2 box from `from`; anything off is a counted drop, a failing DKG a failure. */
  receive(from: DeviceId, body: GroupBody): void {
    // Late copies (resends) after the DKG ended are expected, not hostile. A peer still resending its round 1
    // after we finished lacks something of ours (our share to it can be lost once we stop resending): answer.
    if (this.over) return void (this.succeeded && body.type === 'dkg1' && this.answer(from));
    if (!this.participants.includes(from) || from === this.deps.key.deviceId) return this.deps.dropped('dkg:NotAParticipant');
    try {
      if (body.type === 'dkg1') {
        if (this.byParticipant.get(body.identifier) !== from) return this.deps.dropped('dkg:WrongIdentifier');
        if (!this.round1.has(from)) this.round1.set(from, { identifier: body.identifier, commitment: body.commitment.map((c) => Uint8Array.from(c)), proofOfKnowledge: Uint8Array.from(body.proofOfKnowledge) });
      } else if (body.type === 'dkg2') {
        const opened = openFromDevice(this.deps.key, DOMAIN, utf8.encode(this.id), body.box, 512);
        const share = Share(decodeCanonical(opened.plaintext), 'dkg.share');
        if (opened.from !== from || this.byParticipant.get(share.identifier) !== from) return this.deps.dropped('dkg:WrongIdentifier');
        if (!this.round2.has(from)) this.round2.set(from, { identifier: share.identifier, signingShare: Uint8Array.from(share.signingShare) });
      }
      this.advance();
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      this.deps.dropped(`dkg:${e.code}`);
    }
  }

  private answer(to: DeviceId): void {
    const n = this.answered.get(to) ?? 0;
    if (n >= MAX_ANSWERS || !this.participants.includes(to)) return;
    this.answered.set(to, n + 1);
    for (const [dest, body] of this.outbox) if (dest === 'all' || dest === to) this.deps.send(to, body);
  }

  /** Gives up (timeout, cancel); the secret polynomial is dropped with the state. */
  abort(reason: string): void {
    if (this.over) return;
    this.over = true;
    this.deps.failed(reason);
  }

  private advance(): void {
    const others = this.participants.length - 1;
    if (this.state === null || this.over) return;
    const received1 = () => this.participants.flatMap((d) => this.round1.get(d) ?? []);
    if (!this.sentRound2 && this.round1.size === others) {
      this.sentRound2 = true;
      try {
        for (const out of dkgRound2(this.state, received1())) {
          const to = this.byParticipant.get(out.to)!;
          const box = sealToDevice(this.deps.key, to, DOMAIN, utf8.encode(this.id), encodeCanonical(out.package), this.deps.random);
          this.send(to, { type: 'dkg2', id: this.id, box });
        }
      } catch (e) {
        return this.abort(`round 2 failed: ${(e as Error).message}`);
      }
    }
    if (!this.sentRound2 || this.round2.size < others) return;
    this.over = true;
    let key: FrostKeyPackage;
    try {
      key = dkgRound3(this.state, received1(), this.participants.flatMap((d) => this.round2.get(d) ?? []));
    } catch (e) {
      return this.deps.failed(`round 3 failed: ${(e as Error).message}`);
    }
    this.succeeded = true;
    this.deps.done(key);
  }
}
