import type { AuthorityId, ChannelId, Epoch } from '../ids.ts';
import { DEFAULT_SKIP_WINDOW, pruningBoundary } from './gc-boundary.ts';
import { compareStamps, type Stamp } from './stamp.ts';

/** A proposed epoch transition awaiting commitment; `stamp` is the earliest fact proposing it. */
export interface ProposedBump {
  readonly bumpId: string;
  readonly parentEpoch: Epoch;
  readonly newEpoch: Epoch;
  readonly proposer: AuthorityId;
  readonly stamp: Stamp;
}

/** Spec 003 ChannelEpochState, as plain sorted data. */
export interface ChannelEpochState {
  readonly channel: ChannelId;
  /** Committed channel epoch. */
  readonly chanEpoch: Epoch;
  /** Highest epoch any checkpoint was taken in. */
  readonly checkpointEpoch: Epoch;
  /** Highest checkpointed generation (max_generation for GC). */
  readonly currentGeneration: number;
  readonly skipWindow: number;
  /** The policy fact that set `skipWindow`, or null for the default. */
  readonly policy: Stamp | null;
  /** Proposals from `chanEpoch`, sorted by fact order. */
  readonly pendingBumps: readonly ProposedBump[];
  readonly pruningBoundary: number;
}

/**
 * AMP channel reduction. Every rule is a function of the fact *set*, so arrival order cannot matter:
 *
 * - Consistent chain: a bump (proposed or committed) counts only if newEpoch = parentEpoch + 1.
 * - Anchor: the chain starts at max(0, highest checkpoint chanEpoch) — a checkpoint attests its epoch
 *   was committed, so bumps older than a snapshot may be pruned without losing the epoch.
 * - chanEpoch: the smallest e ≥ anchor with no committed bump from e; i.e. the anchor followed through
 *   contiguous committed bumps. Several commits from one parent (concurrent) all lead to parent + 1.
 * - pendingBumps: proposals whose parentEpoch = chanEpoch (none of them committed, by definition of
 *   chanEpoch), one per bumpId, represented by its earliest proposing fact. Committing from an epoch
 *   therefore retires every proposal from it.
 * - currentGeneration: max checkpoint generation. checkpointEpoch: max checkpoint chanEpoch.
 * - skipWindow: the policy fact greatest by (order time, FactId), else DEFAULT_SKIP_WINDOW.
 *
 * chanEpoch only grows as facts arrive, so bumps from below it are ignored on arrival: no later fact
 * can make them count again.
 */
export class AmpChannel {
  private epoch: Epoch = 0;
  private anchor: Epoch = 0;
  private generation = 0;
  private policy: { readonly stamp: Stamp; readonly skipWindow: number } | null = null;
  private readonly committedFrom = new Set<Epoch>();
  private readonly proposals = new Map<Epoch, Map<string, ProposedBump>>();

  constructor(readonly channel: ChannelId) {}

  checkpoint(chanEpoch: Epoch, generation: number): void {
    if (generation > this.generation) this.generation = generation;
    if (chanEpoch > this.anchor) {
      this.anchor = chanEpoch;
      if (chanEpoch > this.epoch) {
        this.epoch = chanEpoch;
        this.advance();
      }
    }
  }

  propose(bump: ProposedBump): void {
    if (bump.newEpoch !== bump.parentEpoch + 1 || bump.parentEpoch < this.epoch) return;
    let byId = this.proposals.get(bump.parentEpoch);
    if (!byId) this.proposals.set(bump.parentEpoch, (byId = new Map()));
    const prev = byId.get(bump.bumpId);
    if (!prev || compareStamps(bump.stamp, prev.stamp) < 0) byId.set(bump.bumpId, bump);
  }

  commit(parentEpoch: Epoch, newEpoch: Epoch): void {
    if (newEpoch !== parentEpoch + 1 || parentEpoch < this.epoch) return;
    this.committedFrom.add(parentEpoch);
    if (parentEpoch === this.epoch) this.advance();
  }

  setPolicy(stamp: Stamp, skipWindow: number): void {
    if (!this.policy || compareStamps(stamp, this.policy.stamp) > 0) this.policy = { stamp, skipWindow };
  }

  get skipWindow(): number {
    return this.policy?.skipWindow ?? DEFAULT_SKIP_WINDOW;
  }

  get maxGeneration(): number {
    return this.generation;
  }

  view(): ChannelEpochState {
    const pending = [...(this.proposals.get(this.epoch)?.values() ?? [])].sort((a, b) => compareStamps(a.stamp, b.stamp));
    return {
      channel: this.channel,
      chanEpoch: this.epoch,
      checkpointEpoch: this.anchor,
      currentGeneration: this.generation,
      skipWindow: this.skipWindow,
      policy: this.policy?.stamp ?? null,
      pendingBumps: pending,
      pruningBoundary: pruningBoundary(this.generation, this.skipWindow),
    };
  }

  /** Follows committed bumps from the current epoch, retiring what each step leaves behind. */
  private advance(): void {
    while (this.committedFrom.delete(this.epoch)) {
      this.proposals.delete(this.epoch);
      this.epoch++;
    }
  }
}
