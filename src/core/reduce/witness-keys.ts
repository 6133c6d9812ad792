import { compareStrings } from '../compare.ts';
import { fromHex, toHex } from '../encoding/bytes.ts';
import { DecodeError, decodeCanonical, encodeCanonical } from '../encoding/cbor.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { arr, bytes, deviceId, int, literal, obj, SchemaError, type Infer } from '../facts/schema.ts';
import type { AuthorityId, DeviceId } from '../ids.ts';

/**
 * A context's witness group key (DESIGN §6): the result of a DKG among one witness device per member authority.
 * Each participant records it with a `witness-key` binding naming the same key, threshold and participants; the
 * key counts only once every participant device has, each for a different authority — so no member alone, nor
 * several devices of one member, can install a key.
 */
export const WITNESS_KEY_BINDING = 'witness-key';
export const MAX_WITNESSES = 32;

const Endorsement = obj({ v: literal(1), groupKey: bytes({ len: 32 }), threshold: int({ min: 2, max: MAX_WITNESSES }), participants: arr(deviceId, { min: 2, max: MAX_WITNESSES, unique: true }) });
export type WitnessKey = Infer<typeof Endorsement>;

export function encodeWitnessKey(k: Omit<WitnessKey, 'v'>): Uint8Array {
  return encodeCanonical({ v: 1, groupKey: k.groupKey, threshold: k.threshold, participants: [...k.participants].sort(compareStrings) }).slice();
}

function decodeWitnessKey(hex: string): WitnessKey | null {
  try {
    const k = Endorsement(decodeCanonical(fromHex(hex)), 'witness-key');
    return k.threshold <= k.participants.length && k.participants.every((p, i) => i === 0 || compareStrings(k.participants[i - 1]!, p) < 0) ? k : null;
  } catch (e) {
    if (e instanceof DecodeError || e instanceof SchemaError) return null;
    throw e;
  }
}

export interface WitnessKeysState {
  /** Endorsements by the key record they name (its data, hex): which participant device, for which authority. */
  readonly records: Map<string, { readonly key: WitnessKey; readonly by: Map<DeviceId, AuthorityId> }>;
  /** Endorsed keys (hex), in the order they became endorsed. */
  readonly endorsed: string[];
}

export const initWitnessKeys = (): WitnessKeysState => ({ records: new Map(), endorsed: [] });

/** Notes a `witness-key` binding; returns the key (hex) it completed, if it was the last endorsement missing. */
export function noteEndorsement(st: WitnessKeysState, vf: ValidatedFact<'rel.binding'>): string | null {
  const { body, device, author } = vf.fact;
  if (body.bindingType !== WITNESS_KEY_BINDING || body.data === undefined) return null;
  const dataHex = toHex(body.data);
  let rec = st.records.get(dataHex);
  if (!rec) {
    const key = decodeWitnessKey(dataHex);
    if (!key) return null;
    st.records.set(dataHex, (rec = { key, by: new Map() }));
  }
  if (!rec.key.participants.includes(device) || rec.by.has(device)) return null;
  rec.by.set(device, author);
  const authorities = new Set(rec.by.values());
  if (rec.by.size < rec.key.participants.length || authorities.size < rec.by.size) return null;
  const hex = toHex(rec.key.groupKey);
  if (st.endorsed.includes(hex)) return null;
  st.endorsed.push(hex);
  return hex;
}

/** The endorsed key record for a group key (hex), if any. */
export function witnessKeyOf(st: WitnessKeysState, groupKey: string): WitnessKey | null {
  for (const rec of st.records.values()) if (toHex(rec.key.groupKey) === groupKey && st.endorsed.includes(groupKey)) return rec.key;
  return null;
}
