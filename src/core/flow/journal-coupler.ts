import type { ValidatedFact } from '../facts/fact.ts';
import { journalOf, type AuthorityId } from '../ids.ts';
import type { BudgetCharge, CommitAtomically, GuardResult } from './guard-effects.ts';
import type { JournalCommitFailed } from './guard-errors.ts';
import type { SendRequest } from './guard-input.ts';

function checkFact(req: SendRequest, vf: ValidatedFact): JournalCommitFailed | null {
  const fail = (reason: 'WrongNamespace' | 'AuthorMismatch' | 'DeviceMismatch'): JournalCommitFailed => ({ code: 'JournalCommitFailed', reason, factId: vf.id });
  if (vf.fact.ns !== journalOf(req.context)) return fail('WrongNamespace');
  if (vf.fact.author !== req.sender) return fail('AuthorMismatch');
  if (vf.fact.device !== req.device) return fail('DeviceMismatch');
  return null;
}

/**
 * Last guard: couples the budget charges with the drafted facts into one atomic commit that precedes
 * the send. A fact outside the context's journal or not written by this sender and device is refused,
 * so a send can never carry another journal's or another writer's facts.
 */
export function journalCoupler(req: SendRequest, peers: readonly AuthorityId[], charges: readonly BudgetCharge[]): GuardResult {
  if (req.facts.length === 0) return { ok: false, error: { code: 'JournalCommitFailed', reason: 'NoFacts' } };
  for (const vf of req.facts) {
    const error = checkFact(req, vf);
    if (error) return { ok: false, error };
  }
  // A journal is a set: a fact listed twice is committed and sent once, in first-listed order.
  const facts = req.facts.filter((vf, i) => req.facts.findIndex((o) => o.id === vf.id) === i);
  const commit: CommitAtomically = { type: 'CommitAtomically', facts, budgets: charges };
  if (peers.length === 0) return { ok: true, effects: [commit] };
  return { ok: true, effects: [commit, { type: 'Send', context: req.context, peers, factIds: facts.map((vf) => vf.id) }] };
}
