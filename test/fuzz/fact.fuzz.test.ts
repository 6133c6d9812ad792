import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sign } from '../../src/core/crypto/ed25519.ts';
import { decodeCanonical, encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { FactValidationError, type FactErrorCode } from '../../src/core/facts/errors.ts';
import { FACT_VERSION, type Fact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { KINDS } from '../../src/core/facts/kinds/index.ts';
import { signingBytes } from '../../src/core/facts/signing.ts';
import { restoreFact } from '../../src/core/facts/stored.ts';
import { validateFact, validateFactWith } from '../../src/core/facts/validate.ts';
import { authorityNamespace, contextNamespace } from '../../src/core/ids.ts';
import { webCryptoVerifier } from '../../src/node/webcrypto-verify.ts';
import { cborInputs, dataModelValue } from '../support/cbor-arbitrary.ts';
import { linear } from '../support/typed-outcome.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';

const CODES: readonly FactErrorCode[] = ['Malformed', 'NonCanonical', 'TooLarge', 'BadSignature', 'WrongNamespace', 'UnknownKind'];

const key = deviceKey('fact-fuzz');
const genesis = createGenesis(key, new Uint8Array(16).fill(1), { wall: 1_700_000_000_000, logical: 0 }, 'fuzz');
const author = genesis.fact.author;
const inContext = new Writer(key, author, contextNamespace('ctx-fact-fuzz'));
const inAuthority = new Writer(key, author, authorityNamespace(author));
/** Facts of the deepest and most varied bodies: a tree op and an approval rule nest three maps deep. */
const SEEDS = [
  genesis.bytes,
  inAuthority.fact('tree.op', { parentEpoch: 0, parentCommitment: 'ab'.repeat(32), op: { type: 'AddLeaf', device: deviceKey('fact-fuzz-2').deviceId, role: 'device' } }).bytes,
  inContext.fact('proposal.create', { subject: 's', operation: 'o', args: ['a'], rule: { type: 'Percentage', percent: 50 }, voters: [author], expiresAt: 5 }).bytes,
  inContext.fact('chat.message', { channel: genesis.id, text: 'hello', ack: true }).bytes,
  inContext.fact('rel.binding', { bindingType: 'member', authorities: [author], data: genesis.bytes }).bytes,
];

/**
 * Envelopes correctly signed by their device around a body that may break its kind: these get past the
 * decoder and the signature, to the kind, namespace, body schema and genesis checks.
 */
const signedHostile = fc
  .record({
    kind: fc.oneof(fc.constantFrom(...Object.keys(KINDS)), fc.constantFrom('toString', '__proto__', 'constructor', 'x')),
    ns: fc.constantFrom(contextNamespace('ctx-fact-fuzz'), authorityNamespace(author), 'context:', 'other:namespace-x'),
    body: fc.oneof(dataModelValue, fc.constantFrom(...SEEDS.map((b) => decodeCanonical<{ body: unknown }>(b).body))),
    time: fc.record({ wall: fc.maxSafeInteger(), logical: fc.maxSafeInteger() }),
  })
  .map(({ kind, ns, body, time }) => {
    const unsigned = { v: FACT_VERSION, ns, kind, author, device: key.deviceId, time, body } as unknown as Fact;
    return encodeCanonical({ ...unsigned, sig: sign(signingBytes(unsigned), key.secretKey) });
  });

/** The outcome of validation as data, so the two verifiers can be compared. */
async function outcome(run: () => unknown): Promise<string> {
  try {
    await run();
    return 'valid';
  } catch (e) {
    if (e instanceof FactValidationError && CODES.includes(e.code)) return e.code;
    throw new Error(`untyped outcome: ${e instanceof Error ? `${e.name}: ${e.message}` : String(e)}`, { cause: e });
  }
}

describe('facts from peers: 10 000 hostile inputs', () => {
  const viaWebCrypto = webCryptoVerifier();

  it('validation refuses with a typed FactValidationError in linear work, the same with noble and with WebCrypto; restore never throws', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof({ weight: 7, arbitrary: cborInputs(SEEDS) }, { weight: 1, arbitrary: signedHostile }), async (bytes) => {
        const noble = await outcome(linear(bytes.length, (meter) => validateFact(bytes, { meter })));
        expect(await outcome(() => validateFactWith(bytes, viaWebCrypto))).toBe(noble);
        const restored = restoreFact('id', bytes);
        if (noble === 'valid') expect(restored?.bytes).toBe(bytes);
      }),
      { numRuns: 10_000 },
    );
  });
});
