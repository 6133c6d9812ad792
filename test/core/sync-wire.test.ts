import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemSet, Reconciler, respond, SyncProtocolError, type SyncItem, type SyncOptions } from '../../src/core/sync/index.ts';

const item = (k: number, time: number): SyncItem => ({ time, id: sha256(new TextEncoder().encode(`wire-${k}`)) });
const A = ItemSet.from(Array.from({ length: 3000 }, (_, k) => item(k, 1_000 + (k >> 1))).filter((_, k) => k % 97 !== 0));
const B = ItemSet.from(Array.from({ length: 3000 }, (_, k) => item(k, 1_000 + (k >> 1))).filter((_, k) => k % 89 !== 0));
const SMALL: SyncOptions = { frameLimit: 512 };

/** Real traffic of one session: the initiator's rounds and the responder's replies, in order. */
function traffic(opts?: SyncOptions): { queries: Uint8Array[][]; replies: Uint8Array[][] } {
  const r = new Reconciler(A, opts);
  const queries: Uint8Array[][] = [];
  const replies: Uint8Array[][] = [];
  let round: Uint8Array[] | null = r.initiate();
  while (round) {
    queries.push(round);
    const reply = respond(B, round, opts);
    replies.push(reply);
    round = r.reconcile(reply).next;
  }
  return { queries, replies };
}
const REAL = traffic();
const REAL_SMALL = traffic(SMALL);

/** Either a valid outcome or a typed refusal; anything else (a TypeError, a RangeError…) fails the test. */
function typedOrOk(run: () => unknown): void {
  try {
    run();
  } catch (e) {
    expect(e).toBeInstanceOf(SyncProtocolError);
    expect(['Malformed', 'TooLarge', 'UnsupportedVersion', 'TooManyRounds']).toContain((e as SyncProtocolError).code);
  }
}

function code(run: () => unknown): string | undefined {
  try {
    run();
    return undefined;
  } catch (e) {
    if (e instanceof SyncProtocolError) return e.code;
    throw e;
  }
}

/** A reconciler one message into a session, ready to receive a reply. */
function initiator(opts?: SyncOptions): Reconciler {
  const r = new Reconciler(A, opts);
  r.initiate();
  return r;
}

/** Runs an initiator on from a (possibly corrupted) reply with an honest responder, to the end. */
function finish(r: Reconciler, reply: readonly Uint8Array[], opts?: SyncOptions): void {
  let next = r.reconcile(reply).next;
  while (next) next = r.reconcile(respond(B, next, opts)).next;
}

const mutation = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), bit: fc.nat(7) }),
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), byte: fc.nat(255) }),
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
);
function mutate(m: Uint8Array, ms: ReadonlyArray<{ kind: string; at: number; bit?: number; byte?: number }>): Uint8Array {
  let out = m.slice();
  for (const x of ms) {
    const at = out.length === 0 ? 0 : x.at % out.length;
    if (x.kind === 'flip' && out.length > 0) out[at]! ^= 1 << x.bit!;
    else if (x.kind === 'truncate') out = out.slice(0, at);
    else if (x.kind === 'insert') out = Uint8Array.from([...out.slice(0, at), x.byte!, ...out.slice(at)]);
    else if (x.kind === 'delete') out = Uint8Array.from([...out.slice(0, at), ...out.slice(at + 1)]);
  }
  return out;
}

describe('bad input is refused with a typed SyncProtocolError, never a crash or a hang', () => {
  it('random bytes, to the responder and to the initiator', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), fc.boolean(), (bytes, versioned) => {
        const m = versioned && bytes.length > 0 ? Uint8Array.from([2, ...bytes.subarray(1)]) : bytes;
        typedOrOk(() => respond(B, [m]));
        typedOrOk(() => finish(initiator(), [m]));
      }),
      { numRuns: 1000 },
    );
  });

  it('mutations of real messages (flipped bits, truncation, inserted and deleted bytes)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (pick, at, ms, small) => {
        const { queries, replies } = small ? REAL_SMALL : REAL;
        const opts = small ? SMALL : undefined;
        const round = queries[pick % queries.length]!.slice();
        round[at % round.length] = mutate(round[at % round.length]!, ms);
        typedOrOk(() => {
          for (const m of respond(B, round, opts)) expect(m.length).toBeLessThanOrEqual(opts?.frameLimit ?? 16384);
        });
        const reply = replies[0]!.slice();
        reply[at % reply.length] = mutate(reply[at % reply.length]!, ms);
        typedOrOk(() => finish(initiator(opts), reply, opts));
      }),
      { numRuns: 500 },
    );
  });

  it('says which rule was broken', () => {
    const sum = new Array(8).fill(7);
    const cell = [0, ...sum]; // count 0, then the key sum
    const key = (k: number) => [...item(k, 0).id.subarray(0, 8)];
    const [lo, hi] = [key(1), key(2)].sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!) as [number[], number[]];
    const resp = (...m: number[][]) => code(() => respond(B, m.map((x) => Uint8Array.from(x))));
    const init = (...m: number[][]) => code(() => initiator().reconcile(m.map((x) => Uint8Array.from(x))));
    expect(code(() => respond(B, []))).toBe('Malformed'); // a round of no messages
    expect(resp([])).toBe('Malformed');
    expect(resp([1])).toBe('UnsupportedVersion');
    expect(code(() => respond(B, [new Uint8Array(16385).fill(2)]))).toBe('TooLarge');
    expect(code(() => respond(B, [new Uint8Array(600).fill(2)], SMALL))).toBe('TooLarge');
    expect(code(() => respond(B, Array.from({ length: 65 }, () => Uint8Array.of(2))))).toBe('TooLarge'); // too many messages
    expect(resp([2])).toBeUndefined(); // nothing to do is a valid message
    expect(resp([2, 0, 1, ...cell])).toBeUndefined(); // a Cell of everything
    expect(resp([2, 0, 1, 0, ...sum.slice(1)])).toBe('Malformed'); // truncated
    expect(resp([2, 0x80, 0, 1, ...cell])).toBe('Malformed'); // non-minimal varint
    expect(resp([2, 0, 1 + 8, 5, ...cell])).toBe('Malformed'); // prefix at infinity
    expect(resp([2, 9, 1 + 8 * 2, 5, 0, ...cell])).toBe('Malformed'); // prefix ends in 0
    expect(resp([2, 9, 0x89, 0x02, ...new Array(33).fill(1), ...cell])).toBe('Malformed'); // prefix > 32 bytes
    expect(resp([2, 9, 0, 2, 0, 0, 1, ...cell])).toBe('Malformed'); // two Skips
    expect(resp([2, 9, 1, ...cell, 2, 0])).toBe('Malformed'); // ends with a Skip
    expect(resp([2, 9, 1, ...cell, 1, 1, ...cell])).toBe('Malformed'); // time 8, then 8 again: not increasing
    expect(resp([2, 9, 1, ...cell, 9, 1, ...cell, 0, 1, ...cell])).toBeUndefined();
    expect(resp([2, 0, 1, ...cell, 0, 1, ...cell])).toBe('Malformed'); // range after infinity
    expect(resp([2, 9, 1, ...cell], [2, 5, 1, ...cell])).toBe('Malformed'); // the second message overlaps the first
    expect(resp([2, 9, 1, ...cell], [2, 9, 0, 0, 1, ...cell])).toBeUndefined(); // it starts where the first stopped
    expect(resp([2, 0, 3, 0, 0])).toBe('Malformed'); // IdListReply from the initiator
    expect(resp([2, 0, 4, ...key(1)])).toBe('Malformed'); // Mine from the initiator
    expect(resp([2, 0, 7])).toBe('Malformed'); // Later from the initiator
    expect(resp([2, 0, 2, 2, ...hi, ...lo])).toBe('Malformed'); // keys out of order
    expect(resp([2, 0, 2, 2, ...lo, ...lo])).toBe('Malformed'); // repeated key
    expect(resp([2, 0, 2, 2, ...lo, ...hi])).toBeUndefined();
    expect(resp([2, 0, 2, 0x80, 0x80, 0x80, 0x01])).toBe('Malformed'); // list longer than message
    const big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]; // time code 2^53 − 1
    expect(resp([2, ...big, 1, ...cell])).toBeUndefined(); // time 2^53 − 2, the last item time
    expect(resp([2, 2, 1, ...cell, ...big, 1, ...cell])).toBe('Malformed'); // 1 + that: past it
    expect(resp([2, ...big.slice(0, 7), 0x10, 1, ...cell])).toBe('Malformed'); // varint > 2^53
    expect(init([2, 0, 6, ...key(1)])).toBe('Malformed'); // Need from the responder
    expect(init([2, 9, 7])).toBe('Malformed'); // Later below infinity
    expect(init([2, 0, 7])).toBeUndefined();
    // An initiator of 9 items lists them all in one range, which a list reply may then answer.
    const listing = (...m: number[][]) =>
      code(() => {
        const r = new Reconciler(ItemSet.from(A.slice(0, 9)));
        r.initiate();
        return r.reconcile(m.map((x) => Uint8Array.from(x)));
      });
    expect(listing([2, 0, 3, 0, 9, 0xff, 0x03])).toBe('Malformed'); // bitfield padding
    expect(listing([2, 0, 3, 0, 9, 0xff, 0x01])).toBeUndefined();
    expect(init([2, 0, 3, 0, 9, 0xff, 0x01])).toBe('Malformed'); // a list reply where we sent cells
    expect(init([2, 0, 1, ...cell])).toBe('Malformed'); // a range across the cells we sent
    expect(init([2, 0, 4, ...key(1)])).toBe('Malformed'); // Mine across them
  });

  it('a responder that never lets the session end is cut off with TooManyRounds', () => {
    const stubborn = [Uint8Array.of(2, 0, 7)]; // "ask again from the start", forever
    for (const opts of [undefined, SMALL, { maxRounds: 3 }]) {
      const r = new Reconciler(A, opts);
      r.initiate();
      let rounds = 0;
      const c = code(() => {
        for (;;) {
          rounds++;
          if (r.reconcile(stubborn).next === null) return;
        }
      });
      expect(c).toBe('TooManyRounds');
      expect(rounds).toBeLessThanOrEqual(opts?.maxRounds !== undefined ? 4 : 32 + Math.ceil((A.size * 16 * 2) / (opts?.frameLimit ?? 16384)) + 1);
    }
  });

  it('the responder keeps no state: the same round gets the same reply, whatever came before', () => {
    const { queries } = REAL_SMALL;
    const first = queries.map((q) => respond(B, q, SMALL));
    const again = [...queries].reverse().map((q) => respond(B, q, SMALL)).reverse();
    expect(again).toEqual(first);
  });
});
