import { sha256 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { base32 } from 'multiformats/bases/base32';
import { describe, it } from 'vitest';
import { concatBytes } from '../../src/core/encoding/bytes.ts';
import { decodeJoinCode, encodeJoinCode, JOIN_CODE_PREFIX, JoinCodeError, type JoinCodeErrorCode } from '../../src/core/facts/join-code.ts';
import { cborInputs } from '../support/cbor-arbitrary.ts';
import { linear, typedOutcome } from '../support/typed-outcome.ts';

const CODES: readonly JoinCodeErrorCode[] = ['NotAJoinCode', 'Corrupt', 'Malformed', 'UnsupportedVersion'];
const VALID = [encodeJoinCode({ context: 'ctx-join-fuzz', secret: new Uint8Array(32).fill(3), name: 'Team' }), encodeJoinCode({ context: 'c', secret: new Uint8Array(32) })];
/** The CBOR inside each valid code, without its 4-byte checksum. */
const BODIES = VALID.map((c) => base32.baseDecode(c.slice(JOIN_CODE_PREFIX.length)).slice(0, -4));
/** Any bytes, written as a code with a correct checksum, so they reach the CBOR decoder and the schema. */
const asCode = (body: Uint8Array): string => JOIN_CODE_PREFIX + base32.baseEncode(concatBytes(body, sha256(body).subarray(0, 4)));

const edited = fc.tuple(fc.constantFrom(...VALID), fc.nat(), fc.nat({ max: 3 }), fc.string({ maxLength: 3 })).map(([c, at, cut, insert]) => {
  const i = at % (c.length + 1);
  return c.slice(0, i) + insert + c.slice(i + cut);
});

describe('join codes from anyone: 10 000 hostile inputs', () => {
  it('decodeJoinCode returns a code or throws a typed JoinCodeError, in linear work', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 4, arbitrary: cborInputs(BODIES).map(asCode) },
          { weight: 2, arbitrary: edited },
          { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }).map((s) => JOIN_CODE_PREFIX + s) },
          { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
        ),
        (text) => typedOutcome(linear(text.length, (m) => decodeJoinCode(text, m)), JoinCodeError, CODES),
      ),
      { numRuns: 10_000 },
    );
  });
});
