import { sha256 } from '@noble/hashes/sha2.js';
import { IDBFactory } from 'fake-indexeddb';
import { expect } from 'vitest';
import { contextKey, contextTopic, syncOpenProof } from '../../src/core/crypto/context-keys.ts';
import { deviceKeyFromSeed, type DeviceKey } from '../../src/core/crypto/ed25519.ts';
import { seal, SEAL_NONCE_BYTES } from '../../src/core/crypto/seal.ts';
import { utf8 } from '../../src/core/encoding/bytes.ts';
import { createFact } from '../../src/core/facts/create.ts';
import { FACT_VERSION, type ValidatedFact } from '../../src/core/facts/fact.ts';
import { signingBytes } from '../../src/core/facts/signing.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { cidOf } from '../../src/core/encoding/cid.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { hlcTick, HLC_ZERO, type Hlc } from '../../src/core/facts/hlc.ts';
import { decodeJoinCode } from '../../src/core/facts/join-code.ts';
import type { BodyOf, FactKind } from '../../src/core/facts/kinds/index.ts';
import { contextNamespace, type AuthorityId, type ChannelId, type ContextId, type DeviceId, type Namespace } from '../../src/core/ids.ts';
import { ContextChannel } from '../../src/net/context-channel.ts';
import type { MemoryTransport } from '../../src/net/memory-transport.ts';
import { AuraNode } from '../../src/node/aura-node.ts';
import type { NodeDeps } from '../../src/node/deps.ts';
import { decodeFrame, encodeFrame, type SyncFrame } from '../../src/protocols/sync/frames.ts';
import { StoreError } from '../../src/store/errors.ts';
import { openStore, type AuraStore } from '../../src/store/store.ts';
import { deviceKey } from './fixtures.ts';
import { MemoryBus, seededRandom, until } from './node-net.ts';

/** Periodic anti-entropy off: sessions run only when a test (or a connect) starts them. */
export const NEVER: readonly [number, number] = [3_600_000, 3_600_001];

/**
 * A profile on a named fake-IndexedDB database whose factory the test keeps, so the node can be closed and
 * opened again on the same store — as a reload of the tab would. Each opening gets fresh seeded randomness
 * (a new context id never repeats an old one) and a new transport on the bus for the same device.
 */
export class Profile {
  readonly factory = new IDBFactory();
  node!: AuraNode;
  transport!: MemoryTransport;
  store!: AuraStore;
  private openings = 0;

  private constructor(
    readonly bus: MemoryBus,
    readonly name: string,
    private readonly extra: Partial<NodeDeps>,
    private readonly withIdentity: boolean,
  ) {}

  /** `withIdentity: false` keeps it a device without an identity (before onboarding, or recovering). */
  static async open(bus: MemoryBus, name: string, extra: Partial<NodeDeps> = {}, withIdentity = true): Promise<Profile> {
    const p = new Profile(bus, name, extra, withIdentity);
    await p.open();
    return p;
  }

  get device(): DeviceId {
    return this.transport.device;
  }

  get authority(): AuthorityId {
    return this.node.identity()!.authorityId;
  }

  /** Opens the node on the kept store (creating its identity the first time). */
  async open(): Promise<AuraNode> {
    const random = seededRandom(`${this.name}#${this.openings++}`);
    this.store = await openStore(`aura-${this.name}`, { factory: this.factory });
    let seed = await this.store.getDeviceSeed();
    if (!seed) {
      seed = random(32);
      await this.store.putDeviceSeed(seed);
    }
    this.transport = this.bus.connect(deviceKeyFromSeed(seed).deviceId, random);
    this.node = await AuraNode.open({ profile: this.name, store: this.store, now: () => Date.now(), random, transport: this.transport, ...this.extra });
    if (this.withIdentity && !this.node.identity()) await this.node.createIdentity(this.name);
    return this.node;
  }

  /** Closes the node (its store and transport with it) and opens it again from the same database. */
  async reopen(): Promise<AuraNode> {
    await this.node.close();
    return this.open();
  }
}

export const texts = (p: { node: AuraNode }, ch: ChannelId): string[] => p.node.messages(ch).data.map((m) => m.text);
export const dropped = (p: { node: AuraNode }, reason: string): number => p.node.network().dropped[reason] ?? 0;
/** Every counted drop whose reason starts with `prefix`. */
export const droppedLike = (p: { node: AuraNode }, prefix: string): number =>
  Object.entries(p.node.network().dropped).reduce((n, [r, c]) => (r.startsWith(prefix) ? n + c : n), 0);
export const isMember = (p: { node: AuraNode }, context: ContextId, a: AuthorityId): boolean => p.node.membersOf(context).view.rights.has(a);

/** Sleeps between tries of an async condition (never a timing assertion: only a bound on waiting). */
export async function eventually(cond: () => Promise<boolean>, what: string, ms = 20_000, pauseMs = 100): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, pauseMs));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A channel created by the first profile and joined by the others, every member known to everyone. */
export async function community(profiles: readonly Profile[], name = 'general'): Promise<{ ch: ChannelId; code: string; ctx: ContextHandle }> {
  const [first, ...rest] = profiles;
  const ch = await first!.node.createChannel(name);
  const code = first!.node.joinCode(ch);
  for (const p of rest) await p.node.joinChannel(code);
  const ctx = ContextHandle.of(code);
  for (const p of profiles) {
    await until(() => p.node.channels().data.length >= 1 && profiles.every((q) => isMember(p, ctx.context, q.authority)), `${p.name} knows every member`);
  }
  return { ch, code, ctx };
}

/**
 * The usual scene: a victim and an honest member in one channel on a fresh bus; with `mallory`, an adversary
 * that has joined it too (a member who turns hostile).
 */
export async function victimAndHonest(opts: { mallory?: string; extra?: Partial<NodeDeps> } = {}) {
  const bus = new MemoryBus();
  const victim = await Profile.open(bus, 'victim', opts.extra);
  const honest = await Profile.open(bus, 'honest', opts.extra);
  const { ch, ctx } = await community([victim, honest]);
  const mallory = new Adversary(opts.mallory ?? 'mallory');
  if (opts.mallory !== undefined) await mallory.join(bus, ctx, [victim, honest]);
  return { bus, victim, honest, ch, ctx, mallory };
}

/** `from` writes a message and every one of `to` receives it: honest traffic still flows. */
export async function flows(from: Profile, to: readonly Profile[], ch: ChannelId, text: string): Promise<void> {
  await from.node.sendMessage(ch, text);
  for (const p of to) await until(() => texts(p, ch).includes(text), `${p.name} receives "${text}" from ${from.name}`);
}

/** A completed reconciliation from `p` with every one of `peers`, started after this call. */
export async function syncsWith(p: Profile, peers: readonly Profile[]): Promise<void> {
  const since = Date.now();
  const mine = () => (p.node.syncMetrics()?.recent ?? []).filter((o) => o.startedAt >= since && peers.some((q) => q.device === o.peer));
  await eventually(async () => {
    await p.node.syncNow();
    return peers.every((q) => mine().some((o) => o.ok && o.peer === q.device));
    // Paced beyond a responder's per-peer session interval, so its Busy answers are not what we measure.
  }, `${p.name} completes a sync with ${peers.map((q) => q.name).join(', ')}`, 20_000, 700).catch((e: Error) => {
    const seen = [...new Set(mine().map((o) => (o.ok ? 'ok' : `${o.failure}: ${o.error}`)))];
    throw new Error(`${e.message}; its sessions ended: ${seen.join(' | ')}`);
  });
}

/**
 * What the victim of an attack on its own state must still do: write (the others receive it), reconcile,
 * and reopen from its store with every message it had, then write again.
 */
export async function stillHealthy(victim: Profile, others: readonly Profile[], ch: ChannelId, tag: string): Promise<void> {
  await flows(victim, others, ch, `${tag}: victim still writes`);
  await syncsWith(victim, others);
  const before = texts(victim, ch);
  await victim.reopen();
  await until(() => texts(victim, ch).length >= before.length, `${victim.name} reopens with its messages`);
  expect(texts(victim, ch)).toEqual(before);
  await flows(victim, others, ch, `${tag}: victim writes after reopening`);
}

/** A context as an insider sees it from a join code: id, namespace, secret, topic, and its sealing. */
export class ContextHandle {
  readonly ns: Namespace;
  readonly topic: string;
  readonly channel: ContextChannel;
  private readonly random = seededRandom(`seal-${Math.random()}`);

  private constructor(
    readonly context: ContextId,
    readonly secret: Uint8Array,
  ) {
    this.ns = contextNamespace(context);
    this.topic = contextTopic(secret);
    this.channel = new ContextChannel(context, secret);
  }

  static of(code: string): ContextHandle {
    const { context, secret } = decodeJoinCode(code);
    return new ContextHandle(context, secret);
  }

  /** Fact bytes in properly sealed gossip envelopes (the envelope only checks each is 1..12 KiB of bytes). */
  seal(facts: readonly Uint8Array[]): Uint8Array[] {
    return this.channel.seal(facts, this.random);
  }

  /** Any plaintext sealed with the context key: a hand-built (hostile) envelope. */
  sealRaw(plaintext: Uint8Array): Uint8Array {
    return seal(contextKey(this.secret), this.random(SEAL_NONCE_BYTES), plaintext, utf8.encode(this.topic));
  }

  /** Publishes fact bytes on the context's topic as `from`. */
  inject(bus: MemoryBus, facts: readonly (Uint8Array | ValidatedFact)[], from: DeviceId): void {
    for (const p of this.seal(facts.map((f) => (f instanceof Uint8Array ? f : f.bytes)))) bus.inject(this.topic, p, from);
  }
}

/**
 * An insider built with the core API: its own device key (fixtures' `deviceKey`), its own authority, facts
 * it signs with whatever time, author or body it likes. It joins a context by publishing a valid self-join.
 * `name: null` makes a genesis without a display name (so every binding of it reaches the name index).
 */
export class Adversary {
  readonly key: DeviceKey;
  readonly genesis: ValidatedFact<'authority.genesis'>;
  private clock: Hlc = HLC_ZERO;

  constructor(
    readonly label: string,
    opts: { name?: string | null } = {},
  ) {
    this.key = deviceKey(label);
    const nonce = sha256(utf8.encode(`nonce-${label}`)).subarray(0, 16);
    this.genesis = createGenesis(this.key, nonce, this.now(), opts.name === null ? undefined : (opts.name ?? label));
  }

  get authority(): AuthorityId {
    return this.genesis.fact.author;
  }

  get device(): DeviceId {
    return this.key.deviceId;
  }

  /** The next reading of an honest clock. */
  now(): Hlc {
    this.clock = hlcTick(this.clock, Date.now());
    return this.clock;
  }

  fact<K extends FactKind>(ns: Namespace, kind: K, body: BodyOf<K>, opts: { time?: Hlc; author?: AuthorityId; key?: DeviceKey } = {}): ValidatedFact<K> {
    return createFact(opts.key ?? this.key, { ns, kind, author: opts.author ?? this.authority, time: opts.time ?? this.now(), body });
  }

  /** A valid self-join: a member binding carrying this authority's genesis. */
  binding(ns: Namespace, time?: Hlc): ValidatedFact<'rel.binding'> {
    return this.fact(ns, 'rel.binding', { bindingType: 'member', authorities: [this.authority], data: this.genesis.bytes }, time ? { time } : {});
  }

  message(ns: Namespace, channel: ChannelId, text: string, time?: Hlc): ValidatedFact<'chat.message'> {
    return this.fact(ns, 'chat.message', { channel, text, ack: false }, time ? { time } : {});
  }

  /** Joins by gossip and waits until every one of `peers` admits the join. */
  async join(bus: MemoryBus, ctx: ContextHandle, peers: readonly Profile[]): Promise<void> {
    ctx.inject(bus, [this.binding(ctx.ns)], this.device);
    for (const p of peers) await until(() => isMember(p, ctx.context, this.authority), `${p.name} admits ${this.label}`);
  }
}

/**
 * A device on the bus that runs no node: it opens sync sessions by hand (proving it holds the secret) and
 * answers none (sessions opened to it are closed at once, so nobody waits on it).
 */
export class RawPeer {
  readonly transport: MemoryTransport;

  constructor(
    bus: MemoryBus,
    readonly device: DeviceId,
  ) {
    this.transport = bus.connect(device, seededRandom(`raw-${device}`));
    this.transport.onSyncChannel((ch) => void ch.close());
  }

  /** Opens a session with `peer` for the context and pushes `batches` as `put` frames; returns the replies. */
  async push(peer: DeviceId, ctx: ContextHandle, batches: readonly (readonly Uint8Array[])[]): Promise<SyncFrame[]> {
    return this.session(peer, ctx, batches.map((f) => encodeFrame({ t: 'put', f })));
  }

  /** Opens a session and sends raw frames (any bytes); returns what the peer answered before it closed. */
  async session(peer: DeviceId, ctx: ContextHandle, frames: readonly Uint8Array[]): Promise<SyncFrame[]> {
    const ch = await this.transport.openSync(peer);
    const replies: SyncFrame[] = [];
    const read = async () => {
      const b = await ch.receive();
      if (b !== null) replies.push(decodeFrame(b));
      return b !== null;
    };
    try {
      await ch.send(encodeFrame({ t: 'open', topic: ctx.topic, proof: syncOpenProof(ctx.secret, this.device, peer) }));
      if (!(await read()) || replies[0]!.t !== 'ok') return replies;
      for (const f of frames) {
        await ch.send(f);
        if (!(await read())) return replies;
      }
      await ch.send(encodeFrame({ t: 'bye' }));
      return replies;
    } finally {
      await ch.close().catch(() => undefined);
    }
  }
}

/** Unhandled rejections and uncaught exceptions while an attack runs: none may escape a listener. */
export function watchCrashes(): { readonly seen: unknown[]; stop(): void } {
  const seen: unknown[] = [];
  const onError = (e: unknown) => void seen.push(e);
  process.on('unhandledRejection', onError);
  process.on('uncaughtException', onError);
  return {
    seen,
    stop: () => {
      process.off('unhandledRejection', onError);
      process.off('uncaughtException', onError);
    },
  };
}

/**
 * Fault injection on a real store: while `failing`, appendFacts of a non-empty fact batch rejects as the
 * store would on a failed write; the store itself is untouched.
 */
export function flakyAppends(store: AuraStore): { failing: boolean; failed: number } {
  const state = { failing: true, failed: 0 };
  const real = store.appendFacts.bind(store);
  store.appendFacts = (facts, extra) => {
    if (state.failing && facts.length > 0) {
      state.failed++;
      return Promise.reject(new StoreError('WriteFailed', 'write failed (injected)'));
    }
    return real(facts, extra);
  };
  return state;
}

// Hostile bytes: each is refused by the strict decoder before anything is allocated or recursed into.

/** `depth` nested one-item arrays around an empty one: 0x81 × depth, 0x80. */
export function deepArray(depth: number): Uint8Array {
  const out = new Uint8Array(depth + 1).fill(0x81);
  out[depth] = 0x80;
  return out;
}

/** The 11-byte map {"/": 1, "bytes": 1}: the shape of an IPLD link, which dag-cbor decoders turn into a CID. */
export const CID_LIKE_MAP = Uint8Array.of(0xa2, 0x61, 0x2f, 0x01, 0x65, 0x62, 0x79, 0x74, 0x65, 0x73, 0x01);

/** A tag-42 CID (what dag-cbor writes for a link), followed by a 37-byte CID of nothing in particular. */
export const TAG42_CID = Uint8Array.of(0xd8, 0x2a, 0x58, 0x25, 0x00, 0x01, 0x71, 0x12, 0x20, ...new Uint8Array(32).fill(7));

/** Heads declaring far more than the bytes that follow: byte string of 2^53 − 1, array and map of 2^32 − 1, text of 2^40. */
export const HUGE_LENGTHS: readonly Uint8Array[] = [
  Uint8Array.of(0x5b, 0x00, 0x1f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00),
  Uint8Array.of(0x9a, 0xff, 0xff, 0xff, 0xff, 0x00),
  Uint8Array.of(0xba, 0xff, 0xff, 0xff, 0xff, 0x61, 0x61, 0x00),
  Uint8Array.of(0x7b, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x61),
  // A length beyond 2^53: not even a safe integer.
  Uint8Array.of(0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x00),
];

function indexOf(hay: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= hay.length; i++) {
    for (let j = 0; j < needle.length; j++) if (hay[i + j] !== needle[j]) continue outer;
    return i;
  }
  throw new Error('pattern not found');
}

/** A signed fact's bytes with one small integer (its time's `logical`, < 24) written in the 2-byte form. */
export function nonMinimalInt(fact: Uint8Array): Uint8Array {
  const key = Uint8Array.of(0x67, ...utf8.encode('logical'));
  const at = indexOf(fact, key) + key.length;
  if (fact[at]! >= 24) throw new Error('logical must be a one-byte integer');
  return Uint8Array.of(...fact.subarray(0, at), 0x18, fact[at]!, ...fact.subarray(at + 1));
}

/** A signed fact's bytes with the length of its `kind` text (< 24) written in the 2-byte form. */
export function nonMinimalLength(fact: Uint8Array): Uint8Array {
  const key = Uint8Array.of(0x64, ...utf8.encode('kind'));
  const at = indexOf(fact, key) + key.length;
  const head = fact[at]!;
  if (head >> 5 !== 3 || (head & 0x1f) >= 24) throw new Error('kind must be a short text');
  return Uint8Array.of(...fact.subarray(0, at), 0x78, head & 0x1f, ...fact.subarray(at + 1));
}

/** A fact whose signature is whatever `signer` makes of its signing bytes, for any device id (crafted keys). */
export function forgeFact<K extends FactKind>(
  draft: { ns: Namespace; kind: K; author: AuthorityId; device: DeviceId; time: Hlc; body: BodyOf<K> },
  signer: (message: Uint8Array) => Uint8Array,
): ValidatedFact<K> {
  const unsigned = { v: FACT_VERSION, ns: draft.ns, kind: draft.kind, author: draft.author, device: draft.device, time: draft.time, body: draft.body } as const;
  const fact = { ...unsigned, sig: signer(signingBytes(unsigned)) };
  const bytes = encodeCanonical(fact).slice();
  return { id: cidOf(bytes), fact, bytes };
}
