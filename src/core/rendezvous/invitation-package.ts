import { equalBytes } from '@noble/curves/utils.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { CONTEXT_SECRET_BYTES } from '../crypto/context-keys.ts';
import type { DeviceKey } from '../crypto/ed25519.ts';
import { BoxError, openShapedFromDevice, sealToDevice } from '../crypto/device-box.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import { bool, bytes, ident, obj, type Schema } from '../facts/schema.ts';
import type { ContextId, DeviceId } from '../ids.ts';
import { provenAuthority } from '../reduce/tree/device-proof.ts';
import type { Person } from './invitation.ts';
import { derive } from './offer.ts';

/**
 * What an invitee's device receives (DESIGN §2, §7): the new pairwise context (its id and secret, made by the
 * inviter) and the inviter's device proof — its genesis (authority id and display name) and tree chain, which
 * must name the sending device — sealed to the invitee's device alone, bound to the code's secret and signed
 * by the sender. The invitee's answer (accept, with its own proof, or decline) is sealed back the same way
 * and names the package it answers by digest, so it never counts for another invitation.
 */
export interface InvitationContent {
  readonly context: ContextId;
  readonly secret: Uint8Array;
  /** `encodeDeviceProof` of the sending device: who invites. */
  readonly proof: Uint8Array;
}

export type InvitationAnswer = { readonly accept: true; readonly proof: Uint8Array } | { readonly accept: false };

export const MAX_INVITATION_BYTES = 16 * 1024;

const Package = obj({ context: ident, secret: bytes({ len: CONTEXT_SECRET_BYTES }), proof: bytes({ max: MAX_INVITATION_BYTES - 512 }) });
const Answer = obj({ digest: bytes({ len: 32 }), accept: bool }, { proof: bytes({ max: MAX_INVITATION_BYTES - 512 }) });
const PACKAGE = 'invite-package';
const ANSWER = 'invite-answer';

/** Opens a box of `domain` for this device, salted by the code's secret; every refusal is a BoxError. */
const openBox = <T>(key: DeviceKey, codeSecret: Uint8Array, domain: string, raw: Uint8Array, schema: Schema<T>) =>
  openShapedFromDevice(key, domain, derive(codeSecret, `${domain}-salt`, 32), raw, MAX_INVITATION_BYTES, schema);

/** The person `proof` shows `device` writing for; a proof that does not name the sender is `Forged`. */
function personOf(proof: Uint8Array, device: DeviceId): Person {
  const person = provenAuthority(proof, device);
  if (person === null) throw new BoxError('Forged', 'the proof does not show the sending device as its authority');
  return person;
}

export function sealInvitation(key: DeviceKey, to: DeviceId, codeSecret: Uint8Array, content: InvitationContent, random: (n: number) => Uint8Array): Uint8Array {
  const inner = encodeCanonical({ context: content.context, secret: content.secret, proof: content.proof });
  return sealToDevice(key, to, PACKAGE, derive(codeSecret, `${PACKAGE}-salt`, 32), inner, random);
}

/** The sender, who invites (as its proof shows the sender device), and the content; typed refusals only. */
export function openInvitation(key: DeviceKey, codeSecret: Uint8Array, raw: Uint8Array): { from: DeviceId; inviter: Person; content: InvitationContent } {
  const { from, inner } = openBox(key, codeSecret, PACKAGE, raw, Package);
  return { from, inviter: personOf(inner.proof, from), content: inner };
}

/** The invitee's answer to the package `pkg`, sealed to the inviter's device `to`. */
export function sealAnswer(key: DeviceKey, to: DeviceId, codeSecret: Uint8Array, pkg: Uint8Array, answer: InvitationAnswer, random: (n: number) => Uint8Array): Uint8Array {
  const inner = encodeCanonical({ digest: sha256(pkg), ...answer });
  return sealToDevice(key, to, ANSWER, derive(codeSecret, `${ANSWER}-salt`, 32), inner, random);
}

/**
 * The answer to exactly our package `pkg`: who accepted (their proof must name the answering device), or a
 * decline. An answer to another package (a replay) is `Forged`; an accept without a proof `Malformed`.
 */
export function openAnswer(key: DeviceKey, codeSecret: Uint8Array, raw: Uint8Array, pkg: Uint8Array): { from: DeviceId; invitee: Person | null } {
  const { from, inner } = openBox(key, codeSecret, ANSWER, raw, Answer);
  if (!equalBytes(inner.digest, sha256(pkg))) throw new BoxError('Forged', 'answers another invitation');
  if (!inner.accept) return { from, invitee: null };
  if (inner.proof === undefined) throw new BoxError('Malformed', 'an accept without a proof');
  return { from, invitee: personOf(inner.proof, from) };
}
