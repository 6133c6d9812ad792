import { describe, expect, it } from 'vitest';
import { authorize } from '../../src/core/authz/authorize.ts';
import { commitVerifies, groupKeyOf } from '../../src/core/authz/consensus-commit.ts';
import { waitKey } from '../../src/core/authz/verdict.ts';
import { encodeCanonical } from '../../src/core/encoding/cbor.ts';
import type { ValidatedFact } from '../../src/core/facts/fact.ts';
import type { ConsensusCommit } from '../../src/core/facts/kinds/consensus.ts';
import { contextNamespace, type FactId } from '../../src/core/ids.ts';
import { agreementOf, agreementReducer, initAgreement } from '../../src/core/reduce/agreement.ts';
import { namespaceReducer } from '../../src/core/reduce/namespace-reducer.ts';
import { CTX, person, reduce } from '../support/authz-world.ts';
import { signedCommit, witnessGroup } from '../support/frost-group.ts';

const group = witnessGroup('authz-consensus');
const other = witnessGroup('authz-consensus-other');
const alice = person('alice');
const bob = person('bob');
const msg = alice.w.fact('chat.message', { channel: alice.join.id, text: 'settle me', ack: false });
const msg2 = alice.w.fact('chat.message', { channel: alice.join.id, text: 'and me', ack: false });
const PRESTATE = '1'.repeat(64);
const body = (covers: FactId[], consensusId = 'c1') => signedCommit(group, CTX, { consensusId, prestateHash: PRESTATE, covers, signers: ['w1', 'w2'] });
const valid = body([msg.id]);
const rival = body([msg2.id]);
const forged: ConsensusCommit = { ...valid, signature: new Uint8Array(64) };

/** An agreement state as in a journal that records `group`'s key. */
function agreed(facts: ValidatedFact[]) {
  const st = initAgreement(group.groupKey);
  for (const f of facts) agreementReducer.apply(st, f);
  return st;
}

describe('the threshold-signature rule', () => {
  it('a FROST group signature over the commit message verifies under the group key', () => {
    expect(commitVerifies(CTX, valid, group.groupKey)).toBe(true);
  });

  it('fails under another key, with tampered covers or prestate, or in another namespace', () => {
    expect(commitVerifies(CTX, valid, other.groupKey)).toBe(false);
    expect(commitVerifies(CTX, { ...valid, covers: [msg.id, msg2.id] }, group.groupKey)).toBe(false);
    expect(commitVerifies(CTX, { ...valid, prestateHash: '2'.repeat(64) }, group.groupKey)).toBe(false);
    expect(commitVerifies(contextNamespace('elsewhere'), valid, group.groupKey)).toBe(false);
    expect(commitVerifies(CTX, forged, group.groupKey)).toBe(false);
  });
});

describe('agreement counts only verified commits', () => {
  it('a verified commit finalizes what it covers; a forged one, or any without a group key, finalizes nothing', () => {
    expect(agreementOf(agreed([alice.w.fact('consensus.commit', valid)]), msg.id)).toEqual({ level: 'Finalized', consensusId: 'c1' });
    expect(agreementOf(agreed([alice.w.fact('consensus.commit', forged)]), msg.id)).toEqual({ level: 'Provisional' });
    const noKey = agreementReducer.init();
    agreementReducer.apply(noKey, alice.w.fact('consensus.commit', valid));
    expect(agreementOf(noKey, msg.id)).toEqual({ level: 'Provisional' });
  });

  it('one commit per (consensusId, prestate), chosen by content: neither a backdated copy nor fact time replaces it', () => {
    const honest = alice.w.setWall(5_000).fact('consensus.commit', valid);
    const backdatedCopy = bob.w.setWall(1_000).fact('consensus.commit', valid);
    const bytes = (fs: ValidatedFact[]) => encodeCanonical(agreementReducer.canonical(agreed(fs)));
    expect(bytes([honest, backdatedCopy])).toEqual(bytes([honest]));
    // Two verified commits for one (id, prestate) — the witnesses equivocated: the winner does not depend on times.
    const early = (b: ConsensusCommit) => alice.w.setWall(1_000).fact('consensus.commit', b);
    const late = (b: ConsensusCommit) => bob.w.setWall(9_000).fact('consensus.commit', b);
    const a = agreed([early(valid), late(rival)]);
    const b = agreed([late(valid), early(rival)]);
    expect(agreementReducer.canonical(a)).toEqual(agreementReducer.canonical(b));
    expect(agreementReducer.canonical(a).commits).toHaveLength(1);
    expect(agreementReducer.canonical(a).conflicts).toHaveLength(1);
    const finalized = [msg.id, msg2.id].filter((id) => agreementOf(a, id).level === 'Finalized');
    expect(finalized).toHaveLength(1);
  });
});

describe('the gate on consensus facts', () => {
  it('today no group key is recorded: a commit waits for one, so nothing forged (or real) shows Finalized', () => {
    const f = alice.w.fact('consensus.commit', valid);
    const st = reduce([alice.join, msg, f]);
    expect(groupKeyOf(st)).toBeNull();
    expect(authorize(f, st)).toEqual({ ok: false, wait: waitKey.groupKey });
    expect(agreementOf(st.agreement, msg.id)).toEqual({ level: 'Provisional' });
    expect(agreementOf(st.proposals.agreement, msg.id)).toEqual({ level: 'Provisional' });
  });

  it('with a recorded key, a verified commit counts and a forged one is refused', () => {
    const st = reduce([alice.join, msg]);
    st.agreement = initAgreement(group.groupKey);
    expect(authorize(alice.w.fact('consensus.commit', valid), st)).toEqual({ ok: true });
    expect(authorize(alice.w.fact('consensus.commit', forged), st)).toEqual({ ok: false, refuse: 'BadThresholdSignature' });
    namespaceReducer.apply(st, alice.w.fact('consensus.commit', forged));
    expect(agreementOf(st.agreement, msg.id)).toEqual({ level: 'Provisional' });
  });

  it('a convergence certificate is refused: it carries no witness shares to verify', () => {
    const cert = alice.w.fact('consensus.cert', { certId: 'cert', covers: [msg.id], witnesses: ['w1', 'w2'] });
    expect(authorize(cert, reduce([alice.join]))).toEqual({ ok: false, refuse: 'UnverifiableCertificate' });
  });
});
