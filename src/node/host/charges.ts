import { compareStrings } from '../../core/compare.ts';
import { flowGuard } from '../../core/flow/flow-guard.ts';
import type { FlowBudget } from '../../core/flow/flow-budget.ts';
import type { BudgetCharge } from '../../core/flow/guard-effects.ts';
import { SEND_COST, type SendKind } from '../../core/flow/send-cost.ts';
import type { AuthorityId, ContextId } from '../../core/ids.ts';
import type { SendTicket } from '../../net/send-ticket.ts';
import type { AuraStore } from '../../store/store.ts';
import { DEFAULT_FLOW_LIMIT, FLOW_EPOCH_MS, flowEpoch } from '../flow-policy.ts';

export type ChargeOutcome = { readonly ok: true; readonly ticket: SendTicket } | { readonly ok: false; readonly resumeAt: number };

/** Budgets charged outside a fact commit are written behind, coalesced: at most one write per this many ms. */
const FLUSH_MS = 1_000;

interface LedgerDeps {
  readonly store: AuraStore;
  readonly now: () => number;
  readonly flowLimit?: number;
}

/**
 * The node's FlowBudgets and the tickets that let bytes leave. Fact sends are charged by the guard chain in
 * the same transaction as their commit (`committed`); every other send — acks, announcements, sync frames —
 * is charged here (`charge`) before the transport may emit it. `issued` counts the units handed out, so a
 * test can check that the wire never carried more than was charged.
 */
export class ChargeLedger {
  readonly budgets = new Map<string, FlowBudget>();
  private issuedUnits = 0;
  private readonly dirty = new Map<string, BudgetCharge>();
  private flushTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly deps: LedgerDeps) {}

  get issued(): number {
    return this.issuedUnits;
  }

  get epoch(): number {
    return flowEpoch(this.deps.now());
  }

  get defaultLimit(): number {
    return this.deps.flowLimit ?? DEFAULT_FLOW_LIMIT;
  }

  restore(budgets: ReadonlyMap<string, FlowBudget>): void {
    for (const [k, b] of budgets) this.budgets.set(k, b);
  }

  /** Charges `units` sends of `kind` to each recipient (FlowGuard, all or nothing) and returns their ticket. */
  charge(context: ContextId, recipients: readonly AuthorityId[], kind: SendKind, units: number): ChargeOutcome {
    const peers = [...new Set(recipients)].sort(compareStrings);
    const r = flowGuard(context, peers, SEND_COST[kind] * units, { membership: { context, rights: new Map() }, budgets: this.budgets, epoch: this.epoch, defaultLimit: this.defaultLimit });
    if (!r.ok) return { ok: false, resumeAt: r.error.resumeAtEpoch * FLOW_EPOCH_MS };
    for (const c of r.charges) {
      this.budgets.set(c.key, c.budget);
      this.dirty.set(c.key, c);
    }
    this.scheduleFlush();
    return { ok: true, ticket: this.ticket(context, units) };
  }

  /** Charges the guard chain made and the commit made durable; the ticket covers the payloads of that send. */
  committed(context: ContextId, charges: readonly BudgetCharge[], units: number): SendTicket {
    for (const c of charges) this.budgets.set(c.key, c.budget);
    return this.ticket(context, units);
  }

  /** Writes pending budgets now (on close). A failed write loses only headroom bookkeeping, never a send's charge. */
  async flush(): Promise<void> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    if (this.dirty.size === 0) return;
    const budgets = [...this.dirty.values()];
    this.dirty.clear();
    await this.deps.store.appendFacts([], { budgets }).catch(() => undefined);
  }

  private scheduleFlush(): void {
    this.flushTimer ??= setTimeout(() => void this.flush(), FLUSH_MS);
  }

  private ticket(context: ContextId, units: number): SendTicket {
    this.issuedUnits += units;
    let left = units;
    return {
      context,
      take: () => {
        if (left <= 0) return false;
        left--;
        return true;
      },
    };
  }
}
