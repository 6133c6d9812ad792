import { AuraError } from '../../core/errors.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import { isBeyondSkew } from '../../core/facts/hlc.ts';
import { validateFact, validateFactWith, type SignatureVerifier } from '../../core/facts/validate.ts';
import { journalOf, type ContextId, type FactId } from '../../core/ids.ts';
import type { IngestResult } from '../../protocols/sync/sync-host.ts';
import type { Journals } from '../journals.ts';
import { admission } from './admission.ts';
import { HeldFacts, MAX_FUTURE_PER_CONTEXT, MAX_PENDING_PER_CONTEXT, nextDue } from './held-facts.ts';

export type { IngestResult };

export interface IngestDeps {
  readonly journals: Journals;
  readonly now: () => number;
  readonly verify?: SignatureVerifier;
  /** Commits and applies an admitted batch (durable first); throws a typed error when the store refuses. */
  commit(facts: readonly ValidatedFact[]): Promise<void>;
  admitted(context: ContextId, facts: readonly ValidatedFact[]): Promise<void>;
  countDrop(reason: string): void;
}

interface Queued {
  readonly context: ContextId;
  readonly raw: readonly Uint8Array[];
  /** Facts validated earlier (future facts whose time has come). */
  readonly due?: readonly ValidatedFact[];
  readonly done: (r: IngestResult) => void;
}

type Fate = 'stored' | 'held' | 'refused';

/** A typed error's code, or 'Error' for anything else (which is counted, never thrown on). */
const codeOf = (e: unknown): string => (e instanceof AuraError ? e.code : 'Error');

/**
 * The ingest pipeline: validate → authorize → hold or commit → apply → notify. Each fact is judged on its
 * own, so one bad fact never drops, blocks or un-counts another, and nothing here throws out of a listener.
 * Deliveries queue and drain in order; a drain takes everything queued, so a burst becomes a few batched
 * commits and admission sees every earlier commit.
 */
export class IngestPipeline {
  private readonly queue: Queued[] = [];
  private draining: Promise<void> | null = null;
  private readonly pending = new HeldFacts(MAX_PENDING_PER_CONTEXT, 'pending-overflow');
  private readonly future = new HeldFacts(MAX_FUTURE_PER_CONTEXT, 'future-overflow');
  private timer: ReturnType<typeof setTimeout> | null = null;
  private stopped = false;

  constructor(private readonly deps: IngestDeps) {}

  ingest(context: ContextId, raw: readonly Uint8Array[]): Promise<IngestResult> {
    return new Promise((done) => this.enqueue({ context, raw, done }));
  }

  private enqueue(q: Queued): void {
    this.queue.push(q);
    this.draining ??= this.drain();
  }

  heldCount(context: ContextId): number {
    return this.pending.count(context) + this.future.count(context);
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      const contexts = [...new Set(batch.map((q) => q.context))];
      const fates = new Map<Uint8Array, Fate>();
      for (const context of contexts) {
        const mine = batch.filter((q) => q.context === context);
        const { byBytes, fresh } = await this.validate(context, mine.flatMap((q) => q.raw), fates);
        await this.admit(context, [...fresh, ...mine.flatMap((q) => q.due ?? [])]);
        for (const [bytes, id] of byBytes) fates.set(bytes, this.fate(context, id));
      }
      for (const q of batch) {
        const r = { stored: 0, held: 0, refused: 0 };
        for (const b of q.raw) r[fates.get(b) ?? 'refused']++;
        q.done(r);
      }
    }
    this.draining = null;
  }

  private fate(context: ContextId, id: FactId): Fate {
    if (this.deps.journals.holds(journalOf(context), id)) return 'stored';
    return this.pending.has(context, id) || this.future.has(context, id) ? 'held' : 'refused';
  }

  /**
   * Validates each fact in isolation: returns the valid ones by their bytes, and those new and due now.
   * Invalid ones are counted; future ones are held until their time.
   */
  private async validate(context: ContextId, raw: readonly Uint8Array[], fates: Map<Uint8Array, Fate>): Promise<{ byBytes: Map<Uint8Array, FactId>; fresh: ValidatedFact[] }> {
    const ns = journalOf(context);
    const now = this.deps.now();
    const out = new Map<Uint8Array, FactId>();
    const fresh: ValidatedFact[] = [];
    const later: ValidatedFact[] = [];
    // All of a batch at once: the platform verifier answers asynchronously, and awaiting each in turn left the
    // main thread idle between round trips (a burst of 1000 facts took a second to land).
    const verify = this.deps.verify;
    const checked = await Promise.allSettled(raw.map(async (bytes) => (verify ? validateFactWith(bytes, verify, { namespace: ns }) : validateFact(bytes, { namespace: ns }))));
    for (const [i, bytes] of raw.entries()) {
      const c = checked[i]!;
      if (c.status === 'rejected') {
        this.deps.countDrop(`invalid-fact:${codeOf(c.reason)}`);
        fates.set(bytes, 'refused');
        continue;
      }
      const f = c.value;
      out.set(bytes, f.id);
      if (this.deps.journals.holds(ns, f.id) || this.pending.has(context, f.id) || this.future.has(context, f.id)) continue;
      if (isBeyondSkew(f.fact.time, now)) {
        this.deps.countDrop('held:future');
        later.push(f);
      } else fresh.push(f);
    }
    if (later.length > 0) {
      this.future.add(context, later, (r) => this.deps.countDrop(r));
      this.armTimer();
    }
    return { byBytes: out, fresh };
  }

  /**
   * Commits what admission allows of the incoming facts and those already waiting, again and again while each
   * commit authorizes more (joins before posts). Only incoming facts that must still wait join the bounded
   * pending set, so a flood of waiting facts can never crowd out one that is admissible now.
   */
  private async admit(context: ContextId, incoming: readonly ValidatedFact[]): Promise<void> {
    const ns = journalOf(context);
    let candidates = [...new Map(incoming.map((f) => [f.id, f])).values()];
    for (;;) {
      const batch: ValidatedFact[] = [];
      const refused = new Set<FactId>();
      const st = this.deps.journals.get(ns)?.state;
      for (const f of [...candidates, ...this.pending.list(context)]) {
        const verdict = admission(f, st);
        if (verdict === 'ok') batch.push(f);
        else if (verdict !== 'wait') {
          this.deps.countDrop(`unauthorized:${verdict.refuse}`);
          refused.add(f.id);
        }
      }
      this.pending.remove(context, refused);
      candidates = candidates.filter((f) => !refused.has(f.id));
      if (batch.length === 0) break;
      try {
        await this.deps.commit(batch);
      } catch (e) {
        // Held: the next delivery or timer tries again; nothing of the batch was stored.
        this.deps.countDrop(`commit-failed:${codeOf(e)}`);
        break;
      }
      const done = new Set(batch.map((f) => f.id));
      this.pending.remove(context, done);
      candidates = candidates.filter((f) => !done.has(f.id));
      await this.deps.admitted(context, batch).catch((e: unknown) => this.deps.countDrop(`admitted-hook:${codeOf(e)}`));
    }
    this.pending.add(context, candidates, (r) => this.deps.countDrop(r));
  }

  /** Future facts become pending when the clock reaches them (less the skew bound). */
  private armTimer(): void {
    if (this.stopped) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const due = nextDue(this.future);
    if (due === null) return;
    const delay = Math.min(Math.max(0, due - this.deps.now()), 2 ** 31 - 1);
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.release();
    }, delay);
  }

  private async release(): Promise<void> {
    const now = this.deps.now();
    for (const context of this.future.contexts()) {
      const due = this.future.list(context).filter((f) => !isBeyondSkew(f.fact.time, now));
      this.future.remove(context, due.map((f) => f.id));
      if (due.length > 0) await new Promise<IngestResult>((done) => this.enqueue({ context, raw: [], due, done }));
    }
    this.armTimer();
  }
}
