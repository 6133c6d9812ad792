import { compareStrings } from '../../core/compare.ts';
import { groupPublicKey, type FrostKeyPackage } from '../../core/crypto/frost.ts';
import { hashValue } from '../../core/crypto/hash.ts';
import { toHex } from '../../core/encoding/bytes.ts';
import type { ValidatedFact } from '../../core/facts/fact.ts';
import type { BodyOf } from '../../core/facts/kinds/index.ts';
import { journalOf, namespaceKind, type ContextId, type DeviceId, type FactId, type Hash32 } from '../../core/ids.ts';
import { agreementOf } from '../../core/reduce/agreement.ts';
import { listChannels } from '../../core/reduce/chat.ts';
import { visibleMessages } from '../../core/reduce/membership.ts';
import { encodeWitnessKey, WITNESS_KEY_BINDING } from '../../core/reduce/witness-keys.ts';
import type { ConsensusService } from '../../protocols/consensus/consensus-service.ts';
import { participantOf } from '../../protocols/consensus/dkg-session.ts';
import type { CommitDecision } from '../../protocols/consensus/execute.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { WitnessGroupChannel } from './group-channel.ts';
import { saveGroupKey } from './group-keys.ts';
import { WitnessModule } from './witness-module.ts';
import { witnessService } from './witness-service.ts';

/**
 * A checkpoint that did not commit is proposed again after 1 s, then 2, 4, 8, at most 10 s: a witness that had
 * not yet received a covered fact (gossip is a few ms behind) signs the next try; one that is away costs little.
 */
const RETRY_FIRST_MS = 1_000;
const RETRY_MS = 10_000;
/** A vote may decide a proposal: checkpoint it this soon after it arrives, once gossip has carried it to the others. */
const VOTE_SETTLE_MS = 150;
/** Most messages one checkpoint covers (a commit covers at most 256 facts). */
const MAX_COVERS = 256;

/** The witness devices of a context (DESIGN §6): per member authority, its lowest member device, sorted. */
export function witnessesOf(host: NodeHost, context: ContextId): DeviceId[] {
  const out: DeviceId[] = [];
  for (const devices of host.membersOf(context).devices.values()) {
    const first = [...devices].sort(compareStrings)[0];
    if (first !== undefined) out.push(first);
  }
  return out.sort(compareStrings);
}

/** Decisions of other modules taken by the same witnesses: null for a decision that is not theirs. */
export interface OtherDecisions {
  prestate(context: ContextId, d: CommitDecision): Hash32 | null;
  /** A decision of theirs waits in this context: witnesses keep announcing nonces for it. */
  waiting(context: ContextId): boolean;
}

/** A checkpoint's prestate: the messages it covers. A witness that lacks one computes another and does not sign. */
const prestateOf = (covers: readonly FactId[]): Hash32 => hashValue('aura/checkpoint/covers', [...covers].sort(compareStrings));

/**
 * Channel checkpoints (◆, DESIGN §6): in each context with two or more member authorities, their witness
 * devices run a DKG on the context's sealed consensus topic, each endorses the group key in a witness-key
 * binding, and the first witness periodically proposes a commit covering the messages not yet Finalized;
 * the others sign it only if they hold every one of them. The commit Finalizes what it covers, everywhere.
 */
export class CheckpointModule extends WitnessModule {
  private readonly groups = new Map<ContextId, ContextWitnesses>();
  /** Judges decisions other than checkpoints (snapshots): the prestate this witness holds for them. */
  decisions: OtherDecisions | null = null;

  constructor(
    host: NodeHost,
    private readonly membership: MembershipModule,
  ) {
    super(host);
  }

  /** Puts a decision to this context's witnesses, if this device is a witness with a running service. */
  propose(context: ContextId, d: CommitDecision): boolean {
    return this.groups.get(context)?.proposeDecision(d) ?? false;
  }

  /** This device is the context's first witness: the one that proposes. */
  isProposer(context: ContextId): boolean {
    return witnessesOf(this.host, context)[0] === this.host.key.deviceId;
  }

  protected stopped(): void {
    for (const g of this.groups.values()) g.channel.stop();
  }

  applied(f: ValidatedFact): void {
    if (namespaceKind(f.fact.ns) !== 'context') return;
    const g = this.groups.get(f.fact.ns.slice('context:'.length));
    if (g && (f.fact.kind === 'rel.binding' || f.fact.kind === 'consensus.commit')) queueMicrotask(() => g.refresh());
    // A vote may decide a proposal: checkpoint it soon rather than at the next tick (applied ◆ within about a second).
    if (g && f.fact.kind === 'proposal.vote') setTimeout(() => g.refresh(), VOTE_SETTLE_MS);
  }

  protected tick(): void {
    const me = this.host.identity();
    if (!me) return;
    for (const context of this.membership.secretsView().keys()) {
      if (context === me.authorityId) continue;
      let g = this.groups.get(context);
      if (!g) this.groups.set(context, (g = new ContextWitnesses(this.host, context, this.membership, this.keys, { prestate: (d) => this.decisions?.prestate(context, d) ?? null, waiting: () => this.decisions?.waiting(context) ?? false })));
      g.tick();
    }
  }
}

/** One context's witness group as this device takes part in it. */
class ContextWitnesses {
  readonly channel: WitnessGroupChannel;
  private service: { groupKey: string; svc: ConsensusService } | null = null;
  private readonly proposed = new Map<string, { at: number; tries: number }>();
  private startedFor: string | null = null;

  constructor(
    private readonly host: NodeHost,
    private readonly context: ContextId,
    membership: MembershipModule,
    private readonly keys: Map<string, FrostKeyPackage>,
    private readonly other: { prestate(d: CommitDecision): Hash32 | null; waiting(): boolean },
  ) {
    this.channel = new WitnessGroupChannel({
      host,
      tag: 'checkpoint',
      purpose: 'context-consensus',
      context: () => context,
      secret: () => membership.secretsView().get(context),
      participants: () => witnessesOf(host, context),
      began: () => host.changed(false),
      keyReady: async (key) => {
        try {
          await saveGroupKey(host.deps.store, toHex(groupPublicKey(key.public)), key);
        } catch {
          return host.countDrop('checkpoint:KeySaveFailed');
        }
        keys.set(toHex(groupPublicKey(key.public)), key);
        this.refresh();
      },
      failed: () => {
        // Started again at the next tick (a witness may have been away).
        this.startedFor = null;
        host.countDrop('checkpoint:DkgFailed');
      },
      consensus: (from, bytes) => {
        this.service?.svc.receive(participantOf(from), bytes);
        queueMicrotask(() => this.refresh());
      },
    });
  }

  /** A key package this device holds for exactly these witnesses, if any. */
  private keyFor(witnesses: readonly DeviceId[]): [string, FrostKeyPackage] | undefined {
    const want = witnesses.map(participantOf).sort(compareStrings).join(',');
    for (const [hex, k] of this.keys) if (Object.keys(k.public.verifyingShares).sort(compareStrings).join(',') === want) return [hex, k];
    return undefined;
  }

  private get st() {
    return this.host.journals.get(journalOf(this.context))?.state;
  }

  /**
   * Resends, and while messages wait for a checkpoint, our unspent nonces again: an announcement that reached
   * a witness before its service existed (or was lost) would otherwise leave the proposer without a session.
   */
  tick(): void {
    this.channel.tick();
    if (this.service && this.st && (this.pending(this.st).length > 0 || this.other.waiting())) this.service.svc.reannounce();
    this.refresh();
  }

  refresh(): void {
    // A DKG or a commit may finish after the node closed (the tab was taken over): nothing more to do.
    if (this.host.closed) return;
    const st = this.st;
    const me = this.host.key.deviceId;
    const witnesses = witnessesOf(this.host, this.context);
    if (!st || witnesses.length < 2 || !witnesses.includes(me) || !this.channel.open()) return;
    const held = this.keyFor(witnesses);
    if (!held) {
      // No key for this witness set yet: the first witness starts a DKG (once per set), the others join it.
      const set = witnesses.join(',');
      if (witnesses[0] === me && !this.channel.running && this.startedFor !== set) {
        this.startedFor = set;
        this.channel.startDkg(witnesses, witnesses.length <= 3 ? witnesses.length : Math.floor(witnesses.length / 2) + 1);
      }
      return;
    }
    const [groupKey, key] = held;
    const record = [...st.agreement.witnessKeys.records.values()].find((r) => toHex(r.key.groupKey) === groupKey);
    if (!record?.by.has(me)) return void this.endorse(key, witnesses);
    if (!st.agreement.witnessKeys.endorsed.includes(groupKey)) return;
    if (this.service?.groupKey !== groupKey) {
      const svc = witnessService(this.host, { ns: journalOf(this.context), key, devices: witnesses, send: (to, body) => this.channel.send(to, body), prestate: (d) => this.held(d), committed: (c) => void this.write('consensus.commit', () => c) });
      this.service = { groupKey, svc };
    }
    if (witnesses[0] === me) this.propose();
  }

  /** Writes our endorsement of a key this device holds, once (the binding is idempotent by content). */
  private endorse(key: FrostKeyPackage, witnesses: readonly DeviceId[]): Promise<void> {
    const data = encodeWitnessKey({ groupKey: groupPublicKey(key.public), threshold: key.public.signers.min, participants: [...witnesses] });
    return this.write('rel.binding', (me) => ({ bindingType: WITNESS_KEY_BINDING, authorities: [me], data }));
  }

  /** Writes a fact of the group into the context; never rejects (a closed node or a refused write is counted). */
  private async write<K extends 'rel.binding' | 'consensus.commit'>(kind: K, body: (me: string) => BodyOf<K>): Promise<void> {
    try {
      const fact = draft(this.host, journalOf(this.context), kind, body(this.host.requireIdentity().authorityId));
      if (this.host.journals.fact(fact.id)) return;
      await this.host.write({ context: this.context, facts: [fact], membership: this.host.membersOf(this.context).view, right: 'witness', announce: true });
    } catch {
      this.host.countDrop('checkpoint:WriteFailed');
    }
  }

  /** The prestate this witness holds for a checkpoint: equal to the proposer's only if it holds every message. */
  private held(d: CommitDecision): Hash32 {
    const other = this.other.prestate(d);
    if (other !== null) return other;
    return d.covers.every((id) => this.host.journals.holds(journalOf(this.context), id)) ? prestateOf(d.covers) : prestateOf([]);
  }

  proposeDecision(d: CommitDecision): boolean {
    return this.service?.svc.propose(d) ?? false;
  }

  /** The messages, proposals and votes not yet Finalized, sorted (an applied proposal is ◆ once its deciding vote is). */
  private pending(st: NonNullable<ContextWitnesses['st']>): FactId[] {
    const ids: FactId[] = [...st.proposals.creates.keys()];
    for (const votes of st.proposals.firstVotes.values()) for (const v of votes.values()) ids.push(v.id);
    // A message a snapshot compacted is Finalized by it (and its fact is gone).
    const facts = this.host.journals.get(journalOf(this.context))!.facts;
    for (const ch of listChannels(st.chat)) for (const m of visibleMessages(st, ch.id)) if (facts.has(m.id)) ids.push(m.id);
    return ids.filter((id) => agreementOf(st.agreement, id).level !== 'Finalized').sort(compareStrings);
  }

  private propose(): void {
    const covers = this.pending(this.st!);
    if (covers.length === 0) return;
    const chosen = covers.slice(0, MAX_COVERS);
    const prestateHash = prestateOf(chosen);
    const consensusId = `checkpoint:${prestateHash.slice(0, 32)}`;
    const now = this.host.deps.now();
    const last = this.proposed.get(consensusId);
    if (last && now - last.at < Math.min(RETRY_MS, RETRY_FIRST_MS * 2 ** (last.tries - 1))) return;
    if (!this.service!.svc.propose({ consensusId, prestateHash, covers: chosen })) return;
    const tries = (last?.tries ?? 0) + 1;
    this.proposed.set(consensusId, { at: now, tries });
    // Look again when the next try is due (the tick alone would add up to 2 s).
    setTimeout(() => this.refresh(), Math.min(RETRY_MS, RETRY_FIRST_MS * 2 ** (tries - 1)));
    // Tries for covers that committed since are no use any more.
    if (this.proposed.size > 64) this.proposed.delete(this.proposed.keys().next().value!);
  }
}
