import { isCid } from './encoding/cid.ts';

/** Identifier types shared by every part of the core. All are plain strings so they sort and key maps. */

/** CIDv1 (dag-cbor, sha2-256) of a fact's canonical bytes, base32 text. */
export type FactId = string;
/** Content id of an authority's genesis body; stable across key rotation. */
export type AuthorityId = string;
/** libp2p PeerId (base58btc) of a device's Ed25519 key. */
export type DeviceId = string;
/** Identifier of a relational context (a channel, a contact, a group). */
export type ContextId = string;
/** A journal: an authority's own, or a relational context shared by several authorities. */
export type Namespace = `authority:${string}` | `context:${string}`;
/** 32-byte hash as 64 lowercase hex characters. */
export type Hash32 = string;
/** Milliseconds since the Unix epoch, as an integer. Carried by facts; never read from a clock here. */
export type PhysicalTime = number;
export type Epoch = number;
export type ProposalId = FactId;
export type CeremonyId = FactId;
export type ConsensusId = string;
export type ChannelId = string;

export function authorityNamespace(id: AuthorityId): Namespace {
  return `authority:${id}`;
}

export function contextNamespace(id: ContextId): Namespace {
  return `context:${id}`;
}

export function namespaceKind(ns: Namespace): 'authority' | 'context' {
  return ns.startsWith('authority:') ? 'authority' : 'context';
}

export function namespaceId(ns: Namespace): string {
  return ns.slice(ns.indexOf(':') + 1);
}

/**
 * The journal a gossip and sync id names. An authority's devices share its own journal as they share a
 * context's: under the AuthorityId (a CID), with a secret only its devices hold. Context ids are never CIDs
 * (join codes naming one are refused), so the two cannot be confused.
 */
export function journalOf(id: ContextId | AuthorityId): Namespace {
  return isCid(id) ? authorityNamespace(id) : contextNamespace(id);
}
