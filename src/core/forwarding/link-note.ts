import { compareStrings } from '../compare.ts';
import { publicKeyOfDevice } from '../crypto/device-id.ts';
import { sign, verify, type DeviceKey } from '../crypto/ed25519.ts';
import { concatBytes, utf8 } from '../encoding/bytes.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { decodeBounded } from './decode.ts';
import { arr, bytes, deviceId, ident, int, literal, obj } from '../facts/schema.ts';
import type { ContextId, DeviceId, Epoch } from '../ids.ts';
import { isMemberDevice } from './members.ts';
import type { ContextMembers } from '../reduce/membership.ts';
import { ForwardError } from './errors.ts';

/**
 * A member device's signed "I am linked to …" note on a context (DESIGN §5): whom it can forward to. Members
 * choose a forwarder from these; a note of another epoch than the current or the previous one is stale.
 */
export interface LinkNote {
  readonly v: 1;
  readonly ctx: ContextId;
  readonly device: DeviceId;
  readonly epoch: Epoch;
  /** Strictly ascending. */
  readonly links: readonly DeviceId[];
  readonly sig: Uint8Array;
}

export const MAX_NOTE_LINKS = 64;
const MAX_NOTE_BYTES = 8 * 1024;
const DOMAIN = utf8.encode('aura/fwd-links/v1\n');

const NoteSchema = obj({ v: literal(1), ctx: ident, device: deviceId, epoch: int(), links: arr(deviceId, { max: MAX_NOTE_LINKS }), sig: bytes({ len: 64 }) });

function signedBytes(n: Omit<LinkNote, 'sig'>): Uint8Array {
  return concatBytes(DOMAIN, encodeCanonical({ v: 1, ctx: n.ctx, device: n.device, epoch: n.epoch, links: n.links }));
}

export function createLinkNote(key: DeviceKey, ctx: ContextId, epoch: Epoch, links: readonly DeviceId[]): Uint8Array {
  const n = { v: 1 as const, ctx, device: key.deviceId, epoch, links: [...new Set(links)].sort(compareStrings).slice(0, MAX_NOTE_LINKS) };
  return encodeCanonical({ ...n, sig: sign(signedBytes(n), key.secretKey) });
}

/** Size, schema, order, context, epoch (current or previous), membership, then the signature; throws ForwardError. */
export function verifyLinkNote(raw: Uint8Array, c: { readonly ctx: ContextId; readonly members: ContextMembers; readonly epoch: Epoch }): LinkNote {
  const n = decodeBounded(raw, MAX_NOTE_BYTES, NoteSchema, 'note') as LinkNote;
  for (let i = 1; i < n.links.length; i++) if (compareStrings(n.links[i - 1]!, n.links[i]!) >= 0) throw new ForwardError('Malformed', 'links not strictly ascending');
  if (n.ctx !== c.ctx) throw new ForwardError('WrongContext', `note for ${n.ctx}`);
  if (n.epoch < c.epoch - 1) throw new ForwardError('OldEpoch', `note of epoch ${n.epoch}`);
  if (n.epoch > c.epoch) throw new ForwardError('FutureEpoch', `note of epoch ${n.epoch}`);
  if (!isMemberDevice(c.members, n.device)) throw new ForwardError('NotMember', `${n.device} is no member's device`);
  if (!verify(n.sig, signedBytes(n), publicKeyOfDevice(n.device)!)) throw new ForwardError('BadSignature', 'note does not verify');
  return n;
}
