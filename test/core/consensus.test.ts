import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { newInstance, step, type ConsensusEffect, type ConsensusEvent, type ConsensusInstance, type ShareMsg, type SigningSession } from '../../src/core/consensus/instance.ts';
import { DEFAULT_FALLBACK_MS, fallbackAfterMs, MAX_FALLBACK_MS, MIN_FALLBACK_MS } from '../../src/core/consensus/timing.ts';
import { approveSigning, WitnessError, type SignedLedger } from '../../src/core/consensus/witness.ts';

const CID = 'cid-1';
const PRESTATE = 'prestate-hash';
const T_FALLBACK = 100;

/** A deterministic PRNG for schedules, seeded by fast-check. */
function prng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 2 ** 32;
  };
}

type Msg =
  | { to: string; kind: 'execute'; from: string; result: string; session: SigningSession }
  | { to: string; kind: 'share'; msg: ShareMsg }
  | { to: string; kind: 'commit'; result: string };

interface World {
  readonly instances: Map<string, ConsensusInstance>;
  readonly ledgers: Map<string, SignedLedger>;
  readonly queue: Msg[];
  readonly aggregates: { at: string; result: string; shares: readonly ShareMsg[]; knownEquivocators: readonly string[] }[];
  readonly equivocationsSeen: Map<string, Set<string>>;
  now: number;
  /** The time of the first aggregation anywhere. */
  firstCommitAt: number | null;
}

/**
 * Witnesses w0…w(n−1); the first f equivocate (they sign whatever they are asked, for every proposer);
 * `silent` ones never answer. Proposers run instances too; every participant aggregates when it can and
 * publishes the commit to everyone.
 */
function world(n: number, t: number, proposers: readonly string[]): World {
  const witnesses = Array.from({ length: n }, (_, k) => `w${k}`);
  const w: World = { instances: new Map(), ledgers: new Map(), queue: [], aggregates: [], equivocationsSeen: new Map(), now: 0, firstCommitAt: null };
  for (const p of [...witnesses, ...proposers]) {
    w.instances.set(p, step(newInstance(CID, PRESTATE, { witnesses, threshold: t }, T_FALLBACK), { t: 'start', now: 0 }).state);
    w.ledgers.set(p, new Map());
  }
  return w;
}

function apply(w: World, at: string, e: ConsensusEvent, everyone: readonly string[]): ConsensusEffect[] {
  const r = step(w.instances.get(at)!, e);
  w.instances.set(at, r.state);
  for (const fx of r.effects) {
    if (fx.t === 'aggregate') {
      expect(fx.shares.map((x) => x.witness)).toEqual(fx.session.signers);
      expect(fx.session.signers.length).toBeGreaterThanOrEqual(r.state.set.threshold);
      w.firstCommitAt ??= w.now;
      w.aggregates.push({ at, result: fx.result, shares: fx.shares, knownEquivocators: [...r.state.equivocations.keys()] });
      for (const to of everyone) w.queue.push({ to, kind: 'commit', result: fx.result });
    }
    if (fx.t === 'equivocation') {
      const seen = w.equivocationsSeen.get(at) ?? new Set();
      w.equivocationsSeen.set(at, seen.add(fx.evidence.witness));
    }
  }
  return r.effects;
}

interface Scenario {
  readonly n: number;
  readonly t: number;
  readonly f: number;
  readonly silent: readonly string[];
  /** Each proposer's fast-path session: the first t witnesses, or with `last`, the last t. */
  readonly proposers: readonly { id: string; result: string; last?: boolean }[];
  /** Proposers that stop after sending Execute (they never aggregate). */
  readonly crashedProposers?: readonly string[];
  readonly seed: number;
}

/** Runs the scenario to quiescence under a random delivery order, with time advancing now and then. */
function run(sc: Scenario): World {
  const rnd = prng(sc.seed);
  const witnesses = Array.from({ length: sc.n }, (_, k) => `w${k}`);
  const byzantine = new Set(witnesses.slice(0, sc.f));
  const everyone = [...witnesses, ...sc.proposers.map((p) => p.id)];
  const w = world(sc.n, sc.t, sc.proposers.map((p) => p.id));
  const made = new Map<string, ShareMsg[]>();
  for (const p of sc.proposers) {
    const signers = p.last ? witnesses.slice(sc.n - sc.t) : witnesses.slice(0, sc.t);
    const session = { id: `${p.id}-fast`, signers };
    for (const to of signers) w.queue.push({ to, kind: 'execute', from: p.id, result: p.result, session });
  }
  const shareOf = (witness: string, result: string, session: SigningSession): ShareMsg => ({ witness, result, session, share: Uint8Array.of(witness.length, result.length) });
  for (let steps = 0; steps < 20_000; steps++) {
    if (w.queue.length === 0) {
      // Quiet: let time pass; witnesses past T_fallback gossip the shares they made to every participant.
      const live = everyone.filter((id) => !sc.silent.includes(id) && !sc.crashedProposers?.includes(id));
      if (w.now > 10 * T_FALLBACK || live.every((id) => w.instances.get(id)!.phase === 'Committed')) break;
      w.now += T_FALLBACK / 2;
      for (const id of everyone) {
        if (sc.silent.includes(id) || sc.crashedProposers?.includes(id)) continue;
        const fx = apply(w, id, { t: 'tick', now: w.now }, everyone);
        if (fx.some((x) => x.t === 'gossip')) for (const s of made.get(id) ?? []) for (const to of everyone) w.queue.push({ to, kind: 'share', msg: s });
      }
      continue;
    }
    const m = w.queue.splice(Math.floor(rnd() * w.queue.length), 1)[0]!;
    if (sc.silent.includes(m.to) || sc.crashedProposers?.includes(m.to)) continue;
    if (m.kind === 'execute') {
      let share: ShareMsg;
      if (byzantine.has(m.to)) share = shareOf(m.to, m.result, m.session);
      else {
        try {
          w.ledgers.set(m.to, approveSigning(w.ledgers.get(m.to)!, CID, PRESTATE, PRESTATE, m.result));
        } catch (e) {
          expect(e).toBeInstanceOf(WitnessError);
          continue;
        }
        share = shareOf(m.to, m.result, m.session);
      }
      made.set(m.to, [...(made.get(m.to) ?? []), share]);
      w.queue.push({ to: m.from, kind: 'share', msg: share });
      // A witness also counts its own share, so it can aggregate in fallback.
      apply(w, m.to, { t: 'share', msg: share }, everyone);
    } else if (m.kind === 'share') apply(w, m.to, { t: 'share', msg: m.msg }, everyone);
    else apply(w, m.to, { t: 'commit', result: m.result }, everyone);
  }
  return w;
}

/** (n, t, f) with f < t and 2t > n + f: any two quorums share an honest witness. */
const safeSizes = fc
  .integer({ min: 2, max: 8 })
  .chain((n) => fc.integer({ min: 0, max: n - 1 }).chain((f) => fc.integer({ min: Math.max(f + 1, Math.floor((n + f) / 2) + 1), max: n }).map((t) => ({ n, t, f }))))
  .filter(({ n, t, f }) => t <= n && f < t && 2 * t > n + f);

describe('Aura Consensus instance', () => {
  it('fast path: every witness online, one proposer — committed without any timeout, from exactly t shares', () => {
    const w = run({ n: 5, t: 3, f: 0, silent: [], proposers: [{ id: 'p', result: 'A' }], seed: 7 });
    expect(w.firstCommitAt).toBe(0);
    expect(w.now).toBe(0);
    expect(w.instances.get('p')!.phase).toBe('Committed');
    expect(w.aggregates.find((a) => a.at === 'p')!.shares.map((s) => s.witness)).toHaveLength(3);
    for (const inst of w.instances.values()) expect(inst.committed).toBe('A');
  });

  it('fallback: the proposer crashes after Execute and one witness is silent — the witnesses gossip and commit', () => {
    const w = run({ n: 4, t: 3, f: 0, silent: ['w3'], proposers: [{ id: 'p', result: 'A' }], crashedProposers: ['p'], seed: 3 });
    expect(w.firstCommitAt).toBeGreaterThanOrEqual(T_FALLBACK);
    for (const id of ['w0', 'w1', 'w2']) {
      expect(w.instances.get(id)!.committed).toBe('A');
      expect(w.instances.get(id)!.phase).toBe('Committed');
    }
    expect(w.aggregates.every((a) => a.at !== 'p')).toBe(true);
  });

  it('an equivocating witness is detected with both shares, excluded, and never counted twice', () => {
    const w = run({ n: 3, t: 3, f: 1, silent: [], proposers: [{ id: 'p', result: 'A' }, { id: 'q', result: 'B', last: true }], seed: 11 });
    const seenBy = [...w.equivocationsSeen].filter(([, s]) => s.has('w0')).map(([at]) => at);
    expect(seenBy.length).toBeGreaterThan(0);
    for (const at of seenBy) {
      const inst = w.instances.get(at)!;
      expect(inst.shares.has('w0')).toBe(false);
      const ev = inst.equivocations.get('w0')!;
      expect(ev.first.result).not.toBe(ev.second.result);
    }
  });

  it('at most one commit per (cid, prestate) under 1 000 random schedules with equivocators and racing proposers', () => {
    fc.assert(
      fc.property(safeSizes, fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.boolean(), ({ n, t, f }, seed, silentOne) => {
        const silent = silentOne && n - 1 > f ? [`w${n - 1}`] : [];
        const w = run({ n, t, f, silent, proposers: [{ id: 'p', result: 'A' }, { id: 'q', result: 'B', last: true }], seed });
        const results = new Set(w.aggregates.map((a) => a.result));
        expect(results.size).toBeLessThanOrEqual(1);
        for (const inst of w.instances.values()) {
          expect(inst.conflict).toBeNull();
          if (inst.committed !== null) expect(results.has(inst.committed)).toBe(true);
          expect(inst.phase === 'Committed').toBe(inst.committed !== null);
        }
        for (const a of w.aggregates) {
          const signers = a.shares.map((s) => s.witness);
          expect(new Set(signers).size).toBe(t);
          expect(a.shares.every((x) => x.result === a.result)).toBe(true);
          for (const s of signers) expect(a.knownEquivocators).not.toContain(s);
        }
      }),
      { numRuns: 1_000 },
    );
  });

  it('a commit is final: a later commit with another result is a recorded conflict, never adopted', () => {
    let s = newInstance(CID, PRESTATE, { witnesses: ['a', 'b', 'c'], threshold: 2 }, T_FALLBACK);
    s = step(s, { t: 'commit', result: 'A' }).state;
    s = step(s, { t: 'commit', result: 'B' }).state;
    expect([s.phase, s.committed, s.conflict]).toEqual(['Committed', 'A', 'B']);
    s = step(s, { t: 'fail', reason: 'timeout' }).state;
    expect(s.phase).toBe('Committed');
    expect(() => newInstance(CID, PRESTATE, { witnesses: ['a', 'b'], threshold: 3 }, T_FALLBACK)).toThrow(RangeError);
  });

  it('shares count only within their signing session: a malformed session is ignored; the fast path and a fallback session are two', () => {
    let s = step(newInstance(CID, PRESTATE, { witnesses: ['a', 'b', 'c'], threshold: 2 }, T_FALLBACK), { t: 'start', now: 0 }).state;
    const share = (witness: string, signers: string[], id = 'x'): ShareMsg => ({ witness, result: 'A', session: { id, signers }, share: new Uint8Array(1) });
    for (const bad of [share('a', ['a']), share('a', ['b', 'c']), share('a', ['b', 'a']), share('a', ['a', 'z']), share('z', ['a', 'z'])]) {
      expect(step(s, { t: 'share', msg: bad }).state).toBe(s);
    }
    s = step(s, { t: 'share', msg: share('a', ['a', 'b'], 'fast') }).state;
    // b's share in another session does not complete the fast one…
    const other = step(s, { t: 'share', msg: share('b', ['b', 'c'], 'fallback') });
    expect(other.effects).toEqual([]);
    // …its share in the fast session does, and signing one result in two sessions is no equivocation.
    const done = step(other.state, { t: 'share', msg: share('b', ['a', 'b'], 'fast') });
    expect(done.effects.map((e) => e.t)).toEqual(['aggregate']);
    expect(done.state.equivocations.size).toBe(0);
  });

  it('an honest witness signs one result per (cid, prestate), again on retransmission, and only on its prestate', () => {
    let ledger: SignedLedger = new Map();
    ledger = approveSigning(ledger, CID, PRESTATE, PRESTATE, 'A');
    expect(approveSigning(ledger, CID, PRESTATE, PRESTATE, 'A')).toBe(ledger);
    expect(() => approveSigning(ledger, CID, PRESTATE, PRESTATE, 'B')).toThrow(expect.objectContaining({ code: 'AlreadySigned' }));
    expect(() => approveSigning(ledger, CID, 'other', PRESTATE, 'A')).toThrow(expect.objectContaining({ code: 'WrongPrestate' }));
    expect(approveSigning(ledger, 'cid-2', PRESTATE, PRESTATE, 'B').size).toBe(2);
  });
});

describe('T_fallback', () => {
  it('is 2.5 × the median measured round trip, within bounds; the default before any sample', () => {
    expect(fallbackAfterMs([])).toBe(DEFAULT_FALLBACK_MS);
    expect(fallbackAfterMs([400, 100, 200])).toBe(500);
    expect(fallbackAfterMs([1])).toBe(MIN_FALLBACK_MS);
    expect(fallbackAfterMs([60_000])).toBe(MAX_FALLBACK_MS);
    expect(fallbackAfterMs([NaN, -5, Infinity, 300])).toBe(750);
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 100_000 }), { maxLength: 50 }), (xs) => {
        const t = fallbackAfterMs(xs);
        expect(Number.isSafeInteger(t) && t >= MIN_FALLBACK_MS && t <= MAX_FALLBACK_MS).toBe(true);
        expect(fallbackAfterMs([...xs].reverse())).toBe(t);
      }),
    );
  });
});
