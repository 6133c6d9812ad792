import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { ItemSet, Reconciler, respond, SyncProtocolError, type SyncErrorCode, type SyncItem } from '../../src/core/sync/index.ts';
import { resolveOptions } from '../../src/core/sync/options.ts';
import { byteEdits } from '../support/cbor-arbitrary.ts';
import { typedOutcome } from '../support/typed-outcome.ts';

/**
 * Reconciliation messages are not CBOR but varint ranges (src/core/sync/wire.ts). Hostile rounds here are
 * built range by range — any time code, mode and prefix, payloads with any counts, keys and bitfields,
 * varints in long forms — or are real traffic with bytes changed, so they reach past the parser into the
 * responder's and the initiator's handling of what they read.
 */
const CODES: readonly SyncErrorCode[] = ['Malformed', 'TooLarge', 'UnsupportedVersion', 'TooManyRounds'];
const item = (k: number): SyncItem => ({ time: 1_000 + (k >> 2), id: sha256(new TextEncoder().encode(`wire-fuzz-${k}`)) });
const bytes = (round: readonly Uint8Array[]) => round.reduce((n, m) => n + m.length, 0);
const SLACK = 2 * resolveOptions().maxListKeys + 64;
const A = ItemSet.from(Array.from({ length: 400 }, (_, k) => item(k)).filter((_, k) => k % 7 !== 0));
const B = ItemSet.from(Array.from({ length: 400 }, (_, k) => item(k)).filter((_, k) => k % 5 !== 0));

function varint(out: number[], n: number, padded: boolean): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80);
    n = Math.floor(n / 0x80);
  }
  if (padded) out.push(n | 0x80, 0);
  else out.push(n);
}

const count = fc.oneof(fc.nat({ max: 20 }), fc.nat(), fc.constantFrom(2 ** 53 - 1, 2 ** 53, 2 ** 56));
const key = fc.oneof(fc.uint8Array({ minLength: 8, maxLength: 8 }), fc.constantFrom(...A.slice(0, 20).map((x) => x.id.slice(0, 8))));
/** Ranges mostly in canonical order with modes the sender may use, so that many rounds parse and get answered. */
const rangeOf = (modes: readonly number[]) =>
  fc.record({
    time: fc.oneof({ weight: 8, arbitrary: fc.integer({ min: 2, max: 60 }) }, { weight: 1, arbitrary: fc.constantFrom(0, 1, 2 ** 53 - 1, 2 ** 53) }),
    mode: fc.oneof({ weight: 9, arbitrary: fc.constantFrom(...modes) }, { weight: 1, arbitrary: fc.nat({ max: 7 }) }),
    prefix: fc.oneof({ weight: 4, arbitrary: fc.constant(new Uint8Array(0)) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 34 }) }),
    n: count,
    keys: fc.array(key, { maxLength: 6 }),
    sorted: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
    bits: fc.uint8Array({ maxLength: 4 }),
    padded: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  });
type Range = ReturnType<typeof rangeOf> extends fc.Arbitrary<infer R> ? R : never;

function message(version: number, ranges: readonly Range[]): Uint8Array {
  const out = [version];
  for (const r of ranges) {
    varint(out, r.time, r.padded);
    varint(out, r.mode + 8 * r.prefix.length, false);
    out.push(...r.prefix);
    const keys = r.sorted ? [...r.keys].sort((x, y) => Buffer.compare(x, y)) : r.keys;
    if (r.mode === 1) {
      varint(out, r.n, false);
      out.push(...(r.keys[0] ?? new Uint8Array(8)));
    } else if (r.mode === 2 || r.mode === 3) {
      varint(out, keys.length, false);
      for (const k of keys) out.push(...k);
      if (r.mode === 3) {
        varint(out, r.n % 40, false);
        out.push(...r.bits);
      }
    } else if (r.mode >= 4 && r.mode <= 6) out.push(...(r.keys[0] ?? new Uint8Array(8)));
  }
  return Uint8Array.from(out);
}

const built = (modes: readonly number[]) =>
  fc.tuple(fc.constantFrom(2, 2, 2, 2, 2, 2, 2, 2, 1, 3), fc.array(rangeOf(modes), { maxLength: 6 })).map(([v, rs]) => message(v, rs));

/** One honest session's traffic, each side's messages apart, for byte-wise mutations. */
function traffic(): { queries: Uint8Array[]; replies: Uint8Array[] } {
  const queries: Uint8Array[] = [];
  const replies: Uint8Array[] = [];
  const r = new Reconciler(A);
  let next: Uint8Array[] | null = r.initiate();
  while (next) {
    const reply = respond(B, next);
    queries.push(...next);
    replies.push(...reply);
    next = r.reconcile(reply).next;
  }
  return { queries, replies };
}
const { queries, replies } = traffic();

/** Mostly one message, sometimes a round of two or three. */
const roundFrom = (modes: readonly number[], real: readonly Uint8Array[]) => {
  const one = fc.oneof({ weight: 4, arbitrary: built(modes) }, { weight: 2, arbitrary: byteEdits(real) }, { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) });
  return fc.oneof({ weight: 3, arbitrary: one.map((m) => [m]) }, { weight: 1, arbitrary: fc.array(one, { minLength: 2, maxLength: 3 }) });
};
/** Skip, Cell, IdList and Need come from an initiator; the responder also sends IdListReply, Mine, Yours and Later. */
const toResponder = roundFrom([0, 1, 2, 6], queries);
const toInitiator = roundFrom([0, 1, 2, 3, 4, 5, 7], replies);

describe('sync rounds from peers: 10 000 hostile inputs', () => {
  it('the responder answers or throws a typed SyncProtocolError, in work linear in the bytes', () => {
    fc.assert(
      fc.property(toResponder, (messages) =>
        typedOutcome(
          () => {
            // Linear work: what a round costs the responder is bounded by the bytes it reads and writes (the
            // bound of test/core/sync-work.test.ts, loosened), never by the size of its set.
            const before = B.steps;
            let out: Uint8Array[] = [];
            try {
              out = respond(B, messages);
            } finally {
              const work = B.steps - before;
              if (work > bytes(messages) + bytes(out) + SLACK) throw new Error(`superlinear: ${work} steps for ${bytes(messages)} bytes in`);
            }
          },
          SyncProtocolError,
          CODES,
        ),
      ),
      { numRuns: 10_000 },
    );
  });

  it('the initiator takes the reply, then honest rounds, or throws a typed SyncProtocolError', () => {
    fc.assert(
      fc.property(toInitiator, (reply) =>
        typedOutcome(
          () => {
            const r = new Reconciler(A);
            r.initiate();
            let next = r.reconcile(reply).next;
            for (let i = 0; next && i < 3; i++) next = r.reconcile(respond(B, next)).next;
          },
          SyncProtocolError,
          CODES,
        ),
      ),
      { numRuns: 10_000 },
    );
  });
});
