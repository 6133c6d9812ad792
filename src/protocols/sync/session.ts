import type { ContextId, DeviceId } from '../../core/ids.ts';
import { DEFAULT_MAX_MESSAGES, Reconciler, respond, SyncProtocolError, type SyncErrorCode, type SyncOptions } from '../../core/sync/index.ts';
import { MAX_FRAME_BYTES, type FrameChannel } from '../../net/frame-channel.ts';
import { BudgetExhausted, ChargedChannel, FREE, NO_CONTEXT, type Charge } from './charge.ts';
import { nextFrame, packBytes, REC_FRAME_OVERHEAD, sendFrame, SyncFrameError, type SyncFrame } from './frames.ts';
import { fetchSnapshot, serveSnapshot, servesSnapshots } from './snapshot-transfer.ts';
import type { SyncHost } from './sync-host.ts';
import { claimed, peerRefusal, refusedBy, selfRefusal, versionFrame, type VersionFailure, type VersionRefusal } from './version-gate.ts';
import { versionToWire } from '../../core/version.ts';

export interface SyncOutcome {
  readonly context: ContextId;
  readonly peer: DeviceId;
  /** Reconciled, and every fact we pushed is stored by the peer: evidence that it holds what we had. */
  readonly ok: boolean;
  readonly error?: string;
  /**
   * Why it failed. `Denied`: the peer does not hold this context (an observer on its topic, say); `Busy`: the
   * peer's rate limit, and `Budget`: our budget for sync frames — both to try again at `retryAt`, no fault
   * of the peer's; `NotStored`: the peer held or refused some of our own facts we pushed.
   */
  readonly failure?: SyncFailure;
  /** When a `Busy` or `Budget` session may be tried again (ms, our clock). */
  readonly retryAt?: number;
  /** Facts fetched, and of those, how many we could not store yet (held) or at all (refused). */
  readonly factsIn: number;
  readonly factsHeld: number;
  readonly factsRefused: number;
  /** Facts pushed that the peer stored, and those it held or refused. */
  readonly factsOut: number;
  readonly factsNotStored: number;
  readonly bytesIn: number;
  readonly bytesOut: number;
  readonly rounds: number;
  readonly ms: number;
  /** When the session began: a success proves the peer holds everything we had at that moment. */
  readonly startedAt: number;
}

export interface ServeOutcome {
  readonly ok: boolean;
  /** The context a completed session reconciled. */
  readonly context?: ContextId;
  readonly error?: string;
  readonly failure?: SyncFailure;
}

/** Whether the responder serves a session now: a rate limit names the ms the initiator should wait. */
export type Admission = { readonly ok: true } | { readonly ok: false; readonly retryAfter: number };

export interface InitiateOptions {
  /** (done, total) of the fact transfer, for the UI's progress bar. */
  readonly onProgress?: (done: number, total: number) => void;
  readonly charge?: Charge;
  /** Ends the session (its channel closes) when aborted. */
  readonly signal?: AbortSignal;
}

export interface ServeOptions {
  readonly charge?: Charge;
  /** Asked once `open` names a context we serve the peer in; a refusal is answered `busy`. */
  readonly admit?: (context: ContextId) => Admission;
}

/** Keys one `ackreq` frame carries (8 KiB); what is left is asked for in the next session. */
const MAX_ACK_REQUEST = 1024;

/** Ends a session that goes nowhere: a misbehaving peer cannot keep us reconciling forever. */
const MAX_ROUNDS = 64;

/** Why a session failed, for the metrics: the typed code when the peer's bytes were refused. */
export type SyncFailure = SyncErrorCode | SyncFrameError['code'] | BudgetExhausted['code'] | VersionFailure | 'Denied' | 'Busy' | 'NotStored' | 'Error';

function failureOf(e: unknown): SyncFailure {
  return e instanceof SyncProtocolError || e instanceof SyncFrameError || e instanceof BudgetExhausted ? e.code : 'Error';
}

const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));


/** Both sides reconcile with messages that fit a `rec` frame. */
const OPTIONS: SyncOptions = { frameLimit: MAX_FRAME_BYTES - REC_FRAME_OVERHEAD, maxMessages: DEFAULT_MAX_MESSAGES };

/** Byte strings as `facts` or `acks` frames, each under the limit, the last marked; one empty frame if none. */
async function sendBatches(ch: FrameChannel, t: 'facts' | 'acks', items: readonly Uint8Array[]): Promise<void> {
  const groups = packBytes(items);
  if (groups.length === 0) groups.push([]);
  for (let i = 0; i < groups.length; i++) {
    const more = i < groups.length - 1;
    await sendFrame(ch, t === 'facts' ? { t, f: groups[i]!, more } : { t, a: groups[i]!, more });
  }
}

/** Reads `facts` or `acks` frames up to the last, handing each batch on. */
async function receiveBatches(ch: FrameChannel, t: 'facts' | 'acks', take: (batch: readonly Uint8Array[]) => Promise<void>): Promise<void> {
  for (;;) {
    const got = await nextFrame(ch);
    if (got.t !== t) throw new SyncFrameError('Unexpected', `expected ${t}, got ${got.t}`);
    await take(got.t === 'facts' ? got.f : got.a);
    if (!got.more) return;
  }
}

/** One round: its messages as `rec` frames, the last one marked. */
async function sendRound(ch: FrameChannel, round: readonly Uint8Array[]): Promise<void> {
  for (let k = 0; k < round.length; k++) await sendFrame(ch, { t: 'rec', m: round[k]!, last: k === round.length - 1 });
}

/** Reads `rec` frames up to the marked one; a round longer than the limit ends the session. */
async function receiveRound(ch: FrameChannel, first?: SyncFrame): Promise<Uint8Array[]> {
  const round: Uint8Array[] = [];
  for (let f = first ?? (await nextFrame(ch)); ; f = await nextFrame(ch)) {
    if (f.t !== 'rec') throw new SyncFrameError('Unexpected', `expected rec, got ${f.t}`);
    round.push(f.m);
    if (f.last) return round;
    if (round.length >= DEFAULT_MAX_MESSAGES) throw new SyncFrameError('TooLarge', 'round longer than the message limit');
  }
}

/**
 * One reconciliation with a peer for one context, as initiator: range-based set reconciliation until both
 * sides know the difference, then the missing facts both ways in bounded frames. Every frame is charged
 * before it is sent; given an opener, the stream is opened once the first frame is paid for. Never throws.
 */
export async function initiateSync(
  host: SyncHost,
  channel: FrameChannel | (() => Promise<FrameChannel>),
  context: ContextId,
  peer: DeviceId,
  now: () => number,
  opts: InitiateOptions = {},
): Promise<SyncOutcome> {
  const ch = new ChargedChannel(channel, peer, context, opts.charge ?? FREE);
  opts.signal?.addEventListener('abort', () => void ch.close());
  const onProgress = opts.onProgress ?? (() => {});
  const started = now();
  let rounds = 0;
  let factsIn = 0;
  let factsHeld = 0;
  let factsRefused = 0;
  let factsOut = 0;
  let factsNotStored = 0;
  const outcome = (ok: boolean, error?: string, failure?: SyncFailure, retryAt?: number): SyncOutcome => ({
    context,
    peer,
    ok,
    ...(error === undefined ? {} : { error }),
    ...(failure === undefined ? {} : { failure }),
    ...(retryAt === undefined ? {} : { retryAt }),
    factsIn,
    factsHeld,
    factsRefused,
    factsOut,
    factsNotStored,
    bytesIn: ch.stats.bytesIn,
    bytesOut: ch.stats.bytesOut,
    rounds,
    ms: now() - started,
    startedAt: started,
  });
  const refused = (r: VersionRefusal): SyncOutcome => {
    host.refusedVersion(peer, r.failure);
    return outcome(false, r.error, r.failure);
  };
  try {
    const topic = host.topicOf(context);
    const proof = host.openProof(context, peer);
    if (!topic || !proof) return outcome(false, 'unknown context', 'Error');
    const self = selfRefusal(host);
    if (self) return refused(self);
    await sendFrame(ch, { t: 'open', topic, proof, ver: versionToWire(host.version()) });
    const opened = await nextFrame(ch);
    if (opened.t === 'deny') return outcome(false, 'denied', 'Denied');
    if (opened.t === 'busy') return outcome(false, `Busy: try again in ${opened.retry} ms`, 'Busy', now() + opened.retry);
    if (opened.t === 'version') return refused(refusedBy(host, peer, opened));
    if (opened.t !== 'ok') throw new SyncFrameError('Unexpected', `expected ok, got ${opened.t}`);
    const theirs = claimed(opened);
    const old = peerRefusal(host, peer, theirs);
    if (old) return refused(old);
    const rec = new Reconciler(host.items(context), OPTIONS);
    const have: Uint8Array[] = [];
    const need: Uint8Array[] = [];
    let round: Uint8Array[] | null = rec.initiate();
    while (round !== null) {
      if (++rounds > MAX_ROUNDS) throw new SyncFrameError('Unexpected', 'too many rounds');
      await sendRound(ch, round);
      const r = rec.reconcile(await receiveRound(ch));
      have.push(...r.have);
      need.push(...r.need);
      round = r.next;
    }
    const total = have.length + need.length;
    for (const keys of packBytes(need)) {
      await sendFrame(ch, { t: 'get', keys });
      await receiveBatches(ch, 'facts', async (f) => {
        const r = await host.ingest(context, f);
        factsIn += f.length;
        factsHeld += r.held;
        factsRefused += r.refused;
        onProgress(factsIn + factsOut, total);
      });
    }
    // Only a push of our own facts stored whole is evidence; the peer says what became of each batch. A
    // relayed fact it holds or refuses (future-stamped, say) is its call, counted but not a failure.
    const push = host.pushBytes(context, have);
    let partial = 0;
    for (const [ours, batches] of [[true, packBytes(push.ours)], [false, packBytes(push.relayed)]] as const) {
      for (const f of batches) {
        await sendFrame(ch, { t: 'put', f });
        const ack = await nextFrame(ch);
        if (ack.t !== 'ok' && ack.t !== 'partial') throw new SyncFrameError('Unexpected', `expected ok, got ${ack.t}`);
        const stored = ack.t === 'ok' ? f.length : Math.min(ack.stored, f.length);
        if (ours && stored < f.length) partial++;
        factsOut += stored;
        factsNotStored += f.length - stored;
        onProgress(factsIn + factsOut, total);
      }
    }
    // Acks travel by gossip; one that never reached us (we were away) is asked for here, where it is owed.
    const wanted = host.wantedAcks(context, peer).slice(0, MAX_ACK_REQUEST);
    if (wanted.length > 0) {
      await sendFrame(ch, { t: 'ackreq', keys: wanted });
      await receiveBatches(ch, 'acks', (a) => host.receiveAcks(context, a));
    }
    // The facts above may have brought a snapshot's completion: its blob, if we cannot build it, comes last.
    if (servesSnapshots(theirs)) await fetchSnapshot(ch, host, context);
    await sendFrame(ch, { t: 'bye' });
    return partial === 0 ? outcome(true) : outcome(false, `NotStored: ${partial} batches of our facts not stored whole`, 'NotStored');
  } catch (e) {
    return outcome(false, messageOf(e), failureOf(e), e instanceof BudgetExhausted ? e.resumeAt : undefined);
  } finally {
    await ch.close().catch(() => undefined);
  }
}

/**
 * Serves one session as responder. Stateless between rounds: every reply follows from the round and the
 * journal. Only member devices of the context, or devices proving they hold its secret, are served, and
 * only when `admit` lets them; any malformed or unexpected frame ends it. Every frame is charged before it
 * is sent.
 */
export async function serveSync(host: SyncHost, channel: FrameChannel, peer: DeviceId, opts: ServeOptions = {}): Promise<ServeOutcome> {
  const ch = new ChargedChannel(channel, peer, NO_CONTEXT, opts.charge ?? FREE);
  try {
    const open = await nextFrame(ch);
    if (open.t !== 'open') throw new SyncFrameError('Unexpected', `expected open, got ${open.t}`);
    const context = host.contextOfTopic(open.topic);
    if (context !== undefined) ch.context = context;
    if (context === undefined || (channel.context !== undefined && channel.context !== context) || !host.mayServe(context, peer, open.proof)) {
      await sendFrame(ch, { t: 'deny' });
      return { ok: false, error: 'denied', failure: 'Denied' };
    }
    // Versions only once the peer proved it may be served: nobody else learns what we run or require.
    const gate = selfRefusal(host) ?? peerRefusal(host, peer, claimed(open));
    if (gate) {
      host.refusedVersion(peer, gate.failure);
      await sendFrame(ch, versionFrame(host));
      return { ok: false, error: gate.error, failure: gate.failure };
    }
    const admitted = opts.admit?.(context) ?? { ok: true };
    if (!admitted.ok) {
      await sendFrame(ch, { t: 'busy', retry: admitted.retryAfter });
      return { ok: false, error: 'busy', failure: 'Busy' };
    }
    await sendFrame(ch, { t: 'ok', ver: versionToWire(host.version()) });
    for (let frames = 0; ; frames++) {
      if (frames > 4 * MAX_ROUNDS + 10_000) throw new SyncFrameError('Unexpected', 'session too long');
      const f = await nextFrame(ch);
      switch (f.t) {
        case 'rec':
          await sendRound(ch, respond(host.items(context), await receiveRound(ch, f), OPTIONS));
          break;
        case 'get': {
          const items = host.items(context);
          await sendBatches(ch, 'facts', host.factBytes(context, f.keys.flatMap((k) => items.idsWithKey(k))));
          break;
        }
        case 'ackreq':
          await sendBatches(ch, 'acks', await host.acksFor(context, f.keys));
          break;
        case 'put': {
          const r = await host.ingest(context, f.f);
          await sendFrame(ch, r.stored === f.f.length ? { t: 'ok' } : { t: 'partial', stored: r.stored, held: r.held, refused: r.refused });
          break;
        }
        case 'snapreq':
          await serveSnapshot(ch, host, context, f.cid, f.from);
          break;
        case 'bye':
          return { ok: true, context };
        default:
          throw new SyncFrameError('Unexpected', `unexpected ${f.t}`);
      }
    }
  } catch (e) {
    return { ok: false, error: messageOf(e), failure: failureOf(e) };
  } finally {
    await ch.close().catch(() => undefined);
  }
}
