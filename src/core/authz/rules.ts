import { fromHex } from '../encoding/bytes.ts';
import type { ValidatedFact } from '../facts/fact.ts';
import { namespaceKind } from '../ids.ts';
import type { FactKind } from '../facts/kinds/index.ts';
import { committedBy, groupKeys } from '../reduce/agreement.ts';
import { isCeremonyParty } from '../reduce/ceremonies.ts';
import type { Right } from '../flow/capabilities.ts';
import { hasRight, MEMBER_BINDING } from '../reduce/membership.ts';
import type { NamespaceState } from '../reduce/namespace-reducer.ts';
import { commitVerifies, groupKeyOf } from './consensus-commit.ts';
import { groupCreator, groupJoin, groupParty } from './group-rules.ts';
import { groupAdminReplacementRule, mayBeAppointed } from './group-admin-rules.ts';
import { guardianInitiator, namedGuardian, notSelf, ownCeremony } from './guardian-rules.ts';
import { snapshotConsensusId, snapshotDigest } from '../snapshot/blob.ts';
import { ALLOW, refuse, wait, waitKey, type AuthzVerdict } from './verdict.ts';
import { adminReplacementRule, upgradeRule } from './maintenance-rules.ts';
import { isMemberJoin, writerVerdict } from './writer.ts';
import { forwardReceiptRule } from './forward-rules.ts';

type St = NamespaceState | undefined;
type Rule<K extends FactKind> = (f: ValidatedFact<K>, st: St) => AuthzVerdict;

/** The writer rule first; the kind's own rule only once the writer may write at all. */
function writerThen<K extends FactKind>(rule: Rule<K>): Rule<K> {
  return (f, st) => {
    const v = writerVerdict(f, st);
    return v.ok ? rule(f, st) : v;
  };
}

const writer: Rule<FactKind> = writerVerdict;

/**
 * Channel settings: only an author holding the setting's right over that channel (`rightsOf`: its creator;
 * in a group its creator and the admins handovers appointed), judged once the channel is known.
 */
function channelRight(right: Right): Rule<'chat.topic' | 'chat.rename'> {
  return (f, st) => {
    const channel = f.fact.body.channel;
    if (st?.chat.channels.get(channel) === undefined) return wait(waitKey.channel(channel));
    if (hasRight(st, f.fact.author, right, channel)) return ALLOW;
    // In a group, a member the creator invited may yet be appointed admin by a handover: wait, never refuse.
    return mayBeAppointed(f, st) ? wait(waitKey.admin(f.fact.author)) : refuse('MissingRight');
  };
}

const voter: Rule<'proposal.vote'> = (f, st) => {
  const proposal = st?.proposals.creates.get(f.fact.body.proposal);
  if (proposal === undefined) return wait(waitKey.proposal(f.fact.body.proposal));
  return proposal.fact.body.voters.includes(f.fact.author) ? ALLOW : refuse('NotVoter');
};

type Step = 'ceremony.response' | 'ceremony.abort' | 'ceremony.supersede' | 'ceremony.commit';

/** A ceremony's steps come from its initiator and participants only. */
const ceremonyParty: Rule<Step> = (f, st) => {
  const id = f.fact.body.ceremony;
  const start = st?.ceremonies.ceremonies.get(id);
  if (start === undefined) return st?.ceremonies.invalid.has(id) ? refuse('InvalidCeremony') : wait(waitKey.ceremony(id));
  return isCeremonyParty(start, f.fact.author) ? ALLOW : refuse('NotCeremonyParty');
};

/**
 * A ceremony commit also needs its consensus: a verified commit with that id, over the ceremony's prestate,
 * covering the ceremony. Several verified commits may carry one id, so it waits rather than refuses.
 */
const ceremonyCommit: Rule<'ceremony.commit'> = (f, st) => {
  const v = ceremonyParty(f, st);
  if (!v.ok) return v;
  const { ceremony, consensusId } = f.fact.body;
  const prestate = st!.ceremonies.ceremonies.get(ceremony)!.fact.body.prestateHash;
  const done = committedBy(st!.agreement, consensusId).some((c) => c.prestateHash === prestate && c.covers.includes(ceremony));
  return done ? ALLOW : wait(waitKey.consensus(consensusId));
};

/**
 * A commit counts only with a threshold signature that verifies under the group key recorded in the journal.
 * Refusing on a failed check assumes one group key per namespace once recorded; a rotating key must come
 * with a key id in the commit so that this rule stays monotone.
 */
const thresholdSigned: Rule<'consensus.commit'> = (f, st) => {
  if (namespaceKind(f.fact.ns) === 'authority') return treeAttestation(f, st);
  const keys = st ? groupKeys(st.agreement) : [];
  if (keys.some((k) => commitVerifies(f.fact.ns, f.fact.body, k))) return ALLOW;
  // A key given from outside is the only one there will be; an endorsed one may still come (monotone: wait).
  return groupKeyOf(st) !== null && st!.agreement.witnessKeys.records.size === 0 ? refuse('BadThresholdSignature') : wait(waitKey.groupKey);
};

/**
 * In an authority journal a commit attests tree ops: its prestate is a tree state reachable from genesis,
 * whose group key must verify it. It waits for that state (monotone: reachable states only grow); a state
 * without a group key, or a signature that does not verify under it, is refused.
 */
const treeAttestation: Rule<'consensus.commit'> = (f, st) => {
  const prestate = f.fact.body.prestateHash;
  const state = st && [...st.tree.reachable.values()].find((s) => s.commitment === prestate);
  if (state === undefined) return wait(waitKey.treeState(prestate));
  if (state.groupKey === null) return refuse('NoGroupKey');
  return commitVerifies(f.fact.ns, f.fact.body, fromHex(state.groupKey)) ? ALLOW : refuse('BadThresholdSignature');
};

const snapshotProposed: Rule<'maint.snapshotProposed'> = (f) => {
  if (namespaceKind(f.fact.ns) === 'authority') return refuse('NoSnapshotWitnesses');
  const { targetEpoch, blobCid, digest } = f.fact.body;
  return snapshotDigest(f.fact.ns, targetEpoch, blobCid) === digest ? ALLOW : refuse('BadSnapshotDigest');
};

/**
 * A snapshot completes only with its witnesses' consensus: a verified commit `snapshot:<proposalId>` over its
 * digest (so a bad threshold signature never completes one: that commit is refused). Several verified commits
 * may carry one id, so it waits rather than refuses.
 */
const snapshotCompleted: Rule<'maint.snapshotCompleted'> = (f, st) => {
  if (namespaceKind(f.fact.ns) === 'authority') return refuse('NoSnapshotWitnesses');
  const { proposalId, snapshot } = f.fact.body;
  if (snapshotDigest(f.fact.ns, snapshot.epoch, snapshot.blobCid) !== snapshot.digest) return refuse('BadSnapshotDigest');
  const id = snapshotConsensusId(proposalId);
  return st && committedBy(st.agreement, id).some((c) => c.prestateHash === snapshot.digest) ? ALLOW : wait(waitKey.consensus(id));
};

/**
 * One rule per kind: who may author it, judged from the namespace's reduced state. Every rule is monotone in
 * the fact set (authorized in S ⇒ authorized in every superset; refused in S ⇒ refused in every superset),
 * which is what keeps reduction order-independent.
 */
export const RULES: { readonly [K in FactKind]: Rule<K> } = {
  // Self-proving: validation checked author = CID(body); the body must also name the signing device.
  'authority.genesis': (f) => (f.fact.body.device === f.fact.device ? ALLOW : refuse('GenesisDeviceMismatch')),
  // The tree reducer's own rule decides: the op's device must be a leaf of the parent state it names.
  'tree.op': () => ALLOW,
  'maint.snapshotProposed': writerThen(snapshotProposed),
  'maint.snapshotCompleted': writerThen(snapshotCompleted),
  'maint.cacheInvalidated': writer,
  'maint.upgradeActivated': writerThen(upgradeRule),
  'maint.adminReplacement': writerThen((f, st) => (namespaceKind(f.fact.ns) === 'authority' ? adminReplacementRule(f, st) : groupAdminReplacementRule(f, st))),
  'rel.binding': (f, st) =>
    f.fact.body.bindingType !== MEMBER_BINDING ? writerVerdict(f, st)
    : isMemberJoin(f) ? groupJoin(f, st)
    : refuse('InvalidMemberBinding'),
  'rel.flowBudget': writer,
  'amp.checkpoint': writer,
  'amp.proposedBump': writer,
  'amp.committedBump': writer,
  'amp.policy': writer,
  'receipt.rendezvous': writer,
  'receipt.forward': writerThen(forwardReceiptRule),
  'chat.channel': writer,
  'chat.message': writer,
  'chat.reaction': writer,
  'chat.topic': writerThen(channelRight('chat:topic')),
  'chat.rename': writerThen(channelRight('chat:rename')),
  // Anyone who writes in the namespace states its own name (the author is the one named).
  'profile.name': writer,
  'proposal.create': writer,
  'proposal.vote': writerThen(voter),
  'ceremony.start': writer,
  'ceremony.response': writerThen(ceremonyParty),
  'ceremony.abort': writerThen(ceremonyParty),
  'ceremony.supersede': writerThen(ceremonyParty),
  'ceremony.commit': writerThen(ceremonyCommit),
  'consensus.commit': writerThen(thresholdSigned),
  'group.create': writerThen(groupCreator),
  'group.response': writerThen(groupParty),
  'group.invitation': writer,
  'group.rekey': writerThen(groupParty),
  'guardian.request': writerThen(ownCeremony),
  'guardian.answer': writerThen(namedGuardian),
  'guardian.ready': writerThen(guardianInitiator),
  'guardian.key': writerThen(namedGuardian),
  'recovery.approve': writerThen(notSelf),
  // A cancellation is its author's own: the authority stopping a recovery of itself.
  'recovery.cancel': writer,
  // Boxes only the recovered device opens: any member may re-share what it holds.
  'recovery.reshare': writer,
  // No witness shares to verify: a certificate can never count (it would make facts SoftSafe).
  'consensus.cert': () => refuse('UnverifiableCertificate'),
};
