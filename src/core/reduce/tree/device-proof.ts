import { decodeCanonical, encodeCanonical } from '../../encoding/cbor.ts';
import { DecodeError } from '../../encoding/cbor-decode.ts';
import { FactValidationError } from '../../facts/errors.ts';
import { isKind, type ValidatedFact } from '../../facts/fact.ts';
import { validateFact } from '../../facts/validate.ts';
import { authorityNamespace, type AuthorityId, type DeviceId } from '../../ids.ts';
import { currentTree, treeReducer } from './tree-reducer.ts';
import type { TreeState } from './tree-state.ts';

/** Most facts in one proof: genesis and the tree ops of its chain (a longer history needs a snapshot). */
export const MAX_PROOF_FACTS = 24;

/**
 * Proof that a device writes for an authority, carried into contexts in its member binding (DESIGN §2): the
 * authority's genesis alone when the device is the genesis device (the first form, kept as it was), or the
 * genesis and the tree ops of the chain to a state naming the device, as a CBOR list of fact bytes.
 */
export function encodeDeviceProof(genesis: ValidatedFact, chain: readonly ValidatedFact[]): Uint8Array {
  return chain.length === 0 ? genesis.bytes : encodeCanonical([genesis.bytes, ...chain.map((f) => f.bytes)]);
}

/** The chain form's fact bytes; null for the genesis form (a fact is a CBOR map, never a list). */
export function proofFacts(data: Uint8Array): Uint8Array[] | null {
  const value = decodeCanonical<unknown>(data);
  if (!Array.isArray(value)) return null;
  if (value.length < 2 || value.length > MAX_PROOF_FACTS) return [];
  return value.every((v) => v instanceof Uint8Array) ? (value as Uint8Array[]) : [];
}

/** What a valid proof shows of its authority: the devices of its head, and the devices it saw removed. */
export interface ProvenTree {
  readonly devices: ReadonlySet<DeviceId>;
  /** Device leaves of an earlier state of the chain that the head no longer has. */
  readonly removed: ReadonlySet<DeviceId>;
  /** The head state itself (null for the genesis form, whose head is the genesis state). */
  readonly head: TreeState | null;
  /** The chain's latest recovery (a guardian-attested Recover op): the device it re-admitted and who signed. */
  readonly recovered: { readonly device: DeviceId; readonly signers: readonly string[]; readonly parent: TreeState } | null;
}

/**
 * The tree `data` proves for `authority`: every fact valid and the authority's, the genesis first, reduced by
 * the tree reducer's own rules (signed ops valid at their parents). Null for anything else; never throws.
 */
export function provenTree(data: Uint8Array, authority: AuthorityId): ProvenTree | null {
  const ns = authorityNamespace(authority);
  try {
    const list = proofFacts(data);
    if (list === null) {
      const g = validateFact(data);
      return isKind(g, 'authority.genesis') && g.fact.author === authority ? { devices: new Set([g.fact.body.device]), removed: new Set(), head: null, recovered: null } : null;
    }
    const st = treeReducer.init();
    for (const [i, bytes] of list.entries()) {
      const f = validateFact(bytes, { namespace: ns });
      if (f.fact.kind !== (i === 0 ? 'authority.genesis' : 'tree.op')) return null;
      treeReducer.apply(st, f);
    }
    const head = currentTree(st);
    if (!head) return null;
    const devices = new Set(head.leaves.flatMap((l) => (l?.role === 'device' ? [l.device] : [])));
    const removed = new Set(st.chain.flatMap((s) => s.leaves.flatMap((l) => (l?.role === 'device' && !devices.has(l.device) ? [l.device] : []))));
    let recovered: ProvenTree['recovered'] = null;
    st.applied.forEach((id, i) => {
      const op = st.candidates.get(id)!.c.op;
      if (op.type === 'Recover') recovered = { device: op.device, signers: op.signers, parent: st.chain[i]! };
    });
    return { devices, removed, head, recovered };
  } catch (e) {
    if (e instanceof FactValidationError || e instanceof DecodeError) return null;
    throw e;
  }
}

/**
 * The authority (its id and the display name its genesis states) that `data` proves `device` writes for, or
 * null: what a proof shows of a stranger, e.g. who invites in a contact invitation. Never throws.
 */
export function provenAuthority(data: Uint8Array, device: DeviceId): { authority: AuthorityId; name: string } | null {
  try {
    const genesis = validateFact(proofFacts(data)?.[0] ?? data);
    if (!isKind(genesis, 'authority.genesis') || !provesDevice(data, genesis.fact.author, device)) return null;
    return { authority: genesis.fact.author, name: genesis.fact.body.name ?? '' };
  } catch (e) {
    if (e instanceof FactValidationError || e instanceof DecodeError) return null;
    throw e;
  }
}

/** Whether `data` proves `device` is a device of `authority` (a device leaf of the proven head). */
export function provesDevice(data: Uint8Array, authority: AuthorityId, device: DeviceId): boolean {
  return provenTree(data, authority)?.devices.has(device) ?? false;
}
