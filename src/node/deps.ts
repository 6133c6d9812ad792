import type { SignatureVerifier } from '../core/facts/validate.ts';
import type { Transport } from '../net/transport.ts';
import type { AuraStore } from '../store/store.ts';
import type { DeviceKey, Signer } from '../core/crypto/ed25519.ts';
import type { KdfParams } from '../core/backup/kdf.ts';
import type { ProtocolVersion } from '../core/version.ts';
import { LAB_CHANNEL, type LabPort } from './lab/lab-bus.ts';
import { webCryptoSigner } from './webcrypto-sign.ts';
import { webCryptoVerifier } from './webcrypto-verify.ts';

/** Everything with effects is injected, so several nodes can run in one process in tests. */
export interface NodeDeps {
  readonly profile: string;
  readonly store: AuraStore;
  /** Wall-clock milliseconds. */
  readonly now: () => number;
  /** Cryptographically random bytes. */
  readonly random: (n: number) => Uint8Array;
  /** The network; absent, the node works alone (offline, or in single-node tests). */
  readonly transport?: Transport;
  /** Anti-entropy period range in ms (jittered); default 3–5 s. */
  readonly syncIntervalMs?: readonly [number, number];
  /** Messages per peer per context per flow epoch; default DEFAULT_FLOW_LIMIT. */
  readonly flowLimit?: number;
  /** Messages above a context's latest snapshot that make its first witness propose one; default 10 000. */
  readonly snapshotEvery?: number;
  /** Signature check for received facts; absent, the pure-JS verifier. */
  readonly verify?: SignatureVerifier;
  /** Signing with this device's key for sends and acks; absent, the pure-JS signer. */
  readonly signer?: (key: DeviceKey) => Signer;
  /** KDF cost of backups written here; absent, `BACKUP_KDF` (tests and benchmarks lower it). */
  readonly backupKdf?: KdfParams;
  /** Lab and tests only: run as this protocol version instead of the build's (`?protocol=`). */
  readonly protocolVersion?: ProtocolVersion;
  /** The lab's channel to this browser's other tabs; absent (Node tests), the lab sees this tab only. */
  readonly labChannel?: () => LabPort;
}

export const browserRandom = (n: number): Uint8Array => crypto.getRandomValues(new Uint8Array(n));

export function browserDeps(profile: string, store: AuraStore, transport?: Transport): NodeDeps {
  return { profile, store, now: () => Date.now(), random: browserRandom, transport, verify: webCryptoVerifier(), signer: (key) => webCryptoSigner(key), labChannel: () => new BroadcastChannel(LAB_CHANNEL) };
}
