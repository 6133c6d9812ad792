import { createPublicKey, verify as nodeVerify, type KeyObject } from 'node:crypto';
import { sha256 } from '@noble/hashes/sha2.js';
import { equalBytes } from '@noble/curves/utils.js';
import { syncOpenProof, contextTopic } from '../src/core/crypto/context-keys.ts';
import { acceptableSignature, deviceKeyFromSeed, type DeviceKey } from '../src/core/crypto/ed25519.ts';
import { toHex, utf8 } from '../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../src/core/encoding/cbor.ts';
import { cidOf } from '../src/core/encoding/cid.ts';
import { createFact } from '../src/core/facts/create.ts';
import { FactValidationError } from '../src/core/facts/errors.ts';
import type { ValidatedFact } from '../src/core/facts/fact.ts';
import { hlcTick, type Hlc } from '../src/core/facts/hlc.ts';
import { validateFactWith, type SignatureVerifier } from '../src/core/facts/validate.ts';
import { contextNamespace, type AuthorityId, type ContextId, type DeviceId, type Namespace } from '../src/core/ids.ts';
import { factIdOf, ItemSet, syncItemOf } from '../src/core/sync/index.ts';
import { PROTOCOL_VERSION } from '../src/core/version.ts';
import type { IngestResult, SyncHost } from '../src/protocols/sync/sync-host.ts';

/** The one context every simulated node is a member of, and its secret. */
export interface SimContext {
  readonly id: ContextId;
  readonly ns: Namespace;
  readonly secret: Uint8Array;
  readonly topic: string;
}

export function simContext(seed: number): SimContext {
  const secret = sha256(utf8.encode(`aura-sim-context-${seed}`));
  const id = `sim-${seed}` as ContextId;
  return { id, ns: contextNamespace(id), secret, topic: contextTopic(secret) };
}

/**
 * Ed25519 by Node's native crypto, synchronously (so a run's order never depends on a thread pool), behind
 * the core's acceptance rule as the node's WebCrypto verifier is. Keys are imported once each.
 */
export function nativeVerifier(): SignatureVerifier {
  const keys = new Map<string, KeyObject>();
  return async (signature, message, publicKey) => {
    if (!acceptableSignature(signature, publicKey)) return false;
    const hex = toHex(publicKey);
    let key = keys.get(hex);
    if (!key) {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(publicKey).toString('base64url') }, format: 'jwk' });
      keys.set(hex, key);
    }
    return nodeVerify(null, message, key, signature);
  };
}

/** A writing member: a real device key and authority, signing `chat.message` facts on a virtual HLC. */
export class SimWriter {
  readonly key: DeviceKey;
  readonly author: AuthorityId;
  private clock: Hlc = { wall: 0, logical: 0 };
  private count = 0;

  constructor(
    readonly ctx: SimContext,
    label: string,
  ) {
    this.key = deviceKeyFromSeed(sha256(utf8.encode(`aura-sim-writer-${label}`)));
    this.author = cidOf(encodeCanonical({ sim: label })) as AuthorityId;
  }

  /** A signed fact written at virtual time `now` (ms; the sim's epoch is 2023-11-14, as the tests' clocks). */
  write(now: number): ValidatedFact {
    this.clock = hlcTick(this.clock, 1_700_000_000_000 + now);
    const channel = cidOf(encodeCanonical({ channel: this.ctx.id }));
    return createFact(this.key, { ns: this.ctx.ns, kind: 'chat.message', author: this.author, time: this.clock, body: { channel, text: `m${this.count++}`, ack: false } });
  }
}

/**
 * One simulated node's side of the sync protocol: an in-memory journal of real signed facts of the context
 * and its real ItemSet. Received facts pass the core's full validation (envelope, kind, namespace, body,
 * signature); membership is modelled as holding the context secret (the `open` proof is the real HMAC).
 */
export class SimJournalHost implements SyncHost {
  private readonly set = new ItemSet();
  private readonly facts = new Map<string, ValidatedFact>();
  refused = 0;

  constructor(
    readonly device: DeviceId,
    private readonly ctx: SimContext,
    private readonly verifier: SignatureVerifier,
  ) {}

  /** The authority writing on this node, if any: its facts are `ours` when pushed. */
  author: AuthorityId | undefined;

  get size(): number {
    return this.facts.size;
  }

  ids(): IterableIterator<string> {
    return this.facts.keys();
  }

  has(id: string): boolean {
    return this.facts.has(id);
  }

  /** A fact this node wrote or validated. */
  add(f: ValidatedFact): void {
    if (this.facts.has(f.id)) return;
    this.facts.set(f.id, f);
    this.set.insert(syncItemOf(f.id, f.fact.time.wall));
  }

  /** A fact's bytes as received: validated by the core, then stored; false if refused. */
  async receive(raw: Uint8Array): Promise<boolean> {
    try {
      this.add(await validateFactWith(raw, this.verifier, { namespace: this.ctx.ns }));
      return true;
    } catch (e) {
      if (!(e instanceof FactValidationError)) throw e;
      this.refused++;
      return false;
    }
  }

  contextOfTopic = (topic: string) => (topic === this.ctx.topic ? this.ctx.id : undefined);
  topicOf = (c: ContextId) => (c === this.ctx.id ? this.ctx.topic : undefined);
  openProof = (_: ContextId, peer: DeviceId) => syncOpenProof(this.ctx.secret, this.device, peer);
  mayServe = (_: ContextId, peer: DeviceId, proof: Uint8Array) => equalBytes(proof, syncOpenProof(this.ctx.secret, peer, this.device));
  sharedContexts = () => [this.ctx.id];
  items = () => this.set;
  factBytes = (_: ContextId, digests: readonly Uint8Array[]) => digests.flatMap((d) => this.facts.get(factIdOf(d))?.bytes ?? []);
  pushBytes = (_: ContextId, digests: readonly Uint8Array[]) => {
    const ours: Uint8Array[] = [];
    const relayed: Uint8Array[] = [];
    for (const d of digests) {
      const f = this.facts.get(factIdOf(d));
      if (f) (f.fact.author === this.author ? ours : relayed).push(f.bytes);
    }
    return { ours, relayed };
  };
  ingest = async (_: ContextId, facts: readonly Uint8Array[]): Promise<IngestResult> => {
    let stored = 0;
    for (const raw of facts) if (await this.receive(raw)) stored++;
    return { stored, held: 0, refused: facts.length - stored };
  };
  wantedAcks = () => [];
  acksFor = async () => [];
  receiveAcks = async () => undefined;
  wantedSnapshot = () => null;
  snapshotBlob = async () => null;
  snapshotPart = async () => false;
  version = () => PROTOCOL_VERSION;
  requiredVersion = () => null;
  peerVersion = () => undefined;
  refusedVersion = () => undefined;
}
