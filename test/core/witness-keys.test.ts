import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/encoding/bytes.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import { agreementOf } from '../../src/core/reduce/agreement.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { encodeWitnessKey, WITNESS_KEY_BINDING } from '../../src/core/reduce/witness-keys.ts';
import { CTX, otherDeviceOf, person, reduce } from '../support/authz-world.ts';
import { signedCommit, witnessGroup } from '../support/frost-group.ts';
import { randArb, shuffle } from '../support/shuffle.ts';
import type { Person } from '../support/authz-world.ts';
import type { Writer } from '../support/fixtures.ts';

const group = witnessGroup('witness-keys');
const alice = person('wk-alice');
const bob = person('wk-bob');
const msg = alice.w.fact('chat.channel', { name: 'general' });
const participants = [alice.w.key.deviceId, bob.w.key.deviceId].sort();
const data = encodeWitnessKey({ groupKey: group.groupKey, threshold: 2, participants });
const endorse = (p: Person | { w: Writer; author: string }) => p.w.fact('rel.binding', { bindingType: WITNESS_KEY_BINDING, authorities: [p.author], data });
const commit = alice.w.fact('consensus.commit', signedCommit(group, CTX, { consensusId: 'checkpoint:1', prestateHash: 'ab'.repeat(32), covers: [msg.id], signers: ['a', 'b'] }));
const base = [alice.join, bob.join, msg];
const level = (facts: Parameters<typeof reduce>[0]) => agreementOf(reduce(facts).agreement, msg.id).level;

describe('context witness keys (endorsed by every participant)', () => {
  it('a commit counts once every participant endorsed the key: Finalized', () => {
    expect(level([...base, commit])).toBe('Provisional');
    expect(level([...base, endorse(alice), commit])).toBe('Provisional');
    expect(level([...base, endorse(alice), endorse(bob), commit])).toBe('Finalized');
    expect(reduce([...base, endorse(alice), endorse(bob)]).agreement.witnessKeys.endorsed).toEqual([toHex(group.groupKey)]);
  });

  it('a participant device endorsing twice, or a non-participant, completes nothing', () => {
    const bobsOtherDevice = otherDeviceOf(bob, 'wk-bob-2');
    const stranger = person('wk-stranger');
    expect(level([...base, stranger.join, endorse(alice), endorse(alice), endorse(stranger), commit])).toBe('Provisional');
    // A device not proved by a self-join cannot even write the endorsement.
    expect(level([...base, endorse(alice), endorse({ w: bobsOtherDevice, author: bob.author }), commit])).toBe('Provisional');
  });

  it('order-independent: endorsements, commit and joins in any order give the same state', () => {
    const all = [...base, endorse(alice), endorse(bob), commit];
    const ref = toHex(encodeCanonical(namespaceReducer.canonical(reduce(all))));
    fc.assert(
      fc.property(randArb, (rand) => {
        expect(toHex(encodeCanonical(namespaceReducer.canonical(reduce(shuffle(all, rand)))))).toBe(ref);
      }),
      { numRuns: 100 },
    );
  });
});
