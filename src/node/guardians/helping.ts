import type { ConsensusCommit } from '../../core/facts/kinds/consensus.ts';
import { journalOf, type AuthorityId, type DeviceId } from '../../core/ids.ts';
import { AuraError } from '../../core/errors.ts';
import { decodeRendezvousCode, encodeRendezvousCode, type RendezvousCode } from '../../core/rendezvous/code.ts';
import type { RecoveryMessage } from '../../core/rendezvous/recovery-message.ts';
import { cancelledAt, recoveryVotes } from '../../core/reduce/guardians.ts';
import { newestProof } from '../../core/reduce/membership.ts';
import { recoveryStatus, signableAt } from '../../core/reduce/recovery-status.ts';
import { provenTree } from '../../core/reduce/tree/device-proof.ts';
import { recoveryDecision } from '../../core/reduce/tree/recovery.ts';
import { participantOf } from '../../protocols/consensus/dkg-session.ts';
import { ceremonyIdOf } from '../../protocols/rendezvous/ceremony-run.ts';
import { RecoveryLink } from '../../protocols/rendezvous/recovery-link.ts';
import { NodeError } from '../api.ts';
import type { RecoveryHelp, RecoveryView } from '../api-guardians.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import { chargedTopics, enteredCode } from '../host/ceremony-runs.ts';
import { draft } from '../host/draft.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { pairs, type Pair } from './pairs.ts';
import { loadCodes, saveCodes, type SavedCode } from './saved-codes.ts';
import type { GuardianWards } from './wards.ts';

/** A proposal no commit answered (a guardian away) is made again after this long. */
const PROPOSE_EVERY_MS = 5_000;
/** Codes followed from fellow guardians at once: a guardian flooding codes is bounded and counted. */
const MAX_FOLLOWED = 16;
const HELPS_META = 'recovery-helps';

interface Help {
  readonly id: string;
  readonly code: RendezvousCode;
  readonly link: RecoveryLink;
  device: DeviceId | null;
  ward: AuthorityId | null;
  answer: 'approved' | 'refused' | null;
  commit: ConsensusCommit | null;
  proposedAt: number;
  /** The recovered device proved it holds the ward's new tree: the pair's secret went to it. */
  shared: boolean;
  /** Met on a fellow guardian's word (`follow`), not entered here: never answered, only re-shares. */
  readonly followed: boolean;
  /** This device told the ward's other guardians the code, once the recovery was signed. */
  codeShared: boolean;
}

/**
 * A guardian helping a recovery (DESIGN §2, §7): it enters the code the recovering person handed over, meets the
 * new device, and approves (or refuses) for one of its wards — a fact in the pair with the ward, which the
 * ward's surviving devices see and can cancel. Once its waiting period is over, and while nobody cancelled, it
 * proposes the recovery to its fellow guardians' consensus; the signed result goes to the new device with the
 * ward's tree. When that device proves it holds the recovered tree, the guardian re-shares their pair with it.
 */
export class GuardianHelps {
  private readonly helps = new Map<string, Help>();

  constructor(
    private readonly host: NodeHost,
    private readonly membership: MembershipModule,
    private readonly contacts: ContactsModule,
    private readonly wards: GuardianWards,
  ) {}

  /** Read at restore: the codes this device was helping with before a reload, resumed once the network starts. */
  private saved: SavedCode[] = [];

  async restore(): Promise<void> {
    this.saved = await loadCodes(this.host, HELPS_META);
  }

  /** After a reload: meet the same devices again; what this guardian answered is read back from its pairs (`tick`). */
  resume(): void {
    if (!this.host.identity() || !this.host.deps.transport) return;
    for (const s of this.saved.splice(0)) if (!this.helps.has(ceremonyIdOf(s.code))) this.meet(s.code, s.ward);
  }

  help(text: string): RecoveryHelp {
    this.host.requireIdentity();
    if (!this.host.deps.transport) throw new NodeError('Offline', 'Helping a recovery needs the network.');
    const code = enteredCode(this.host, text, 'recover', 'That is not a recovery code.');
    if (code.device === undefined) throw new NodeError('InvalidInput', 'That recovery code does not say which device asks.');
    return this.view(this.helps.get(ceremonyIdOf(code)) ?? this.meet(code, null));
  }

  /**
   * A fellow guardian of `ward` signed a recovery and shared its code: meet that device too, without a word of
   * our own, so that once it proves the recovered tree our pair is re-shared with it and we see the recovery.
   */
  follow(ward: AuthorityId, text: string): void {
    let code: RendezvousCode;
    try {
      code = decodeRendezvousCode(text, this.host.deps.now());
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      return this.host.countDrop(`guardians:BadCode:${e.code}`);
    }
    if (code.purpose !== 'recover' || code.device === undefined) return this.host.countDrop('guardians:BadCode');
    if (this.helps.has(ceremonyIdOf(code)) || !this.host.identity() || !this.host.deps.transport) return;
    if ([...this.helps.values()].filter((h) => h.followed).length >= MAX_FOLLOWED) return this.host.countDrop('guardians:TooManyCodes');
    this.meet(code, ward);
  }

  private meet(code: RendezvousCode, followedWard: AuthorityId | null): Help {
    const id = ceremonyIdOf(code);
    const help: Help = { id, code, device: null, ward: followedWard, followed: followedWard !== null, answer: null, commit: null, proposedAt: -Infinity, shared: false, codeShared: false, link: null! };
    (help as { link: RecoveryLink }).link = new RecoveryLink({
      key: this.host.key,
      code,
      net: chargedTopics(this.host),
      now: this.host.deps.now,
      random: this.host.deps.random,
      found: (offer) => {
        // Other guardians hold the code too: only the device the code names is the one asking.
        if (offer.device !== code.device) return;
        help.device = offer.device;
        this.host.changed();
      },
      received: (from, m) => void this.received(help, from, m),
      dropped: (r) => this.host.countDrop(r),
    });
    this.helps.set(id, help);
    saveCodes(this.host, HELPS_META, [...this.helps.values()].map((h) => ({ code: h.code, ward: h.followed ? h.ward : null })));
    help.link.start();
    this.host.changed();
    return help;
  }

  /** Codes this person entered (not those followed from a fellow guardian). */
  helpList(): RecoveryHelp[] {
    return [...this.helps.values()].filter((h) => !h.followed).map((h) => this.view(h));
  }

  async answer(id: string, ward: AuthorityId, approve: boolean): Promise<void> {
    const help = this.helps.get(id);
    const p = pairs(this.host, this.contacts).get(ward);
    if (!help || help.device === null) throw new NodeError('InvalidInput', 'The device asking has not been found yet: keep its tab open and online.');
    if (!p || !this.wards.wards(() => '').some((w) => w.authority === ward)) throw new NodeError('InvalidInput', 'You are not a guardian of that person.');
    if (help.answer !== null) throw new NodeError('InvalidInput', 'You already answered this request.');
    const f = draft(this.host, journalOf(p.context), 'recovery.approve', { authority: ward, device: help.device, approve });
    await this.host.write({ context: p.context, facts: [f], membership: this.host.membersOf(p.context).view, right: 'chat:send', announce: true });
    help.ward = ward;
    help.answer = approve ? 'approved' : 'refused';
    this.tell(help, p);
    this.host.changed();
    // Propose as soon as this approval may count, not at the next tick: the last approval often completes t.
    const branch = this.wards.wardHead(p)?.guardians;
    if (approve && branch) setTimeout(() => this.host.closed || this.tick(), Math.max(0, f.fact.time.wall + branch.delayMs - this.host.deps.now()));
  }

  /** May this guardian sign re-admitting `device` to `ward` now: it approved, waited, and nobody cancelled. */
  signable(ward: AuthorityId, device: DeviceId): boolean {
    const me = this.host.identity();
    const p = pairs(this.host, this.contacts).get(ward);
    const branch = p && this.wards.wardHead(p)?.guardians;
    if (!me || !p || !branch || cancelledAt(p.g, ward, device) !== null) return false;
    const mine = recoveryVotes(p.g, ward, device).find((v) => v.guardian === me.authorityId);
    return mine?.approve === true && this.host.deps.now() >= signableAt(mine, branch);
  }

  committed(ward: AuthorityId, commit: ConsensusCommit): void {
    for (const h of this.helps.values()) {
      if (h.ward !== ward || commit.consensusId !== `recover:${h.device}`) continue;
      h.commit ??= commit;
      if (h.answer === 'approved' && !h.codeShared) {
        this.wards.shareCode(ward, encodeRendezvousCode(h.code));
        h.codeShared = true;
      }
    }
    this.tick();
  }

  tick(): void {
    const all = pairs(this.host, this.contacts);
    for (const h of this.helps.values()) {
      if (h.answer === null && !h.followed) this.recall(h, all);
      const p = h.ward === null ? undefined : all.get(h.ward);
      if (!p || h.device === null) continue;
      this.tell(h, p);
      const head = this.wards.wardHead(p);
      if (h.answer !== 'approved' || h.commit !== null || !head || !this.signable(p.other, h.device)) continue;
      if (this.host.deps.now() - h.proposedAt < PROPOSE_EVERY_MS) continue;
      const { ns: _ns, ...decision } = recoveryDecision(p.other, head.commitment, h.device);
      if (this.wards.propose(p.other, decision)) h.proposedAt = this.host.deps.now();
    }
  }

  /** An answer given before a reload is in a pair's facts: take it back, so the help carries on where it was. */
  private recall(h: Help, all: Map<AuthorityId, Pair>): void {
    const me = this.host.identity();
    const device = h.code.device;
    for (const p of all.values()) {
      const mine = me && device && recoveryVotes(p.g, p.other, device).find((v) => v.guardian === me.authorityId);
      if (!mine) continue;
      h.ward = p.other;
      h.answer = mine.approve ? 'approved' : 'refused';
      this.host.changed();
      return;
    }
  }

  /** Recoveries this guardian answered, with what its pair shows (and the recovered tree, once it is there). */
  recoveries(nameOf: (a: AuthorityId) => string): RecoveryView[] {
    const me = this.host.identity();
    const all = pairs(this.host, this.contacts);
    const out: RecoveryView[] = [];
    for (const h of this.helps.values()) {
      const p = h.ward === null ? undefined : all.get(h.ward);
      const proof = p && newestProof(p.st, p.other);
      const recovered = proof?.tree.recovered?.device === h.device ? proof!.tree.recovered : null;
      const branch = recovered?.parent.guardians ?? (p && this.wards.wardHead(p)?.guardians);
      if (!me || !p || !branch || h.device === null) continue;
      const head = recovered?.parent ?? this.wards.wardHead(p)!;
      // Who signed the recovery approved it: the signature is the evidence, whatever pair their approval is in.
      const signedBy = recovered ? branch.guardians.filter((g) => recovered.signers.includes(participantOf(g.device))).map((g) => ({ guardian: g.authority, approve: true, at: 0 })) : [];
      const votes = [...recoveryVotes(p.g, p.other, h.device), ...signedBy];
      const mine = votes.find((v) => v.guardian === me.authorityId && v.at > 0);
      const status = recoveryStatus({ authority: p.other, device: h.device, branch, prestate: head.commitment, epoch: head.epoch, votes, cancelledAt: cancelledAt(p.g, p.other, h.device), recoveredAt: recovered ? proof!.at : null });
      out.push({ authority: p.other, name: nameOf(p.other), device: h.device, status, names: Object.fromEntries(branch.guardians.map((g) => [g.authority, nameOf(g.authority)])), signableAt: mine?.approve ? signableAt(mine, branch) : null });
    }
    return out;
  }

  stop(): void {
    for (const h of this.helps.values()) h.link.stop();
  }

  /** What this guardian repeats to the new device until it is done: its word, then the signed recovery. */
  private tell(h: Help, p: Pair): void {
    const me = this.host.requireIdentity();
    if (h.device === null || h.answer === null) return;
    const cancelled = cancelledAt(p.g, p.other, h.device) !== null;
    const word = cancelled ? 'cancelled' : h.answer;
    const proof = newestProof(p.st, p.other);
    const branch = proof?.tree.head.guardians;
    if (branch) h.link.send(h.device, { type: 'word', word, authority: p.other, guardian: me.authorityId, name: me.displayName, threshold: branch.threshold, guardians: branch.guardians.length });
    if (h.commit && !cancelled && proof && !h.shared) h.link.send(h.device, { type: 'done', authority: p.other, proof: proof.data, signers: h.commit.signers, signature: h.commit.signature });
  }

  /** The new device proved it holds the recovered tree: re-share the pair's context with it alone. */
  private async received(h: Help, from: DeviceId, m: RecoveryMessage): Promise<void> {
    if (m.type !== 'recovered' || from !== h.device || h.ward === null) return this.host.countDrop('recover:Unexpected');
    const tree = provenTree(m.proof, h.ward);
    if (tree?.recovered?.device !== h.device || !tree.devices.has(h.device)) return this.host.countDrop('recover:NotRecovered');
    const p = pairs(this.host, this.contacts).get(h.ward);
    const secret = p && this.membership.secretsView().get(p.context);
    if (!p || !secret) return;
    const me = this.host.requireIdentity();
    h.link.send(h.device, { type: 'secret', context: p.context, secret, contact: me.authorityId, name: me.displayName });
    h.shared = true;
    this.host.changed();
  }

  private view(h: Help): RecoveryHelp {
    return { id: h.id, claimedName: h.code.from ?? '', device: h.device, ward: h.ward, answer: h.answer };
  }
}
