import type { WorkMeter } from '../../src/core/encoding/cbor.ts';
import { AuraError } from '../../src/core/errors.ts';

type ErrorClass<E> = abstract new (...args: never[]) => E;

/** Why an outcome is not typed, or null when it is: `e` is an E with one of `codes`. */
function untyped<E extends AuraError>(e: unknown, type: ErrorClass<E>, codes: readonly string[]): string | null {
  if (e instanceof type && e instanceof AuraError && codes.includes(e.code)) return null;
  return `untyped outcome: ${e instanceof Error ? `${e.name} (${(e as { code?: unknown }).code}): ${e.message}` : String(e)}`;
}

/**
 * Runs a decoder on hostile input. It may return, or throw an E with one of `codes`: anything else (a
 * TypeError, a RangeError, another code) is a bug and fails the property.
 */
export function typedOutcome<E extends AuraError>(run: () => unknown, type: ErrorClass<E>, codes: readonly string[]): void {
  try {
    run();
  } catch (e) {
    const why = untyped(e, type, codes);
    if (why !== null) throw new Error(why, { cause: e });
  }
}

/** The same, for a decoder that answers with a promise. */
export async function typedOutcomeAsync<E extends AuraError>(run: () => Promise<unknown>, type: ErrorClass<E>, codes: readonly string[]): Promise<void> {
  try {
    await run();
  } catch (e) {
    const why = untyped(e, type, codes);
    if (why !== null) throw new Error(why, { cause: e });
  }
}

/** The metered work a decoder may do per input byte: the CBOR decoder's promise (`test/fuzz/cbor.fuzz.test.ts`). */
export const STEPS_PER_BYTE = 3;

/**
 * Runs a decoder with a fresh WorkMeter and fails (with an untyped error, so `typedOutcome` reports it) when
 * its work exceeds STEPS_PER_BYTE per input unit: linear time, whatever the input.
 */
export function linear(length: number, run: (meter: WorkMeter) => unknown): () => unknown {
  return () => {
    const meter: WorkMeter = { steps: 0 };
    try {
      return run(meter);
    } finally {
      if (meter.steps > STEPS_PER_BYTE * length + 1) throw new Error(`superlinear: ${meter.steps} steps for ${length} input units`);
    }
  };
}

/** The code of the typed error `run` throws (of class `type`), or 'none' when it returns; anything else is rethrown. */
export function errorCode<E extends AuraError>(run: () => unknown, type: ErrorClass<E>): E['code'] | 'none' {
  try {
    run();
    return 'none';
  } catch (e) {
    if (e instanceof type) return e.code;
    throw e;
  }
}
