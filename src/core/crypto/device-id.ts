import { base58btc } from 'multiformats/bases/base58';
import { bytesEqual } from '../encoding/bytes.ts';
import type { DeviceId } from '../ids.ts';

/**
 * A DeviceId is the libp2p PeerId of an Ed25519 key: base58btc of the identity multihash of the
 * protobuf PublicKey { Type: Ed25519, Data: key }. The key is recoverable from the id, so a fact's
 * signature can be checked with nothing but the fact.
 */
const PREFIX = Uint8Array.of(0x00, 0x24, 0x08, 0x01, 0x12, 0x20);

export function deviceIdFromPublicKey(publicKey: Uint8Array): DeviceId {
  if (publicKey.length !== 32) throw new Error('Ed25519 public key must be 32 bytes');
  const mh = new Uint8Array(PREFIX.length + 32);
  mh.set(PREFIX);
  mh.set(publicKey, PREFIX.length);
  return base58btc.baseEncode(mh);
}

const keyCache = new Map<DeviceId, Uint8Array | null>();

/** The public key inside a DeviceId, or null if the id is not an Ed25519 PeerId. Memoised: pure. */
export function publicKeyOfDevice(id: DeviceId): Uint8Array | null {
  const hit = keyCache.get(id);
  if (hit !== undefined) return hit;
  let key: Uint8Array | null = null;
  try {
    const mh = base58btc.baseDecode(id);
    if (mh.length === PREFIX.length + 32 && bytesEqual(mh.subarray(0, PREFIX.length), PREFIX)) {
      key = mh.slice(PREFIX.length);
    }
  } catch {
    key = null;
  }
  if (keyCache.size > 10_000) keyCache.clear();
  keyCache.set(id, key);
  return key;
}
