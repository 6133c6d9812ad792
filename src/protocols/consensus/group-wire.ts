import { encodeCanonical, type WorkMeter } from '../../core/encoding/cbor.ts';
import { arr, bytes, deviceId, hash32, int, literal, obj, str, union, type Infer, type Schema } from '../../core/facts/schema.ts';
import { MAX_RENDEZVOUS_CODE_CHARS } from '../../core/rendezvous/code.ts';
import type { DeviceId } from '../../core/ids.ts';
import { decodeWire } from './wire.ts';

/** Most devices in one witness group (an authority's devices). */
export const MAX_GROUP = 32;

const to: Schema<DeviceId | 'all'> = (v, p) => (v === 'all' ? 'all' : deviceId(v, p));

const Body = union({
  /** Asks every listed device to run a DKG for a t-of-n group key (DESIGN §2). */
  'dkg-start': obj({ type: literal('dkg-start'), id: hash32, participants: arr(deviceId, { min: 2, max: MAX_GROUP, unique: true }), threshold: int({ min: 2, max: MAX_GROUP }) }),
  /** A participant's round-1 package, for everyone. */
  dkg1: obj({
    type: literal('dkg1'),
    id: hash32,
    identifier: hash32,
    commitment: arr(bytes({ len: 32 }), { min: 2, max: MAX_GROUP }),
    proofOfKnowledge: bytes({ len: 64 }),
  }),
  /** A participant's round-2 share for one recipient, sealed to that device (core/crypto/device-box). */
  dkg2: obj({ type: literal('dkg2'), id: hash32, box: bytes({ max: 1024 }) }),
  /** An Aura Consensus message (wire.ts) among the group's witnesses. */
  consensus: obj({ type: literal('consensus'), bytes: bytes({ max: 64 * 1024 }) }),
  /**
   * Among a ward's guardians: the code of a recovery they signed, so that those who did not help meet the
   * recovered device too (and re-share their pair once it proves the recovered tree).
   */
  'recovery-code': obj({ type: literal('recovery-code'), code: str({ min: 1, max: MAX_RENDEZVOUS_CODE_CHARS }) }),
});

const Message = obj({ v: literal(1), to, body: Body });

export type GroupBody = Infer<typeof Body>;
export type GroupMessage = Infer<typeof Message>;

export function encodeGroupMessage(to: DeviceId | 'all', body: GroupBody): Uint8Array {
  return encodeCanonical({ v: 1, to, body }).slice();
}

/** Bounded, canonical, schema-checked; refusals are typed (ConsensusWireError). */
export function decodeGroupMessage(raw: Uint8Array, meter?: WorkMeter): GroupMessage {
  return decodeWire(Message, 'group', raw, meter);
}
