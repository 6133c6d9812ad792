import { compareNumbers, compareStrings } from '../compare.ts';
import { toHex } from '../encoding/bytes.ts';
import { isKind, type ValidatedFact } from '../facts/fact.ts';
import { fromFlowBudgetFact, merge, type FlowBudget } from '../flow/flow-budget.ts';
import type { AuthorityId, ChannelId, DeviceId, Epoch, FactId } from '../ids.ts';
import { decodeCanonical } from '../encoding/cbor.ts';
import type { ForwardReceipt } from '../forwarding/receipt.ts';
import { AmpChannel, type ChannelEpochState } from './amp-channel.ts';
import { isPrunable, pruningBoundary } from './gc-boundary.ts';
import type { Reducer } from './reducer.ts';
import { compareStamps, stampOf, type Stamp } from './stamp.ts';

/** A 'rel.binding' fact as reduced state; its identity is the fact's id (in `stamp`). */
export interface Binding {
  readonly stamp: Stamp;
  readonly author: AuthorityId;
  readonly bindingType: string;
  readonly authorities: readonly AuthorityId[];
  /** Hex of the optional binding data. */
  readonly data: string | null;
}

export interface FlowBudgetEntry {
  readonly from: AuthorityId;
  readonly to: AuthorityId;
  readonly budget: FlowBudget;
}

/** A rendezvous receipt; byte fields as hex so the state stays plain data. */
export interface Receipt {
  readonly stamp: Stamp;
  readonly envelopeId: string;
  readonly authority: AuthorityId;
  readonly timestamp: number;
  readonly signature: string;
}

/** A kept forward receipt chain (`receipt.forward`): who received what from whom, through which forwarders. */
export interface ForwardRecord {
  readonly stamp: Stamp;
  readonly origin: DeviceId;
  readonly receiver: DeviceId;
  /** The forwarders, in order (the origin's own hop excluded). */
  readonly via: readonly DeviceId[];
  readonly epoch: Epoch;
  readonly spent: readonly number[];
}

/**
 * Spec 003 RelationalState. Each collection keeps per-key winners, so apply is O(1) amortised;
 * sorting happens only in canonical() and the queries.
 */
export interface RelationalState {
  readonly bindings: Map<FactId, Binding>;
  /** Keyed by flowBudgetKey(from, to, epoch). */
  readonly flowBudgets: Map<string, FlowBudgetEntry>;
  readonly channelEpochs: Map<ChannelId, AmpChannel>;
  /** Keyed by envelopeId hex + '/' + authority. */
  readonly receipts: Map<string, Receipt>;
  /** Kept forward receipt chains, by FactId. */
  readonly forwards: Map<FactId, ForwardRecord>;
}

export interface RelationalCanonical {
  readonly bindings: readonly Binding[];
  readonly flowBudgets: readonly FlowBudgetEntry[];
  readonly channelEpochs: readonly ChannelEpochState[];
  readonly receipts: readonly Receipt[];
  readonly forwards: readonly ForwardRecord[];
}

/** Injective: JSON quotes and escapes both authority ids. */
function flowBudgetKey(from: AuthorityId, to: AuthorityId, epoch: Epoch): string {
  return JSON.stringify([from, to, epoch]);
}

function ampChannel(st: RelationalState, channel: ChannelId): AmpChannel {
  let ch = st.channelEpochs.get(channel);
  if (!ch) st.channelEpochs.set(channel, (ch = new AmpChannel(channel)));
  return ch;
}

export function bindingOf(vf: ValidatedFact<'rel.binding'>): Binding {
  const b = vf.fact.body;
  return { stamp: stampOf(vf), author: vf.fact.author, bindingType: b.bindingType, authorities: b.authorities, data: b.data === undefined ? null : toHex(b.data) };
}

function applyBinding(st: RelationalState, vf: ValidatedFact<'rel.binding'>): void {
  if (!st.bindings.has(vf.id)) st.bindings.set(vf.id, bindingOf(vf));
}

/** Every observation of one (from, to, epoch) is joined with the flow-budget semilattice merge. */
function applyFlowBudget(st: RelationalState, vf: ValidatedFact<'rel.flowBudget'>): void {
  const b = vf.fact.body;
  const key = flowBudgetKey(b.from, b.to, b.epoch);
  const seen = st.flowBudgets.get(key);
  const budget = fromFlowBudgetFact(b);
  st.flowBudgets.set(key, { from: b.from, to: b.to, budget: seen ? merge(seen.budget, budget) : budget });
}

/** The first receipt by fact order is kept for each (envelope, authority). */
function applyReceipt(st: RelationalState, vf: ValidatedFact<'receipt.rendezvous'>): void {
  const b = vf.fact.body;
  const envelopeId = toHex(b.envelopeId);
  const key = `${envelopeId}/${b.authority}`;
  const stamp = stampOf(vf);
  const seen = st.receipts.get(key);
  if (seen && compareStamps(seen.stamp, stamp) <= 0) return;
  st.receipts.set(key, { stamp, envelopeId, authority: b.authority, timestamp: b.timestamp, signature: toHex(b.signature) });
}

/** The authorization rule verified the chain; its receipts are read back as plain data. */
function applyForward(st: RelationalState, vf: ValidatedFact<'receipt.forward'>): void {
  const rs = vf.fact.body.chain.map((raw) => decodeCanonical<ForwardReceipt>(raw));
  const first = rs[0]!;
  st.forwards.set(vf.id, { stamp: stampOf(vf), origin: first.src, receiver: first.dst, via: rs.slice(1).map((r) => r.hop), epoch: first.epoch, spent: rs.map((r) => r.spent) });
}

function applyAmp(st: RelationalState, vf: ValidatedFact): void {
  if (isKind(vf, 'amp.checkpoint')) {
    const b = vf.fact.body;
    ampChannel(st, b.channel).checkpoint(b.chanEpoch, b.generation);
  } else if (isKind(vf, 'amp.proposedBump')) {
    const b = vf.fact.body;
    ampChannel(st, b.channel).propose({ bumpId: b.bumpId, parentEpoch: b.parentEpoch, newEpoch: b.newEpoch, proposer: vf.fact.author, stamp: stampOf(vf) });
  } else if (isKind(vf, 'amp.committedBump')) {
    const b = vf.fact.body;
    ampChannel(st, b.channel).commit(b.parentEpoch, b.newEpoch);
  } else if (isKind(vf, 'amp.policy')) {
    const b = vf.fact.body;
    ampChannel(st, b.channel).setPolicy(stampOf(vf), b.skipWindow);
  }
}

export const relationalReducer: Reducer<RelationalState, RelationalCanonical> = {
  init: () => ({ bindings: new Map(), flowBudgets: new Map(), channelEpochs: new Map(), receipts: new Map(), forwards: new Map() }),
  apply(st, vf) {
    if (isKind(vf, 'rel.binding')) applyBinding(st, vf);
    else if (isKind(vf, 'rel.flowBudget')) applyFlowBudget(st, vf);
    else if (isKind(vf, 'receipt.rendezvous')) applyReceipt(st, vf);
    else if (isKind(vf, 'receipt.forward')) applyForward(st, vf);
    else applyAmp(st, vf);
  },
  canonical(st) {
    return {
      bindings: listBindings(st),
      flowBudgets: listFlowBudgets(st),
      channelEpochs: [...st.channelEpochs.values()].sort((a, b) => compareStrings(a.channel, b.channel)).map((ch) => ch.view()),
      receipts: [...st.receipts.values()].sort((a, b) => compareStrings(a.envelopeId, b.envelopeId) || compareStrings(a.authority, b.authority)),
      forwards: listForwards(st),
    };
  },
};

/** Kept forward receipt chains in fact order. */
export function listForwards(st: RelationalState): ForwardRecord[] {
  return [...st.forwards.values()].sort((a, b) => compareStamps(a.stamp, b.stamp));
}

/** Bindings in fact order (order time, FactId). */
export function listBindings(st: RelationalState): Binding[] {
  return [...st.bindings.values()].sort((a, b) => compareStamps(a.stamp, b.stamp));
}

/** Budgets sorted by (from, to, epoch). */
export function listFlowBudgets(st: RelationalState): FlowBudgetEntry[] {
  return [...st.flowBudgets.values()].sort(
    (a, b) => compareStrings(a.from, b.from) || compareStrings(a.to, b.to) || compareNumbers(a.budget.epoch, b.budget.epoch),
  );
}

export function flowBudgetOf(st: RelationalState, from: AuthorityId, to: AuthorityId, epoch: Epoch): FlowBudget | undefined {
  return st.flowBudgets.get(flowBudgetKey(from, to, epoch))?.budget;
}

export function channelEpochState(st: RelationalState, channel: ChannelId): ChannelEpochState | undefined {
  return st.channelEpochs.get(channel)?.view();
}

/** The channel's GC pruning boundary, or undefined when no AMP fact names the channel. */
export function channelPruningBoundary(st: RelationalState, channel: ChannelId): number | undefined {
  const ch = st.channelEpochs.get(channel);
  return ch && pruningBoundary(ch.maxGeneration, ch.skipWindow);
}

/** Whether a fact at `generation` in `channel` may be pruned; never for a channel without AMP facts. */
export function isPrunableInChannel(st: RelationalState, channel: ChannelId, generation: number): boolean {
  const ch = st.channelEpochs.get(channel);
  return ch !== undefined && isPrunable(generation, ch.maxGeneration, ch.skipWindow);
}

export function receiptOf(st: RelationalState, envelopeId: Uint8Array, authority: AuthorityId): Receipt | undefined {
  return st.receipts.get(`${toHex(envelopeId)}/${authority}`);
}
