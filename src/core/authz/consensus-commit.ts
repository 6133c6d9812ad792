import { compareStrings } from '../compare.ts';
import { verify } from '../crypto/ed25519.ts';
import { hashValue } from '../crypto/hash.ts';
import { utf8 } from '../encoding/bytes.ts';
import { encodeCanonical } from '../encoding/cbor.ts';
import type { ConsensusCommit } from '../facts/kinds/consensus.ts';
import type { Hash32, Namespace } from '../ids.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';

const DOMAIN = utf8.encode('aura/consensus/commit/v1\n');

/**
 * What the witnesses' threshold signature covers. `covers` is sorted so the set, not its listing, is signed.
 * `signers` is not signed: which shares were aggregated is the coordinator's business, and binding it would
 * make two honest aggregations of one decision look like equivocation.
 */
function signedContent(ns: Namespace, b: ConsensusCommit) {
  return { ns, consensusId: b.consensusId, prestateHash: b.prestateHash, covers: [...b.covers].sort(compareStrings) };
}

/** The message the FROST group signs for a commit: a domain tag, then the canonical signed content. */
export function consensusCommitMessage(ns: Namespace, b: ConsensusCommit): Uint8Array {
  const body = encodeCanonical(signedContent(ns, b));
  const out = new Uint8Array(DOMAIN.length + body.length);
  out.set(DOMAIN);
  out.set(body, DOMAIN.length);
  return out;
}

/** A commit's identity: the hash of what was signed, the same whichever fact (and fact time) carries it. */
export function commitDigest(ns: Namespace, b: ConsensusCommit): Hash32 {
  return hashValue('aura/consensus/commit-digest', signedContent(ns, b));
}

/**
 * A commit counts only if its signature verifies under the witness set's group key. A FROST group signature
 * is an ordinary Ed25519 signature under the group public key, so the one strict Ed25519 rule applies.
 */
export function commitVerifies(ns: Namespace, b: ConsensusCommit, groupKey: Uint8Array): boolean {
  return verify(b.signature, consensusCommitMessage(ns, b), groupKey);
}

/**
 * The witness set's group key recorded in the namespace's journal. No fact kind records one yet (the
 * consensus issue adds it), so today this is null and no commit counts.
 */
export function groupKeyOf(st: NamespaceState | undefined): Uint8Array | null {
  return st?.agreement.groupKey ?? null;
}
