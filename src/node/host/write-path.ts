import type { DeviceKey } from '../../core/crypto/ed25519.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { MembershipView, Right } from '../../core/flow/capabilities.ts';
import { runGuardChain } from '../../core/flow/guard-chain.ts';
import { TOPIC_RECIPIENT } from '../../core/flow/send-cost.ts';
import type { AuthorityId, ContextId } from '../../core/ids.ts';
import { packEnvelopes } from '../../core/net/gossip-envelope.ts';
import { memberList } from '../../core/reduce/membership.ts';
import type { Transport } from '../../net/transport.ts';
import type { AppendExtra } from '../../store/append.ts';
import { NodeError } from '../api.ts';
import { FLOW_EPOCH_MS } from '../flow-policy.ts';
import type { ChargeLedger } from './charges.ts';

export interface WriteRequest {
  readonly context: ContextId;
  readonly facts: readonly ValidatedFact[];
  readonly membership: MembershipView;
  readonly right: Right;
  /** A join: published even before any other member is known (it is how they learn of us), charged to the topic. */
  readonly announce?: boolean;
  /** Track acks of these kinds from the other members (spec 002 Acknowledgment). */
  readonly trackAcksOf?: readonly string[];
}

export interface WritePathDeps {
  readonly key: DeviceKey;
  readonly charges: ChargeLedger;
  readonly transport?: Transport;
  sender(): AuthorityId;
  /** Whether this device's authority removed it (as its tree or any context's bindings prove): it then writes nothing. */
  removed(context: ContextId): boolean;
  /** Whether other devices of this authority are in the context: they hear our writes even with no other member. */
  siblings(context: ContextId): boolean;
  commit(facts: readonly ValidatedFact[], extra: AppendExtra): Promise<void>;
  changed(): void;
}

/**
 * CapGuard → FlowGuard → JournalCoupler, then the effects in order: commit the facts with their budget
 * charges in one transaction, and only then send, with a ticket for exactly the payloads that were charged.
 */
export async function guardedWrite(deps: WritePathDeps, req: WriteRequest): Promise<void> {
  const sender = deps.sender();
  if (deps.removed(req.context)) throw new NodeError('DeviceRemoved', 'This device was removed from its account: it can no longer write.');
  const peers = memberList(req.membership).filter((a) => a !== sender);
  const payloads = packEnvelopes(req.facts.map((f) => f.bytes)).length;
  const charges = deps.charges;
  const result = runGuardChain(
    { context: req.context, sender, device: deps.key.deviceId, peers, cost: payloads, right: req.right, facts: req.facts },
    { membership: req.membership, budgets: charges.budgets, epoch: charges.epoch, defaultLimit: charges.defaultLimit },
  );
  if (!result.ok) {
    const e = result.error;
    if (e.code === 'InsufficientBudget') throw new NodeError(e.code, guardMessage(e.code), e.resumeAtEpoch, e.resumeAtEpoch * FLOW_EPOCH_MS);
    throw new NodeError(e.code, guardMessage(e.code));
  }
  const [commit, send] = result.effects;
  const tracked = new Set(req.trackAcksOf ?? []);
  const trackAcks = commit.facts.filter((f) => tracked.has(f.fact.kind)).map((f) => ({ factId: f.id, expected: peers }));
  // The charges take effect now, before the commit's await: a charge made meanwhile (a sync frame, a forward)
  // builds on them instead of being overwritten by figures computed before it (forward receipts sign them).
  const ticket = charges.committed(req.context, commit.budgets, send ? payloads : 0);
  await deps.commit(commit.facts, { budgets: commit.budgets, trackAcks });
  deps.changed();
  if (!deps.transport) return;
  // Charged and committed above; only now may bytes leave the device. A failed publish loses nothing: the
  // facts are durable here and peers catch up when they next meet us.
  if (send) {
    await deps.transport.publish(req.context, commit.facts.map((f) => f.bytes), ticket).catch(() => undefined);
  } else if (req.announce || deps.siblings(req.context)) {
    const c = charges.charge(req.context, [TOPIC_RECIPIENT], 'announce', payloads);
    if (c.ok) await deps.transport.publish(req.context, commit.facts.map((f) => f.bytes), c.ticket).catch(() => undefined);
  }
}

function guardMessage(code: 'AuthorizationDenied' | 'InsufficientBudget' | 'JournalCommitFailed'): string {
  switch (code) {
    case 'AuthorizationDenied':
      return 'This device is not allowed to do that in this channel.';
    case 'InsufficientBudget':
      return 'Sending budget for this channel is used up for now.';
    case 'JournalCommitFailed':
      return 'The write could not be committed to the journal.';
  }
}
