import type { ValidatedFact } from '../../core/facts/fact.ts';
import { namespaceKind, type AuthorityId, type ContextId, type DeviceId, type Hash32 } from '../../core/ids.ts';
import type { CommitDecision } from '../../protocols/consensus/execute.ts';
import type { GuardianInvitation, GuardiansApi, GuardiansView, RecoveringView, RecoveryHelp, RecoveryView, Ward } from '../api-guardians.ts';
import type { ContactsModule } from '../contacts/contacts-module.ts';
import type { NodeHost } from '../host/node-host.ts';
import type { MembershipModule } from '../membership/membership-module.ts';
import { WitnessModule } from '../witness/witness-module.ts';
import { GuardianHelps } from './helping.ts';
import { GuardianOwner } from './owner.ts';
import { ownHead, pairs } from './pairs.ts';
import { Recovering, type Become } from './recovering.ts';
import { Reshare } from './reshare.ts';
import { GuardianWards } from './wards.ts';

/**
 * Guardians and recovery (DESIGN §2, §7): the owner's setup and what its surviving devices see, the guardian's
 * side (answers, the guardians' DKG and consensus, helping a recovery), the recovering device, and re-sharing
 * contexts with a recovered member. Its tick (2 s) resends and proposes what could not go out yet.
 */
export class GuardiansModule extends WitnessModule implements GuardiansApi {
  private readonly owner: GuardianOwner;
  private readonly wardsOf: GuardianWards;
  private readonly helping: GuardianHelps;
  private readonly recoveringRun: Recovering;
  private readonly reshare: Reshare;

  constructor(host: NodeHost, private readonly membership: MembershipModule, private readonly contacts: ContactsModule, become: Become) {
    super(host);
    this.owner = new GuardianOwner(host, membership, contacts);
    this.wardsOf = new GuardianWards({
      host,
      contacts,
      keys: () => this.keys,
      prestate: (ward, decision) => this.prestate(ward, decision),
      committed: (ward, commit) => this.helping.committed(ward, commit),
      recoveryCode: (ward, code) => this.helping.follow(ward, code),
    });
    this.helping = new GuardianHelps(host, membership, contacts, this.wardsOf);
    this.recoveringRun = new Recovering(host, membership, contacts, become);
    this.reshare = new Reshare(host, membership, contacts);
  }

  override async restore(): Promise<void> {
    await super.restore();
    await this.helping.restore();
    await this.recoveringRun.restore();
  }

  override start(): void {
    super.start();
    this.helping.resume();
    this.recoveringRun.resume();
  }

  applied(f: ValidatedFact): void {
    this.reshare.applied(f);
    const kind = f.fact.kind;
    if (namespaceKind(f.fact.ns) === 'context' && (kind.startsWith('guardian.') || kind === 'rel.binding')) {
      queueMicrotask(() => {
        if (this.host.closed || !this.host.identity()) return;
        this.wardsOf.refresh();
        void this.owner.progress().catch(() => this.host.countDrop('guardians:ProgressFailed'));
      });
    }
  }

  view(): GuardiansView | null {
    if (!this.host.identity()) return null;
    const branch = ownHead(this.host)?.guardians ?? null;
    const setup = this.owner.status();
    const names = Object.fromEntries((setup?.responses ?? []).map((r) => [r.participant, this.nameOf(r.participant)]));
    return {
      current: branch && { threshold: branch.threshold, delayMs: branch.delayMs, guardians: branch.guardians.map((g) => ({ authority: g.authority, name: this.nameOf(g.authority) })) },
      setup,
      setupNames: names,
    };
  }

  setGuardians(guardians: readonly AuthorityId[], threshold: number, delayMs: number): Promise<void> {
    return this.owner.setGuardians(guardians, threshold, delayMs);
  }

  // Both are read by the notices above the app on every change: computed once per data version.
  invitations(): readonly GuardianInvitation[] {
    return this.host.cached('guardians:invitations', () => this.wardsOf.invitations((a) => this.nameOf(a)));
  }

  answer(context: ContextId, ceremony: string, accept: boolean): Promise<void> {
    return this.wardsOf.answer(context, ceremony, accept);
  }

  wards(): readonly Ward[] {
    return this.wardsOf.wards((a) => this.nameOf(a));
  }

  alerts(): readonly RecoveryView[] {
    return this.host.cached('guardians:alerts', () => this.owner.alerts((a) => this.nameOf(a)));
  }

  cancelRecovery(device: DeviceId): Promise<void> {
    return this.owner.cancel(device);
  }

  help(code: string): RecoveryHelp {
    return this.helping.help(code);
  }

  helps(): readonly RecoveryHelp[] {
    return this.helping.helpList();
  }

  approve(help: string, ward: AuthorityId): Promise<void> {
    return this.helping.answer(help, ward, true);
  }

  refuse(help: string, ward: AuthorityId): Promise<void> {
    return this.helping.answer(help, ward, false);
  }

  recoveries(): readonly RecoveryView[] {
    return this.helping.recoveries((a) => this.nameOf(a));
  }

  startRecovery(claimedName: string): RecoveringView {
    return this.recoveringRun.start(claimedName);
  }

  recovering(): RecoveringView | null {
    return this.recoveringRun.view();
  }

  protected tick(): void {
    if (!this.host.identity()) return;
    this.wardsOf.refresh();
    this.wardsOf.tick();
    this.helping.tick();
    this.recoveringRun.tick();
    void this.owner.progress().catch(() => this.host.countDrop('guardians:ProgressFailed'));
  }

  protected stopped(): void {
    this.wardsOf.stop();
    this.helping.stop();
    this.recoveringRun.stop();
  }

  /** A guardian signs a recovery only over the ward's head it knows, once it approved, waited, and nobody cancelled. */
  private prestate(ward: AuthorityId, decision: CommitDecision): Hash32 {
    const device = decision.consensusId.startsWith('recover:') ? decision.consensusId.slice('recover:'.length) : null;
    const p = pairs(this.host, this.contacts).get(ward);
    const head = p && this.wardsOf.wardHead(p);
    if (device === null || !head || !this.helping.signable(ward, device) || decision.covers.length !== 1 || decision.covers[0] !== ward) return '';
    return head.commitment;
  }

  private nameOf(a: AuthorityId): string {
    return this.membership.names.nameOf(a);
  }
}
