import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ItemSet, Reconciler, respond, SyncProtocolError, type SyncItem, type SyncOptions } from '../../src/core/sync/index.ts';

const item = (k: number, time: number): SyncItem => ({ time, id: sha256(new TextEncoder().encode(`wire-${k}`)) });
const A = ItemSet.from(Array.from({ length: 3000 }, (_, k) => item(k, 1_000 + (k >> 1))).filter((_, k) => k % 97 !== 0));
const B = ItemSet.from(Array.from({ length: 3000 }, (_, k) => item(k, 1_000 + (k >> 1))).filter((_, k) => k % 89 !== 0));
const SMALL: SyncOptions = { frameLimit: 512 };

/** Real traffic of one session: the initiator's messages and the responder's replies, in order. */
function traffic(opts?: SyncOptions): { queries: Uint8Array[]; replies: Uint8Array[] } {
  const r = new Reconciler(A, opts);
  const queries: Uint8Array[] = [];
  const replies: Uint8Array[] = [];
  let msg: Uint8Array | null = r.initiate();
  while (msg) {
    queries.push(msg);
    const reply = respond(B, msg, opts);
    replies.push(reply);
    msg = r.reconcile(reply).next;
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
function finish(r: Reconciler, reply: Uint8Array, opts?: SyncOptions): void {
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
        const m = versioned && bytes.length > 0 ? Uint8Array.from([1, ...bytes.subarray(1)]) : bytes;
        typedOrOk(() => respond(B, m));
        typedOrOk(() => finish(initiator(), m));
      }),
      { numRuns: 1000 },
    );
  });

  it('mutations of real messages (flipped bits, truncation, inserted and deleted bytes)', () => {
    fc.assert(
      fc.property(fc.nat(), fc.array(mutation, { minLength: 1, maxLength: 3 }), fc.boolean(), (pick, ms, small) => {
        const { queries, replies } = small ? REAL_SMALL : REAL;
        const opts = small ? SMALL : undefined;
        const q = mutate(queries[pick % queries.length]!, ms);
        typedOrOk(() => {
          const out = respond(B, q, opts);
          expect(out.length).toBeLessThanOrEqual(opts?.frameLimit ?? 16384);
        });
        typedOrOk(() => finish(initiator(opts), mutate(replies[0]!, ms), opts));
      }),
      { numRuns: 500 },
    );
  });

  it('says which rule was broken', () => {
    const fp = new Array(16).fill(7);
    const id = (k: number) => [...item(k, 0).id];
    const [lo, hi] = [id(1), id(2)].sort((x, y) => x[0]! - y[0]! || x[1]! - y[1]!) as [number[], number[]];
    expect(code(() => respond(B, new Uint8Array(0)))).toBe('Malformed');
    expect(code(() => respond(B, Uint8Array.of(2)))).toBe('UnsupportedVersion');
    expect(code(() => respond(B, new Uint8Array(16385).fill(1)))).toBe('TooLarge');
    expect(code(() => respond(B, new Uint8Array(600).fill(1), SMALL))).toBe('TooLarge');
    expect(code(() => respond(B, Uint8Array.of(1)))).toBeUndefined(); // nothing to do is a valid message
    expect(code(() => respond(B, Uint8Array.of(1, 0, 1, ...fp)))).toBeUndefined(); // Fingerprint of everything
    expect(code(() => respond(B, Uint8Array.of(1, 0, 1, ...fp.slice(1))))).toBe('Malformed'); // truncated
    expect(code(() => respond(B, Uint8Array.of(1, 0x80, 0, 1, ...fp)))).toBe('Malformed'); // non-minimal varint
    expect(code(() => respond(B, Uint8Array.of(1, 0, 1 + 8, 5, ...fp)))).toBe('Malformed'); // prefix at infinity
    expect(code(() => respond(B, Uint8Array.of(1, 9, 1 + 8 * 2, 5, 0, ...fp)))).toBe('Malformed'); // prefix ends in 0
    expect(code(() => respond(B, Uint8Array.of(1, 9, 1 + 8 * 33, 2, ...new Array(33).fill(1), ...fp)))).toBe('Malformed'); // prefix > 32
    expect(code(() => respond(B, Uint8Array.of(1, 9, 0, 1, 0, 0, 1, ...fp)))).toBe('Malformed'); // two Skips
    expect(code(() => respond(B, Uint8Array.of(1, 9, 1, ...fp, 1, 0)))).toBe('Malformed'); // ends with a Skip
    expect(code(() => respond(B, Uint8Array.of(1, 9, 1, ...fp, 1, 1, ...fp)))).toBe('Malformed'); // time 8, then 8 again: not increasing
    expect(code(() => respond(B, Uint8Array.of(1, 9, 1, ...fp, 9, 1, ...fp, 0, 1, ...fp)))).toBeUndefined();
    expect(code(() => respond(B, Uint8Array.of(1, 0, 1, ...fp, 0, 1, ...fp)))).toBe('Malformed'); // range after infinity
    expect(code(() => respond(B, Uint8Array.of(1, 9, 4, ...fp)))).toBe('Malformed'); // Continue below infinity
    expect(code(() => respond(B, Uint8Array.of(1, 0, 3, 0, 0)))).toBe('Malformed'); // IdListReply from the initiator
    expect(code(() => respond(B, Uint8Array.of(1, 0, 6, ...id(1))))).toBe('Malformed'); // Mine from the initiator
    expect(code(() => respond(B, Uint8Array.of(1, 0, 2, 2, ...hi, ...lo)))).toBe('Malformed'); // ids out of order
    expect(code(() => respond(B, Uint8Array.of(1, 0, 2, 2, ...lo, ...lo)))).toBe('Malformed'); // repeated id
    expect(code(() => respond(B, Uint8Array.of(1, 0, 2, 2, ...lo, ...hi)))).toBeUndefined();
    expect(code(() => respond(B, Uint8Array.of(1, 0, 2, 0x80, 0x80, 0x80, 0x01)))).toBe('Malformed'); // list longer than message
    const big = [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]; // time code 2^53 − 1
    expect(code(() => respond(B, Uint8Array.of(1, ...big, 1, ...fp)))).toBeUndefined(); // time 2^53 − 2, the last item time
    expect(code(() => respond(B, Uint8Array.of(1, 2, 1, ...fp, ...big, 1, ...fp)))).toBe('Malformed'); // 1 + that: past it
    expect(code(() => respond(B, Uint8Array.of(1, ...big.slice(0, 7), 0x10, 1, ...fp)))).toBe('Malformed'); // varint > 2^53
    const r = initiator();
    expect(code(() => r.reconcile(Uint8Array.of(1, 0, 5, 0, ...new Array(32).fill(0))))).toBe('Malformed'); // Sum from the responder
    expect(code(() => initiator().reconcile(Uint8Array.of(1, 0, 3, 0, 9, 0xff, 0x03)))).toBe('Malformed'); // bitfield padding
    expect(code(() => initiator().reconcile(Uint8Array.of(1, 0, 3, 0, 9, 0xff, 0x01)))).toBeUndefined();
  });

  it('a responder that never lets the session end is cut off with TooManyRounds', () => {
    const stubborn = Uint8Array.of(1, 0, 1, ...new Array(16).fill(0xab)); // "everything differs", forever
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
      expect(rounds).toBeLessThanOrEqual(opts?.maxRounds !== undefined ? 4 : 32 + Math.ceil((A.size * 128) / (opts?.frameLimit ?? 16384)) + 1);
    }
  });

  it('the responder keeps no state: the same message gets the same reply, whatever came before', () => {
    const { queries } = REAL_SMALL;
    const first = queries.map((q) => respond(B, q, SMALL));
    const again = [...queries].reverse().map((q) => respond(B, q, SMALL)).reverse();
    expect(again).toEqual(first);
  });
});
