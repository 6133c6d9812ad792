import { compareStrings } from '../compare.ts';
import { capGuard } from './cap-guard.ts';
import { flowGuard } from './flow-guard.ts';
import type { GuardResult } from './guard-effects.ts';
import type { GuardState, SendRequest } from './guard-input.ts';
import { journalCoupler } from './journal-coupler.ts';

/**
 * CapGuard → FlowGuard → JournalCoupler (DESIGN §5, spec 000 charge-before-send). Pure: it returns the
 * effects to perform as data, and on any failure returns a local typed error and no effects at all.
 */
export function runGuardChain(req: SendRequest, state: GuardState): GuardResult {
  const peers = [...new Set(req.peers)].sort(compareStrings);
  const denied = capGuard(req, peers, state.membership);
  if (denied) return { ok: false, error: denied };
  const flow = flowGuard(req.context, peers, req.cost, state);
  if (!flow.ok) return flow;
  return journalCoupler(req, peers, flow.charges);
}
