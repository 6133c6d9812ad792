import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import { createGenesis } from '../../src/core/facts/genesis.ts';
import { authorityNamespace, contextNamespace } from '../../src/core/ids.ts';
import { contextMembership, MEMBER_BINDING, visibleMessages } from '../../src/core/reduce/membership.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { reduceAll } from '../../src/core/reduce/reducer.ts';
import { encodeDeviceProof } from '../../src/core/reduce/tree/device-proof.ts';
import { currentTree, treeReducer } from '../../src/core/reduce/tree/tree-reducer.ts';
import { deviceKey, Writer } from '../support/fixtures.ts';
import { randArb, shuffle } from '../support/shuffle.ts';

const [laptop, phone] = ['rv-laptop', 'rv-phone'].map((l) => deviceKey(l));
const genesis = createGenesis(laptop!, new Uint8Array(16), { wall: 1, logical: 0 });
const alice = genesis.fact.author;
const ans = authorityNamespace(alice);
const ns = contextNamespace('ctx-revocation');
const tree = new Writer(laptop!, alice, ans);
const head = (facts: ValidatedFact[]) => currentTree(reduceAll(treeReducer, facts))!;
const add = tree.fact('tree.op', { parentEpoch: 0, parentCommitment: head([genesis]).commitment, op: { type: 'AddLeaf', device: phone!.deviceId, role: 'device' } });
const remove = tree.fact('tree.op', { parentEpoch: 0, parentCommitment: head([genesis, add]).commitment, op: { type: 'RemoveLeaf', device: phone!.deviceId } });

const onLaptop = new Writer(laptop!, alice, ns);
const onPhone = new Writer(phone!, alice, ns);
const bind = (w: Writer, chain: ValidatedFact[]) => w.fact('rel.binding', { bindingType: MEMBER_BINDING, authorities: [alice], data: encodeDeviceProof(genesis, chain) });
const channel = onLaptop.fact('chat.channel', { name: 'general' });
const facts = [bind(onLaptop, []), channel, bind(onPhone.at(10), [add])];
const before = onPhone.at(10).fact('chat.message', { channel: channel.id, text: 'before', ack: false });
// The laptop removes the phone and carries the new tree into the context; the phone writes on regardless.
const removal = bind(onLaptop.setWall(onPhone.wall + 1_000), [add, remove]);
const after = onPhone.setWall(onLaptop.wall + 1_000).fact('chat.message', { channel: channel.id, text: 'after', ack: false });
const all = [...facts, before, removal, after];
const texts = (fs: ValidatedFact[]) => visibleMessages(reduceAll(namespaceReducer, fs), channel.id).map((m) => m.text);

describe('revocation of a removed device in a context', () => {
  it('a binding whose proof shows the RemoveLeaf hides what the device wrote after it, keeps what it wrote before', () => {
    expect(texts([...facts, before, after])).toEqual(['before', 'after']);
    expect(texts(all)).toEqual(['before']);
    const st = reduceAll(namespaceReducer, all);
    expect(contextMembership('ctx-revocation', st).devices.get(alice)).toEqual(new Set([laptop!.deviceId]));
  });

  it('whatever the arrival order, the same messages are visible', () => {
    fc.assert(
      fc.property(randArb, (rand) => {
        expect(texts(shuffle(all, rand))).toEqual(['before']);
      }),
      { numRuns: 100 },
    );
  });
});
