import { base32 } from 'multiformats/bases/base32';
import { AuraError } from '../../core/errors.ts';
import type { ContextId } from '../../core/ids.ts';
import { encodeRendezvousCode } from '../../core/rendezvous/code.ts';
import { INVITATION_CODE_TTL_MS, startInvitation, stepInvitation, type InvitationCeremony, type InvitationEvent, type Person } from '../../core/rendezvous/invitation.ts';
import { openAnswer, sealInvitation } from '../../core/rendezvous/invitation-package.ts';
import { confirmPackage, isConfirmationOf } from '../../core/rendezvous/receipt.ts';
import { ceremonyIdOf, CeremonyRun, type CeremonyRunDeps } from './ceremony-run.ts';

export type InvitationRunDeps = CeremonyRunDeps<InvitationCeremony>;

export interface InviterHooks {
  /** This device's proof (`encodeDeviceProof`): who invites. */
  proof(): Uint8Array;
  /** Joins the new pairwise context with `invitee` (durable secret, our binding) and records the contact. */
  commit(context: ContextId, secret: Uint8Array, invitee: Person): Promise<void>;
}

/**
 * The inviter's side (DESIGN §7, "Add a contact"): show a code; on meeting a device, seal to it the new
 * pairwise context's secret (made here, held in memory only until the accept: a declined or abandoned
 * invitation leaves nothing behind) and this device's proof, and send it until answered. The invitee's
 * receipt means a person now decides; its accept, naming exactly our package, lets us commit.
 */
export class InvitationInitiator extends CeremonyRun<InvitationCeremony, InvitationEvent> {
  private pkg: Uint8Array | null = null;
  private readonly context: ContextId;
  private readonly secret: Uint8Array;

  constructor(
    deps: Omit<InvitationRunDeps, 'code'> & { readonly displayName: string },
    private readonly hooks: InviterHooks,
  ) {
    const code = { purpose: 'invite' as const, secret: deps.random(32), expires: deps.now() + INVITATION_CODE_TTL_MS, from: deps.displayName };
    super({ ...deps, code }, startInvitation(ceremonyIdOf(code), 'inviter', encodeRendezvousCode(code), code.expires), stepInvitation, 'invite');
    this.context = base32.baseEncode(deps.random(16));
    this.secret = deps.random(32);
  }

  /**
   * Ends it — cancelled, or superseded by a newer invite; an invitation already sealed is withdrawn too (a signed
   * word about exactly that package), so an invitee still deciding stops at once instead of at the code's expiry.
   */
  end(how: { readonly cancelled: string } | { readonly supersededBy: string }): void {
    const peer = this.ceremony.peer;
    if (this.pkg !== null && peer !== null && this.waiting()) this.publish(this.packagesTopic, confirmPackage('withdraw', this.deps.key, peer, this.pkg));
    this.step('cancelled' in how ? { type: 'abort', reason: how.cancelled, at: this.deps.now() } : { type: 'superseded', by: how.supersededBy });
  }

  protected advance(): void {
    const c = this.ceremony;
    if (c.state.type === 'PendingEpoch' && c.state.receivedResponses === 0 && c.peer !== null && this.pkg === null) {
      this.pkg = sealInvitation(this.deps.key, c.peer, this.deps.code.secret, { context: this.context, secret: this.secret, proof: this.hooks.proof() }, this.deps.random);
      this.resend();
    }
    if (c.state.type === 'Committing') void this.commit(c.other!);
  }

  protected resend(): void {
    if (this.pkg !== null && this.waiting()) this.publish(this.packagesTopic, this.pkg);
  }

  /** Packages are ours to send, not to receive. */
  protected onPackage(): void {}

  /** The invitee's receipt (the invitation is in front of a person) or its answer, for exactly our package. */
  protected onConfirmation(bytes: Uint8Array): void {
    const { peer } = this.ceremony;
    if (this.pkg === null || peer === null || !this.waiting()) return;
    const now = this.deps.now();
    if (isConfirmationOf('invite', bytes, this.deps.key.deviceId, peer, this.pkg)) return this.step({ type: 'presented', inviter: null, at: now });
    let answer: ReturnType<typeof openAnswer>;
    try {
      answer = openAnswer(this.deps.key, this.deps.code.secret, bytes, this.pkg);
    } catch (e) {
      if (!(e instanceof AuraError)) throw e;
      return this.deps.dropped(`invite:${e.code}`);
    }
    if (answer.from !== peer) return this.deps.dropped('invite:NotFromPeer');
    if (answer.invitee === null) return this.step({ type: 'declined', at: now });
    this.step({ type: 'accepted', invitee: answer.invitee, at: now });
    this.step({ type: 'committing' });
  }

  private waiting(): boolean {
    const s = this.ceremony.state;
    return s.type === 'PendingEpoch' && s.receivedResponses === 0;
  }

  private async commit(invitee: Person): Promise<void> {
    try {
      await this.hooks.commit(this.context, this.secret, invitee);
      this.step({ type: 'committed', context: this.context, at: this.deps.now() });
    } catch (e) {
      this.step({ type: 'failed', reason: `could not add the contact: ${(e as Error).message}`, at: this.deps.now() });
    }
  }
}
